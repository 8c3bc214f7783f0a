//! The installable `html2cmark` command (`cargo install --path .`); `html2cmark --help` documents it. The code
//! lives in `app/`, shared with `examples/html2cmark.rs`.

mod app;

fn main() -> std::process::ExitCode {
    app::main()
}
