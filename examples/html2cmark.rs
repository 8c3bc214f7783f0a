//! The `html2cmark` command as an example: `cargo run --example html2cmark` converts the bundled sample article;
//! `cargo run --release --example html2cmark -- --help` documents the rest (one-shot conversion of a file or a
//! pipe, batch conversion of folders on all cores, `--check` for CI). The same code is installed as a binary by
//! `cargo install --path .`; it lives in `src/bin/html2cmark/app/`.

#[path = "../src/bin/html2cmark/app/mod.rs"]
mod app;

fn main() -> std::process::ExitCode {
    app::main()
}
