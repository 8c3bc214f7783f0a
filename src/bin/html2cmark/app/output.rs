//! Atomic file writes and UTF-8 reporting.

use std::borrow::Cow;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A temporary file next to its destination, renamed over it by [`Staged::commit`] and removed when dropped
/// uncommitted: an interrupted or failed write leaves the destination as it was.
pub struct Staged {
    file: Option<io::BufWriter<File>>,
    temp: PathBuf,
    dest: PathBuf,
}

impl Staged {
    /// Creates the temporary file for `dest` in `dest`'s folder (`.NAME.PID.N.tmp`, hidden so that a folder
    /// search skips it).
    pub fn new(dest: &Path) -> io::Result<Staged> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        if fs::metadata(dest).is_ok_and(|m| m.is_dir()) {
            return Err(io::Error::new(io::ErrorKind::IsADirectory, "is a directory"));
        }
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let temp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
            match OpenOptions::new().write(true).create_new(true).open(&temp) {
                Ok(file) => {
                    return Ok(Staged {
                        file: Some(io::BufWriter::new(file)),
                        temp,
                        dest: dest.to_path_buf(),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Flushes, gives the file `permissions` (those of the file it replaces) and renames it over the destination.
    pub fn commit(mut self, permissions: Option<fs::Permissions>) -> io::Result<()> {
        if let Some(file) = self.file.take() {
            let file = file.into_inner().map_err(|e| e.into_error())?;
            if let Some(p) = permissions {
                file.set_permissions(p)?;
            }
        }
        fs::rename(&self.temp, &self.dest)
    }
}

impl Write for Staged {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.file.as_mut() {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // After a successful rename the temporary name no longer exists; otherwise it is removed.
        drop(self.file.take());
        let _ = fs::remove_file(&self.temp);
    }
}

/// Writes `data` to `dest` atomically, keeping the permissions of the file it replaces.
pub fn write_atomic(dest: &Path, data: &[u8]) -> io::Result<()> {
    let permissions = fs::metadata(dest).ok().filter(|m| m.is_file()).map(|m| m.permissions());
    let mut staged = Staged::new(dest)?;
    staged.write_all(data)?;
    staged.commit(permissions)
}

/// The text of `bytes`, and the offset of the first byte that is not UTF-8 if any (those bytes become U+FFFD).
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, Option<u64>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), None),
        Err(e) => (String::from_utf8_lossy(bytes), Some(e.valid_up_to() as u64)),
    }
}

/// The warning for input that is not UTF-8.
pub fn lossy_warning(at: u64) -> String {
    format!("warning: not valid UTF-8 (first bad byte at offset {at}); converted with U+FFFD replacement characters")
}

/// Follows a stream of chunks and finds the offset of its first byte that is not UTF-8.
#[derive(Default)]
pub struct Utf8Watch {
    /// An incomplete sequence at the end of the last chunk.
    carry: Vec<u8>,
    /// Bytes seen before `carry`.
    offset: u64,
    pub first_bad: Option<u64>,
}

impl Utf8Watch {
    pub fn push(&mut self, chunk: &[u8]) {
        if self.first_bad.is_some() {
            return;
        }
        let joined;
        let data = if self.carry.is_empty() {
            chunk
        } else {
            joined = [self.carry.as_slice(), chunk].concat();
            &joined[..]
        };
        match std::str::from_utf8(data) {
            Ok(_) => {
                self.offset += data.len() as u64;
                self.carry.clear();
            }
            Err(e) => {
                let at = e.valid_up_to();
                match e.error_len() {
                    Some(_) => self.first_bad = Some(self.offset + at as u64),
                    None => {
                        let rest = data[at..].to_vec();
                        self.offset += at as u64;
                        self.carry = rest;
                    }
                }
            }
        }
    }

    pub fn finish(&mut self) {
        if self.first_bad.is_none() && !self.carry.is_empty() {
            self.first_bad = Some(self.offset);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_finds_the_first_bad_byte_across_chunks() {
        let mut w = Utf8Watch::default();
        for chunk in [&b"caf"[..], b"\xC3", b"\xA9 ok", b" \xFF x"] {
            w.push(chunk);
        }
        w.finish();
        assert_eq!(w.first_bad, Some(9));
        let mut w = Utf8Watch::default();
        w.push(b"ab\xC3");
        w.finish();
        assert_eq!(w.first_bad, Some(2));
        let mut w = Utf8Watch::default();
        w.push("é".as_bytes());
        w.finish();
        assert_eq!(w.first_bad, None);
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap(); // ok: test code
        let dest = dir.path().join("a.md");
        write_atomic(&dest, b"one").unwrap(); // ok: test code
        write_atomic(&dest, b"two").unwrap(); // ok: test code
        assert_eq!(fs::read(&dest).unwrap(), b"two"); // ok: test code
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1); // ok: test code
        let err = write_atomic(dir.path(), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::IsADirectory);
    }
}
