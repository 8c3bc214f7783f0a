//! Streaming byte decoding (being written).
