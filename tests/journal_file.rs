//! Journal files: creation, permissions, migrations on reopen, per-mode
//! paths, and refusal of damaged or too-new files.

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use tradeterm::config::Mode;
use tradeterm::journal::{schema, Journal, JournalError};
use tradeterm::trading::account::{Balance, OrderRequest};

fn req(cid: &str) -> OrderRequest {
    OrderRequest {
        client_order_id: cid.into(),
        symbol: "BTCUSDT".into(),
        side: tradeterm::domain::Side::Sell,
        kind: tradeterm::trading::order::OrderType::Market,
        tif: None,
        price: None,
        stop_price: None,
        qty: Some("0.5".parse().unwrap()),
        quote_qty: None,
        tag: "grid1".into(),
    }
}

/// A journal with some rows, closed (its WAL checkpointed into the file).
fn populated(path: &Path) {
    let mut j = Journal::open(path).unwrap();
    for i in 0..200 {
        j.record_intent(&req(&format!("o{i}")), i).unwrap();
    }
    j.save_balances(
        &[Balance {
            asset: "USDT".into(),
            free: "1.5".parse().unwrap(),
            locked: "0".parse().unwrap(),
        }],
        5,
    )
    .unwrap();
    j.halt("kill switch", 9).unwrap();
}

#[test]
fn created_private_and_state_survives_reopen() {
    let d = tempfile::tempdir().unwrap();
    let path = Journal::path_for(&d.path().join("a/b"), Mode::Testnet);
    populated(&path);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&d.path().join("a/b")), 0o700);
        assert_eq!(mode(&d.path().join("a")), 0o700);
    }
    let j = Journal::open(&path).unwrap();
    assert_eq!(j.schema_version().unwrap(), schema::LATEST);
    assert_eq!(j.unresolved_intents().unwrap().len(), 200);
    assert_eq!(j.latest_balances().unwrap()[0].free.to_string(), "1.5");
    let h = j.halt_state().unwrap().expect("the halt latch persists");
    assert_eq!((h.reason.as_str(), h.since_ms), ("kill switch", 9));
    let mode: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[cfg(unix)]
#[test]
fn a_readable_file_is_made_private() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("j.sqlite");
    std::fs::write(&path, b"").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    Journal::open(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn modes_never_share_a_file() {
    let d = tempfile::tempdir().unwrap();
    let mut live = Journal::open(&Journal::path_for(d.path(), Mode::Live)).unwrap();
    live.record_intent(&req("x"), 1).unwrap();
    let paper = Journal::open(&Journal::path_for(d.path(), Mode::Paper)).unwrap();
    assert!(paper.unresolved_intents().unwrap().is_empty());
}

fn refused(path: &Path) -> String {
    match Journal::open(path) {
        Err(e @ JournalError::Corrupt { .. }) => e.to_string(),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn a_truncated_file_is_refused_with_advice() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("journal-live.sqlite");
    populated(&path);
    let len = std::fs::metadata(&path).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(len / 2 + 100).unwrap();
    drop(f);
    let e = refused(&path);
    assert!(
        e.contains("journal-live.sqlite") && e.contains("damaged"),
        "{e}"
    );
    assert!(
        e.contains("mv ") && e.contains(".damaged"),
        "tells what to do: {e}"
    );
}

#[test]
fn a_garbled_header_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("j.sqlite");
    populated(&path);
    let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.write_all(b"this is not sqlite at all").unwrap();
    drop(f);
    let e = refused(&path);
    assert!(e.contains("damaged"), "{e}");
}

#[test]
fn garbled_pages_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("j.sqlite");
    populated(&path);
    let len = std::fs::metadata(&path).unwrap().len();
    let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    // Overwrite every page but the first (schema) with noise.
    let mut x: u32 = 0x9e37_79b9;
    let noise: Vec<u8> = (4096..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    f.seek(SeekFrom::Start(4096)).unwrap();
    f.write_all(&noise).unwrap();
    drop(f);
    let e = refused(&path);
    assert!(e.contains("damaged"), "{e}");
}

#[test]
fn a_newer_schema_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("j.sqlite");
    populated(&path);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO schema_version (version, name, applied_ms) VALUES (99, 'future', 0)",
            [],
        )
        .unwrap();
    let e = Journal::open(&path).unwrap_err();
    assert!(matches!(e, JournalError::TooNew { found: 99, .. }), "{e:?}");
    assert!(e.to_string().contains("newer"), "{e}");
}

#[test]
fn one_process_at_a_time() {
    let d = tempfile::tempdir().unwrap();
    let path = Journal::path_for(d.path(), Mode::Live);
    let first = Journal::open(&path).unwrap();
    let e = Journal::open(&path).unwrap_err();
    assert!(matches!(e, JournalError::InUse { .. }), "{e:?}");
    assert!(e.to_string().contains("another tradeterm process"), "{e}");
    drop(first);
    Journal::open(&path).unwrap();
}
