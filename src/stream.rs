//! Streaming conversion: bytes in, Markdown out. (Stub; being written.)

use std::io::{Read, Write};

use crate::{Error, Options, Result};

/// A streaming converter (stub).
///
/// # Example
///
/// ```
/// let mut c = html2cmark::Converter::new(Vec::new(), html2cmark::Options::default());
/// c.feed(b"<p>Hi</p>").unwrap();
/// let out = c.finish().unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "Hi\n");
/// ```
pub struct Converter<W: Write> {
    out: W,
    input: Vec<u8>,
    options: Options,
}

impl<W: Write> Converter<W> {
    /// Creates a converter writing to `output`.
    pub fn new(output: W, options: Options) -> Self {
        Converter {
            out: output,
            input: Vec::new(),
            options,
        }
    }

    /// Feeds a chunk of input.
    ///
    /// # Errors
    ///
    /// [`Error::Write`] when writing output fails.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        self.input.extend_from_slice(chunk);
        Ok(())
    }

    /// Ends the input and returns the output.
    ///
    /// # Errors
    ///
    /// [`Error::Write`] when writing output fails.
    pub fn finish(mut self) -> Result<W> {
        let md = convert_str(&String::from_utf8_lossy(&self.input), &self.options);
        self.out.write_all(md.as_bytes()).map_err(Error::Write)?;
        Ok(self.out)
    }
}

/// Converts everything `input` yields, writing Markdown to `output`.
///
/// # Errors
///
/// [`Error::Read`] or [`Error::Write`].
///
/// # Example
///
/// ```
/// let mut out = Vec::new();
/// html2cmark::convert_reader(&b"<p>Hi</p>"[..], &mut out, &html2cmark::Options::default()).unwrap();
/// assert_eq!(out, b"Hi\n");
/// ```
pub fn convert_reader<R: Read, W: Write>(mut input: R, output: W, options: &Options) -> Result<()> {
    let mut c = Converter::new(output, options.clone());
    let mut buf = vec![0; 64 * 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::Read(e)),
        };
        c.feed(&buf[..n])?;
    }
    c.finish().map(drop)
}

pub(crate) fn convert_str(html: &str, options: &Options) -> String {
    let mut out = String::new();
    crate::writer::push_markdown_with(&mut out, crate::walk::events(html, options), options);
    out
}
