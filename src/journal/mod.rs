//! The crash-safe trading journal: one SQLite database per environment
//! (`journal-<mode>.sqlite` in the data dir; paper, sim, testnet, demo and
//! live never mix).
//!
//! Durability: WAL with `synchronous=FULL` (NORMAL can lose the last
//! commits on power loss), and every write API call is exactly one
//! committed transaction, so a `kill -9` at any instant leaves either all
//! of a call's rows or none. An order is journaled as an *intent* before
//! its request leaves; on restart [`Journal::unresolved_intents`] lists
//! what must be resolved against the exchange (query by client order id),
//! and nothing is ever invented locally: statuses and fills only come from
//! venue reports.
//!
//! Life of an order: [`Journal::record_intent`] (committed) ->
//! [`Journal::mark_sent`] -> the request leaves -> reports arrive through
//! [`Journal::record_execution`] / [`Journal::upsert_order`]; a definite
//! reject -> [`Journal::mark_rejected`]. At start, for each
//! [`Journal::unresolved_intents`] entry: never sent (`sent_ms` is None:
//! `mark_sent` commits before the send) -> `mark_rejected("never sent")`;
//! sent -> query the exchange by client order id, then `upsert_order`
//! (found) or `mark_rejected` (conclusively not found). Then the
//! exchange's open orders go through `upsert_order` (adopting any placed
//! elsewhere) and missed trades through [`Journal::insert_fill`].
//!
//! All calls are synchronous and cheap; the engine owns the `Journal`.

mod codec;
mod lock;
mod orders;
pub mod schema;
mod state;
mod strategies;

pub use orders::{FillFilter, OrderFilter, Recorded, Unresolved};
pub use state::Halt;
pub use strategies::StrategyRecord;

use crate::config::Mode;
use rusqlite::{Connection, ErrorCode};
use std::path::{Path, PathBuf};

/// Why the journal cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot create the journal at {}: {err}", path.display())]
    Io { path: PathBuf, err: std::io::Error },
    #[error(
        "the journal {p} is damaged ({detail}). tradeterm will not trade on a damaged journal. \
         Move it aside, keeping it for inspection (`mv {p} {p}.damaged`, with its -wal file if \
         present), then start again: a new journal is created, and working orders and balances \
         are read back from the exchange.",
        p = path.display()
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "the journal {} has schema version {found}, newer than this tradeterm knows ({known}); \
         run the newer tradeterm or use another data directory",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error(
        "the journal {} is in use by another tradeterm process; \
         stop that one first (one process per environment)",
        path.display()
    )]
    InUse { path: PathBuf },
    #[error("order {0}: not in the journal")]
    UnknownOrder(String),
    #[error("journal: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// An open journal.
#[derive(Debug)]
pub struct Journal {
    conn: Connection,
    path: PathBuf,
    /// Held while open; `None` in memory.
    _lock: Option<lock::Lock>,
}

fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

fn wall_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Creates missing directories owner-only (0700) and the database file
/// owner-only (0600): it reveals the user's trading.
fn prepare_file(path: &Path) -> Result<(), JournalError> {
    let io = |err| JournalError::Io {
        path: path.to_path_buf(),
        err,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(dir).map_err(io)?;
    }
    let mut o = std::fs::OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let f = o.open(path).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = f.metadata().map_err(io)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(path = %path.display(), mode = format!("{mode:o}"), "journal readable by others; restricting to 0600");
            f.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(io)?;
        }
    }
    drop(f);
    Ok(())
}

impl Journal {
    /// The journal file of `mode` in `data_dir`.
    pub fn path_for(data_dir: &Path, mode: Mode) -> PathBuf {
        data_dir.join(format!("journal-{}.sqlite", mode.as_str()))
    }

    /// Opens (creating if needed) and checks the journal at `path`:
    /// pragmas, `integrity_check`, migrations. A damaged file is refused
    /// with [`JournalError::Corrupt`], never repaired silently.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        prepare_file(path)?;
        let lock = lock::acquire(path)?;
        let corrupt = |e: rusqlite::Error| -> JournalError {
            if is_corruption(&e) {
                JournalError::Corrupt {
                    path: path.to_path_buf(),
                    detail: e.to_string(),
                }
            } else {
                JournalError::Sqlite(e)
            }
        };
        let conn = Connection::open(path).map_err(corrupt)?;
        let mut j = Journal {
            conn,
            path: path.to_path_buf(),
            _lock: Some(lock),
        };
        j.setup().map_err(|e| match e {
            JournalError::Sqlite(e) => corrupt(e),
            other => other,
        })?;
        Ok(j)
    }

    /// A throw-away journal (tests, dry runs).
    pub fn open_in_memory() -> Result<Journal, JournalError> {
        let mut j = Journal {
            conn: Connection::open_in_memory()?,
            path: PathBuf::from(":memory:"),
            _lock: None,
        };
        j.setup()?;
        Ok(j)
    }

    fn setup(&mut self) -> Result<(), JournalError> {
        let c = &self.conn;
        c.busy_timeout(std::time::Duration::from_secs(5))?;
        // Reads the header first: a file that is not a database fails here.
        let mode: String = c.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if mode != "wal" && self.path != Path::new(":memory:") {
            tracing::warn!(mode, "journal: WAL not available");
        }
        c.pragma_update(None, "synchronous", "FULL")?;
        c.pragma_update(None, "foreign_keys", "ON")?;
        self.integrity_check()?;
        let before = schema::migrate(&mut self.conn, wall_ms())?;
        tracing::info!(path = %self.path.display(), before, now = schema::LATEST, "journal open");
        Ok(())
    }

    /// `PRAGMA integrity_check`; anything but `ok` is [`JournalError::Corrupt`].
    pub fn integrity_check(&self) -> Result<(), JournalError> {
        let mut problems = Vec::new();
        self.conn.pragma(None, "integrity_check", 20, |r| {
            problems.push(r.get::<_, String>(0)?);
            Ok(())
        })?;
        if problems == ["ok"] {
            Ok(())
        } else {
            Err(JournalError::Corrupt {
                path: self.path.clone(),
                detail: format!("integrity check: {}", problems.join("; ")),
            })
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<u32, JournalError> {
        schema::current(&self.conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_per_mode() {
        let d = Path::new("/data");
        let paths: std::collections::BTreeSet<PathBuf> =
            Mode::ALL.iter().map(|m| Journal::path_for(d, *m)).collect();
        assert_eq!(paths.len(), Mode::ALL.len());
        assert_eq!(
            Journal::path_for(d, Mode::Live),
            Path::new("/data/journal-live.sqlite")
        );
    }

    #[test]
    fn in_memory_is_migrated() {
        let j = Journal::open_in_memory().unwrap();
        assert_eq!(j.schema_version().unwrap(), schema::LATEST);
    }
}
