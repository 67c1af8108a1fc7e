//! What a long-running process's earlier publishes found on disk: a file whose size and
//! modification time are still those it had when it hashed to what the archive holds is
//! unchanged, without being read and hashed again. A save's publish then reads the file
//! saved, not the whole folder. A file modified moments before it was looked at is not
//! trusted (it may change again within the clock's granularity, as git's racy-clean
//! rule has it), and a one-off `dispatches publish` hashes everything.

use std::collections::HashMap;
use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// A file modified more recently than this when it was hashed is hashed again next time.
const RACY: Duration = Duration::from_secs(2);

#[derive(Debug, Default)]
pub struct Seen(Mutex<HashMap<PathBuf, Stat>>);

#[derive(Debug)]
struct Stat {
    len: u64,
    modified: SystemTime,
    hash: String,
}

impl Seen {
    /// Whether the file at `path` is as it was when it hashed to `stored`, the hash the
    /// archive holds for it.
    pub(super) fn unchanged(&self, path: &Path, meta: &Metadata, stored: Option<&String>) -> bool {
        let (Some(stored), Ok(modified)) = (stored, meta.modified()) else {
            return false;
        };
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(path)
            .is_some_and(|s| s.len == meta.len() && s.modified == modified && s.hash == *stored)
    }

    /// Remembers what the file at `path` hashed to, unless it was modified too recently
    /// to be trusted.
    pub(super) fn record(&self, path: &Path, meta: &Metadata, hash: &str) {
        let mut seen = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match meta.modified() {
            Ok(modified) if modified.elapsed().is_ok_and(|age| age >= RACY) => {
                seen.insert(
                    path.to_path_buf(),
                    Stat {
                        len: meta.len(),
                        modified,
                        hash: hash.to_string(),
                    },
                );
            }
            _ => {
                seen.remove(path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_trusted_only_while_its_size_and_time_hold_and_not_when_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "one").unwrap();
        let seen = Seen::default();
        let stored = "h1".to_string();
        // Just written: not trusted.
        seen.record(&path, &std::fs::metadata(&path).unwrap(), "h1");
        assert!(!seen.unchanged(&path, &std::fs::metadata(&path).unwrap(), Some(&stored)));
        let old = SystemTime::now() - Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        seen.record(&path, &meta, "h1");
        assert!(seen.unchanged(&path, &meta, Some(&stored)));
        // The archive holds another hash (another process published it): read again.
        assert!(!seen.unchanged(&path, &meta, Some(&"h2".to_string())));
        // Same size, another time: read again.
        std::fs::write(&path, "two").unwrap();
        assert!(!seen.unchanged(&path, &std::fs::metadata(&path).unwrap(), Some(&stored)));
    }
}
