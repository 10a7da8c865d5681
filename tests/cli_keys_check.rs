//! `tradeterm keys check` as a user runs it: the built binary against an
//! in-test simulator that trusts one HMAC key, with a keys file in a temp
//! dir. Working keys report flags, fees and balances and exit 0; a key that
//! may withdraw is warned about; a wrong secret shows Binance's -1022 and
//! exits 1; a readable keys file is refused with the chmod fix. The
//! canary secret never appears in stdout, stderr or the log file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tradeterm::keys::Secret;
use tradeterm::sim::trading::{AccountProfile, SimKey};
use tradeterm::sim::{self, SimConfig, SimHandle, SimTuning};

const CANARY: &str = "CANARY-keys-check-secret-3d9e41";
const WRONG: &str = "CANARY-keys-check-wrong-77b0c2";
const API_KEY: &str = "keysCheckApiKey0123456789";

async fn start() -> (SimHandle, tradeterm::sim::trading::AccountId) {
    let cfg = SimConfig {
        port: 0,
        seed: 7,
        speed: 1.0,
        faults: String::new(),
        keys: None,
    };
    let sim = sim::start_with(cfg, SimTuning::default())
        .await
        .expect("sim starts");
    sim.pause();
    let id = sim.add_account(API_KEY, SimKey::Hmac(Secret::new(CANARY)), None);
    (sim, id)
}

fn keys_file(dir: &Path, secret: &str, mode: u32) -> PathBuf {
    let p = dir.join("keys.toml");
    std::fs::write(
        &p,
        format!("[testnet]\napi_key = \"{API_KEY}\"\napi_secret = \"{secret}\"\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    p
}

/// Runs `tradeterm --testnet <endpoints> --keys FILE keys check` (plus
/// `extra`) off the async runtime, so the simulator keeps serving.
async fn run(sim: &SimHandle, dir: &Path, keys: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec![
        "--testnet".into(),
        "--rest-url".into(),
        sim.rest_url(),
        "--ws-url".into(),
        sim.ws_url(),
        "--ws-api-url".into(),
        sim.ws_api_url(),
        "--keys".into(),
        keys.display().to_string(),
        "keys".into(),
        "check".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tradeterm"));
        c.args(&args)
            .env("TRADETERM_CONFIG_DIR", dir.join("cfg"))
            .env("TRADETERM_DATA_DIR", dir.join("data"))
            .env_remove("RUST_LOG");
        for m in ["TESTNET", "DEMO", "LIVE", "SIM"] {
            c.env_remove(format!("TRADETERM_{m}_API_KEY"))
                .env_remove(format!("TRADETERM_{m}_API_SECRET"));
        }
        c.output().expect("binary runs")
    })
    .await
    .unwrap()
}

fn out(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// No secret in stdout, stderr or the log file.
fn assert_no_secret(o: &Output, dir: &Path) {
    let (so, se) = out(o);
    let log = std::fs::read_to_string(dir.join("data/tradeterm.log")).unwrap_or_default();
    for s in [CANARY, WRONG] {
        assert!(!so.contains(s), "secret in stdout: {so}");
        assert!(!se.contains(s), "secret in stderr: {se}");
        assert!(!log.contains(s), "secret in the log: {log}");
    }
    assert!(!se.contains("panicked"), "{se}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn working_keys_report_flags_fees_and_balances() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, _) = start().await;
    let keys = keys_file(dir.path(), CANARY, 0o600);
    let o = run(&sim, dir.path(), &keys, &[]).await;
    let (so, se) = out(&o);
    assert_eq!(o.status.code(), Some(0), "stdout: {so}\nstderr: {se}");
    for needle in [
        "testnet",
        &sim.rest_url(),
        "HMAC-SHA256",
        &keys.display().to_string(),
        "SPOT, permissions: SPOT",
        "canTrade=true canWithdraw=false canDeposit=true",
        "maker 0.1% (0.001), taker 0.1% (0.001)",
        "3 non-zero",
        "OK: the testnet keys work",
    ] {
        assert!(so.contains(needle), "missing {needle:?} in:\n{so}");
    }
    assert!(!so.contains("WARNING"), "{so}");
    assert!(!so.contains(API_KEY), "the API key stays off screen: {so}");
    assert_no_secret(&o, dir.path());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_can_withdraw_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, id) = start().await;
    sim.trading().set_profile(
        id,
        AccountProfile {
            can_withdraw: true,
            maker_rate: "0.00075".parse().unwrap(),
            taker_rate: "0.00075".parse().unwrap(),
            ..AccountProfile::default()
        },
    );
    let keys = keys_file(dir.path(), CANARY, 0o600);
    // The subcommand's own --mode agrees with --testnet.
    let o = run(&sim, dir.path(), &keys, &["--mode", "testnet"]).await;
    let (so, se) = out(&o);
    assert_eq!(o.status.code(), Some(0), "stdout: {so}\nstderr: {se}");
    assert!(so.contains("canWithdraw=true"), "{so}");
    assert!(
        so.lines()
            .any(|l| l.starts_with("WARNING:") && l.contains("WITHDRAW")),
        "{so}"
    );
    assert!(so.contains("maker 0.075% (0.00075)"), "{so}");
    assert_no_secret(&o, dir.path());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_shows_binances_code_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, _) = start().await;
    let keys = keys_file(dir.path(), WRONG, 0o600);
    let o = run(&sim, dir.path(), &keys, &[]).await;
    let (so, se) = out(&o);
    assert_eq!(o.status.code(), Some(1), "stdout: {so}\nstderr: {se}");
    assert!(
        se.contains("-1022") && se.contains("Signature for this request is not valid."),
        "{se}"
    );
    assert!(se.contains("does not belong to this API key"), "{se}");
    assert!(!so.contains("OK:"), "{so}");
    assert_no_secret(&o, dir.path());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_key_is_2015() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, _) = start().await;
    let p = dir.path().join("keys.toml");
    std::fs::write(
        &p,
        format!("[testnet]\napi_key = \"someOtherKey12345\"\napi_secret = \"{CANARY}\"\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = run(&sim, dir.path(), &p, &[]).await;
    let (_, se) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{se}");
    assert!(se.contains("-2015"), "{se}");
    assert_no_secret(&o, dir.path());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_readable_keys_file_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, _) = start().await;
    let keys = keys_file(dir.path(), CANARY, 0o644);
    let o = run(&sim, dir.path(), &keys, &[]).await;
    let (_, se) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{se}");
    assert!(
        se.contains(&format!("chmod 600 {}", keys.display())),
        "{se}"
    );
    assert_no_secret(&o, dir.path());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_has_no_keys() {
    let dir = tempfile::tempdir().unwrap();
    let keys = keys_file(dir.path(), CANARY, 0o600);
    let o = tokio::task::spawn_blocking({
        let dir = dir.path().to_path_buf();
        move || {
            Command::new(env!("CARGO_BIN_EXE_tradeterm"))
                .args(["--keys", keys.to_str().unwrap(), "keys", "check"])
                .args(["--mode", "paper"])
                .env("TRADETERM_CONFIG_DIR", dir.join("cfg"))
                .env("TRADETERM_DATA_DIR", dir.join("data"))
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let (_, se) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{se}");
    assert!(se.contains("paper mode has no API keys"), "{se}");
    assert_no_secret(&o, dir.path());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ed25519_key_is_checked_and_named() {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (sim, _) = start().await;
    let sk = ed25519_dalek::SigningKey::from_bytes(&[11u8; 32]);
    sim.add_account("edCheckKey", SimKey::Ed25519(sk.verifying_key()), None);
    let pem = dir.path().join("ed.pem");
    std::fs::write(
        &pem,
        sk.to_pkcs8_pem(Default::default()).unwrap().as_bytes(),
    )
    .unwrap();
    std::fs::set_permissions(&pem, std::fs::Permissions::from_mode(0o600)).unwrap();
    let keys = dir.path().join("keys.toml");
    std::fs::write(
        &keys,
        format!(
            "[testnet]\napi_key = \"edCheckKey\"\nprivate_key_path = \"{}\"\n",
            pem.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = run(&sim, dir.path(), &keys, &[]).await;
    let (so, se) = out(&o);
    assert_eq!(o.status.code(), Some(0), "stdout: {so}\nstderr: {se}");
    assert!(so.contains("keys:         Ed25519"), "{so}");
    assert!(so.contains("OK: the testnet keys work"), "{so}");
    sim.shutdown().await;
}
