//! The canary check of the whole suite. Tests that load keys use secrets
//! starting with `CANARY-` and leave their logs, journals and captured
//! output under `<tmp>/tradeterm-*`; cargo runs this binary last (test
//! targets run in name order), so it scans what the whole suite left
//! behind, plus the committed screen snapshots, for any canary. It first
//! adds its own worst case: a wrong secret at TRACE verbosity, so the
//! signing path fails and logs as much as it can.

mod cli_common;

use cli_common::*;
use std::path::{Path, PathBuf};

const MARK: &[u8] = b"CANARY-";

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

/// Files where a canary is expected: the keys files the tests wrote.
fn holds_keys(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".toml") && name.contains("keys") || name.ends_with(".pem")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_canary_secret_in_any_log_journal_screen_or_output() {
    // Worst case first: the simulator does not trust this secret.
    let r = Rig::start("canary-scan").await;
    r.sim.add_account(
        "someoneElse",
        tradeterm::sim::trading::SimKey::Hmac(tradeterm::keys::Secret::new("other")),
        None,
    );
    let keys = r.dir.join("cfg/keys.toml");
    std::fs::write(
        &keys,
        format!("[testnet]\napi_key = \"{API_KEY}x\"\napi_secret = \"{CANARY}\"\n"),
    )
    .unwrap();
    for args in [
        &["-vv", "orders", "--timeout", "3"][..],
        &[
            "-vv",
            "order",
            "buy",
            "BTCUSDT",
            "0.001",
            "--yes",
            "--timeout",
            "3",
        ],
        &["-vv", "balance", "--json", "--timeout", "3"],
    ] {
        let out = r.run(args).await; // run() asserts stdout/stderr
        assert!(
            !out.status.success(),
            "{args:?} must fail with an unknown key"
        );
    }

    let mut files = Vec::new();
    if let Ok(rd) = std::fs::read_dir(std::env::temp_dir()) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("tradeterm-") && e.path().is_dir() {
                walk(&e.path(), &mut files);
            }
        }
    }
    walk(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/snapshots")
            .as_path(),
        &mut files,
    );
    let scanned: Vec<&PathBuf> = files.iter().filter(|p| !holds_keys(p)).collect();
    assert!(
        scanned.iter().any(|p| p.starts_with(&r.dir)),
        "this test's own log and journal are scanned"
    );
    let mut leaks = Vec::new();
    for p in &scanned {
        let bytes = std::fs::read(p).unwrap_or_default();
        if bytes.windows(MARK.len()).any(|w| w == MARK) {
            leaks.push(p.display().to_string());
        }
    }
    assert!(leaks.is_empty(), "a canary secret leaked into: {leaks:?}");
    eprintln!("scanned {} files for canary secrets", scanned.len());
}
