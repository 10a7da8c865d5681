//! One process per journal: two tradeterm instances on the same
//! environment would both run strategies and resolve the same intents.
//! An exclusive `flock` on a sidecar `<journal>.lock` file is held while
//! the journal is open; the kernel drops it when the process dies, even
//! by `kill -9`, so a crash never leaves a stale lock.

use super::JournalError;
use std::fs::File;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub(super) struct Lock {
    _file: File,
}

pub(super) fn lock_path(journal: &Path) -> PathBuf {
    let mut p = journal.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

pub(super) fn acquire(journal: &Path) -> Result<Lock, JournalError> {
    let path = lock_path(journal);
    let mut o = std::fs::OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let file = o.open(&path).map_err(|err| JournalError::Io {
        path: path.clone(),
        err,
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: flock on a descriptor we own; no memory is shared.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
                return Err(JournalError::InUse {
                    path: journal.to_path_buf(),
                });
            }
            return Err(JournalError::Io { path, err });
        }
    }
    Ok(Lock { _file: file })
}
