//! The streaming `Converter` on arbitrary bytes split at fuzzer-chosen points gives exactly the output of feeding
//! the bytes in one piece. The first byte is the number of split points, the next ones their positions.
#![no_main]

use libfuzzer_sys::fuzz_target;

fn run(input: &[u8], cuts: &[usize]) -> Vec<u8> {
    let mut c = html2cmark::Converter::new(Vec::new(), html2cmark::Options::default());
    let mut from = 0;
    for &cut in cuts {
        c.feed(&input[from..cut]).expect("writing to a Vec never fails");
        from = cut;
    }
    c.feed(&input[from..]).expect("writing to a Vec never fails");
    c.finish().expect("writing to a Vec never fails")
}

fuzz_target!(|data: &[u8]| {
    let Some((&count, rest)) = data.split_first() else { return };
    let count = usize::from(count % 16).min(rest.len());
    let (cut_bytes, input) = rest.split_at(count);
    let mut cuts: Vec<usize> = cut_bytes
        .iter()
        .map(|&b| if input.is_empty() { 0 } else { usize::from(b) * input.len() / 255 })
        .collect();
    cuts.sort_unstable();
    let whole = run(input, &[]);
    let split = run(input, &cuts);
    assert!(whole == split, "split at {cuts:?}: {:?}\nvs whole: {:?}", String::from_utf8_lossy(&split), String::from_utf8_lossy(&whole));
});
