//! Output files, and UTF-8 reporting.
//!
//! An output replaces a regular file atomically (a temporary file next to it, synced, then renamed over it) but
//! never changes what is at the path: a symbolic link stays a link and the file it points to is replaced; a
//! device, a FIFO or a socket is opened and written as it is. A replaced file keeps its mode, and its owner and
//! group where allowed; a file rewritten in place (`--in-place`, see [`Policy::edit`]) stays the same file to
//! its other hard links. Temporaries that a killed run left next to a destination are removed before it is
//! written.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Symbolic links followed at most when resolving a destination (Linux's limit for one path).
const MAX_LINKS: usize = 40;

/// How outputs are written.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// A staged file is flushed to the disk (`fsync`) before it replaces the old one, so that a crash leaves
    /// the old file or the new one, never an empty one. `--no-fsync` turns it off.
    pub sync: bool,
    /// The output is the input rewritten (`--in-place`): the file is edited, so it stays the same file to
    /// everyone, with its hard links, owner and group (see [`Staged::commit`]). Otherwise (`-o`, `--out-dir`)
    /// a new file takes the name, as a fresh output would: it keeps the old file's mode, and its owner and
    /// group where allowed, and other hard links to the old file keep the old text.
    pub edit: bool,
}

/// An output being written: [`OutFile::commit`] puts it in place; dropped uncommitted, a staged output leaves the
/// destination as it was.
pub struct OutFile(Sink);

enum Sink {
    /// The destination is a regular file, or nothing yet: a temporary file next to it.
    Staged(Staged),
    /// The destination is a device, a FIFO or a socket: written as it goes, like a shell redirection.
    Direct(io::BufWriter<File>),
}

impl OutFile {
    /// Opens the output for `dest`, following symbolic links (a dangling link gets its target created).
    ///
    /// # Errors
    /// `dest` is a folder (`IsADirectory`), has too many links, or cannot be opened or staged.
    pub fn create(dest: &Path, policy: Policy) -> io::Result<OutFile> {
        let existing = match fs::metadata(dest) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        match existing {
            Some(m) if m.is_dir() => Err(io::Error::new(io::ErrorKind::IsADirectory, "is a directory")),
            // Opened by its own path, so that the kernel follows links it alone can (`/dev/stdout` to a pipe).
            Some(m) if !m.is_file() => {
                let file = OpenOptions::new().write(true).open(dest)?;
                Ok(OutFile(Sink::Direct(io::BufWriter::new(file))))
            }
            _ => Ok(OutFile(Sink::Staged(Staged::new(&resolve(dest)?, policy)?))),
        }
    }

    /// Flushes the output and puts it in place.
    ///
    /// # Errors
    /// Writing, syncing, renaming or rewriting the destination failed; a staged output then leaves the
    /// destination as it was (except a failure midway through rewriting a hard-linked file in place).
    pub fn commit(self) -> io::Result<()> {
        match self.0 {
            Sink::Staged(staged) => staged.commit(),
            Sink::Direct(mut file) => file.flush(),
        }
    }
}

impl Write for OutFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.0 {
            Sink::Staged(s) => s.write(buf),
            Sink::Direct(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.0 {
            Sink::Staged(s) => s.flush(),
            Sink::Direct(f) => f.flush(),
        }
    }
}

/// Writes `data` to `dest` as [`OutFile`] does.
///
/// # Errors
/// As [`OutFile::create`] and [`OutFile::commit`].
pub fn write_file(dest: &Path, data: &[u8], policy: Policy) -> io::Result<()> {
    let mut out = OutFile::create(dest, policy)?;
    out.write_all(data)?;
    out.commit()
}

/// What tells one file from another, links followed: the device and inode on Unix, the canonical path elsewhere.
#[cfg(unix)]
pub type FileId = (u64, u64);
/// What tells one file from another, links followed: the device and inode on Unix, the canonical path elsewhere.
#[cfg(not(unix))]
pub type FileId = PathBuf;

/// The identity of the file at `path`, if it exists.
pub fn file_id(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        fs::canonicalize(path).ok()
    }
}

/// `dest` with the symbolic links at its end followed, so that the file a link points to is replaced and the
/// link stays. Links in the folders above need no care: the temporary file goes in the same folder either way.
fn resolve(dest: &Path) -> io::Result<PathBuf> {
    let mut path = dest.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&path)?;
                // A relative target is relative to the link's folder; an absolute one replaces the whole path.
                path = match path.parent() {
                    Some(folder) => folder.join(target),
                    None => target,
                };
            }
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(path),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// A temporary file next to its target, put in place by [`Staged::commit`] and removed when dropped.
pub struct Staged {
    file: Option<io::BufWriter<File>>,
    temp: PathBuf,
    /// The regular file it replaces (or the name it creates): the destination with its links followed.
    target: PathBuf,
    policy: Policy,
}

impl Staged {
    /// Creates the temporary file for `target` in `target`'s folder (`.NAME.PID.N.tmp`, hidden so that a folder
    /// search skips it), after removing the stale ones of that name (see [`sweep`]).
    ///
    /// # Errors
    /// `target` is a folder, or the temporary file cannot be created.
    pub fn new(target: &Path, policy: Policy) -> io::Result<Staged> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        if fs::metadata(target).is_ok_and(|m| m.is_dir()) {
            return Err(io::Error::new(io::ErrorKind::IsADirectory, "is a directory"));
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = target.file_name().unwrap_or_default();
        sweep(dir, name);
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let temp = dir.join(temp_name(name, std::process::id(), n));
            // Readable too: a hard-linked target is rewritten from it (see `commit`).
            match OpenOptions::new().read(true).write(true).create_new(true).open(&temp) {
                Ok(file) => {
                    return Ok(Staged {
                        file: Some(io::BufWriter::new(file)),
                        temp,
                        target: target.to_path_buf(),
                        policy,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Flushes (and syncs) the file and puts it in place of the target.
    ///
    /// A new file is renamed over the target, with the target's mode, owner and group (`fchown` where allowed:
    /// only root may give a file away, and a user only to a group of theirs). When the output edits its input
    /// ([`Policy::edit`]), that is done only when the new file is the same file to everyone else; otherwise the
    /// target is rewritten in place, through its own inode, from the finished temporary file:
    ///
    /// - A target with other hard links (link count above 1): a rename would give this name a new inode and
    ///   leave the other names with the old text, silently splitting what the user linked. Rewriting the
    ///   inode keeps the link and updates every name; the price is atomicity (a reader may see a partial file,
    ///   and a failure midway, such as a full disk, leaves one), which the conversion itself does not risk:
    ///   it is finished before the target is touched.
    /// - A target whose owner or group cannot be given to the new file: rewriting in place keeps them, and
    ///   fails plainly when the file itself is not writable rather than handing the file to a new owner.
    ///
    /// # Errors
    /// Writing, syncing, renaming or rewriting failed.
    pub fn commit(mut self) -> io::Result<()> {
        let Some(file) = self.file.take() else {
            return Err(io::Error::other("already committed"));
        };
        let mut file = file.into_inner().map_err(|e| e.into_error())?;
        let Policy { sync, edit } = self.policy;
        if let Some(old) = fs::symlink_metadata(&self.target).ok().filter(|m| m.is_file()) {
            let links = links(&old);
            if edit && links > 1 {
                return rewrite(&mut file, &self.target, sync).map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("{e} (it has {links} hard links, so it is rewritten in place)"),
                    )
                });
            }
            let owned = give_owner(&file, &old);
            // After the owner: changing it clears the set-user-ID and set-group-ID bits.
            file.set_permissions(old.permissions())?;
            match owned {
                Err(e) if edit => {
                    return rewrite(&mut file, &self.target, sync)
                        .map_err(|e2| io::Error::new(e2.kind(), format!("{e2} (and the owner cannot be kept: {e})")));
                }
                // A new output of ours in place of another's: ours, with its mode.
                _ => {}
            }
        }
        if sync {
            file.sync_all()?;
        }
        drop(file);
        fs::rename(&self.temp, &self.target)
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

/// The hard links of a file (1 where the platform does not say).
fn links(meta: &fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        std::os::unix::fs::MetadataExt::nlink(meta)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        1
    }
}

/// Gives `file` the owner and group of `old` (where the platform has them).
fn give_owner(file: &File, old: &fs::Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let new = file.metadata()?;
        if (new.uid(), new.gid()) != (old.uid(), old.gid()) {
            std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (file, old);
    Ok(())
}

/// Copies the finished temporary `file` into `target`'s own inode (see [`Staged::commit`]): written from the
/// start, then cut to the new length, so that the file is never empty on the way.
fn rewrite(file: &mut File, target: &Path, sync: bool) -> io::Result<()> {
    let mut dest = OpenOptions::new().write(true).open(target)?;
    file.rewind()?;
    let len = io::copy(file, &mut dest)?;
    dest.set_len(len)?;
    if sync {
        dest.sync_all()?;
    }
    Ok(())
}

/// The temporary file name for `name`: `.NAME.PID.N.tmp`.
fn temp_name(name: &std::ffi::OsStr, pid: u32, n: u64) -> OsString {
    let mut temp = OsString::from(".");
    temp.push(name);
    temp.push(format!(".{pid}.{n}.tmp"));
    temp
}

/// The destination name and process id of a temporary file name of ours (`.NAME.PID.N.tmp`), if it is one.
fn parse_temp_name(file: &str) -> Option<(&str, u32)> {
    let rest = file.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (rest, n) = rest.rsplit_once('.')?;
    let (name, pid) = rest.rsplit_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if name.is_empty() || !digits(n) || !digits(pid) {
        return None;
    }
    Some((name, pid.parse().ok()?))
}

/// Whether process `pid` may be running: on Linux, whether `/proc/PID` exists. Where that cannot be told
/// (no `/proc`, another system), every process may be running, so nothing is removed.
fn may_be_running(pid: u32) -> bool {
    if pid == std::process::id() || !cfg!(target_os = "linux") || !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new("/proc").join(pid.to_string()).exists()
}

/// The stale temporaries found in each folder written to, by destination name, not yet removed.
static STALE: Mutex<BTreeMap<PathBuf, BTreeMap<OsString, Vec<PathBuf>>>> = Mutex::new(BTreeMap::new());

/// Removes the stale temporary files of `name` in `dir`: a killed run leaves its `.NAME.PID.N.tmp`, which no
/// later run would otherwise remove. Only names of exactly that form count, only regular files, and only those
/// whose process is not running (see [`may_be_running`]), so that a run writing the same file at the same time
/// keeps its temporary. The folder is listed once per run, however many outputs go there.
///
/// The check cannot see a process in another PID namespace (a container sharing the folder): a temporary of
/// such a live run would be taken for stale. Its run then fails to rename it and reports the error; the
/// destination stays whole either way.
fn sweep(dir: &Path, name: &std::ffi::OsStr) {
    let mut stale = STALE.lock().unwrap_or_else(|e| e.into_inner());
    let found = stale.entry(dir.to_path_buf()).or_insert_with(|| list_stale(dir));
    if let Some(temps) = found.remove(name) {
        for temp in temps {
            let _ = fs::remove_file(temp);
        }
    }
}

/// The temporary files of ours in `dir` whose process is not running, by destination name.
fn list_stale(dir: &Path) -> BTreeMap<OsString, Vec<PathBuf>> {
    let mut found: BTreeMap<OsString, Vec<PathBuf>> = BTreeMap::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some((name, pid)) = file.to_str().and_then(parse_temp_name) else {
            continue;
        };
        if entry.file_type().is_ok_and(|t| t.is_file()) && !may_be_running(pid) {
            found.entry(name.into()).or_default().push(entry.path());
        }
    }
    found
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
        let policy = Policy {
            sync: true,
            edit: false,
        };
        write_file(&dest, b"one", policy).unwrap(); // ok: test code
        write_file(&dest, b"two", Policy { sync: false, ..policy }).unwrap(); // ok: test code
        assert_eq!(fs::read(&dest).unwrap(), b"two"); // ok: test code
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1); // ok: test code
        let err = write_file(dir.path(), b"x", policy).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::IsADirectory);
    }

    #[test]
    fn temp_names_round_trip() {
        let name = temp_name(std::ffi::OsStr::new("a.b.md"), 42, 7);
        assert_eq!(name, ".a.b.md.42.7.tmp");
        assert_eq!(parse_temp_name(".a.b.md.42.7.tmp"), Some(("a.b.md", 42)));
        for other in [
            "a.md.42.7.tmp",
            ".a.md.42.x.tmp",
            ".a.md.42.7",
            "..42.7.tmp",
            ".a.md.-1.7.tmp",
            ".a.md.42..tmp",
        ] {
            assert_eq!(parse_temp_name(other), None, "{other}");
        }
    }
}
