//! Prints the HTML that pulldown-cmark renders from the walker's events for a file (a debugging aid).
fn main() {
    let path = std::env::args().nth(1).expect("usage: show_events FILE");
    let html = String::from_utf8_lossy(&std::fs::read(path).expect("readable file")).into_owned();
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, html2cmark::events(&html, &html2cmark::Options::default()));
    print!("{out}");
}
