//! The error type of every fallible entry point.

use std::io;

/// What went wrong while converting a stream.
///
/// Converting a `&str` cannot fail; only the streaming entry points return this, because reading input and
/// writing output can.
///
/// # Example
///
/// ```
/// use std::io;
/// let broken = io::Error::other("disk full");
/// let err = html2cmark::Error::Write(broken);
/// assert_eq!(err.to_string(), "cannot write the Markdown output");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the HTML input failed.
    #[error("cannot read the HTML input")]
    Read(#[source] io::Error),
    /// Writing the Markdown output failed.
    #[error("cannot write the Markdown output")]
    Write(#[source] io::Error),
    /// A [`Converter`](crate::Converter) was used again after writing its output failed. It stops at the first
    /// write error (the Markdown it had not written is dropped), so that no output is written twice or out of
    /// order; start a new converter to convert again.
    #[error("the converter stopped after an earlier write error")]
    Stopped,
    /// The input is larger than [`Options::max_input_bytes`](crate::Options::max_input_bytes).
    #[error("the input is larger than the limit of {limit} bytes")]
    InputTooLarge {
        /// The limit that was exceeded, in bytes.
        limit: u64,
    },
    /// A selector given to [`Selector::parse`](crate::Selector::parse) does not parse.
    #[error("invalid selector `{selector}`: {reason}")]
    InvalidSelector {
        /// The selector as given.
        selector: String,
        /// What is wrong with it, and where (a byte offset).
        reason: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
