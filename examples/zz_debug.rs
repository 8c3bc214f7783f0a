fn main() {
    let path = std::env::args().nth(1).unwrap();
    let from: usize = std::env::args().nth(2).unwrap().parse().unwrap();
    let html = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    let ev: Vec<_> = html2cmark::events(&html, &Default::default()).collect();
    for (i, e) in ev.iter().enumerate().skip(from.saturating_sub(15)).take(30) { println!("{i}: {e:?}"); }
    let mut md = String::new();
    html2cmark::push_markdown(&mut md, ev[..].iter().cloned());
    std::fs::write("/tmp/scratch/out.md", md).unwrap();
}
