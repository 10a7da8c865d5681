//! Keys end to end: an Ed25519 key (generated in the test, PKCS#8 PEM
//! file) signs REST and logs on to the WebSocket API; an HMAC key uses
//! `userDataStream.subscribe.signature`; a keys file makes `tradeterm sim`
//! trust its keys; and a canary secret never shows in any error or log
//! line captured while the whole path (including failures) runs.

mod trade_common;

use std::io::Write;
use std::sync::{Arc, Mutex};
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

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

#[tokio::test]
async fn the_canary_secret_never_appears_in_errors_or_logs() {
    let cap = Capture::default();
    let sub = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(cap.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(sub);
    let mut errors = Vec::new();
    let r = rig("").await;
    let (bid, _) = r.top("BTCUSDT");
    // Success, rejections, ambiguous failures, a re-sync, a stream restart.
    r.client
        .place(&order("c-1", OrderType::Market, Side::Buy, None, "0.001"))
        .await
        .unwrap();
    for (fault, id) in [(0, "c-2"), (1, "c-3"), (2, "c-4")] {
        match fault {
            0 => r.sim.faults().lose_responses(1),
            1 => r.sim.faults().submit_errors(503, true, 1),
            _ => r.sim.faults().clock_skew(7000),
        }
        if let Err(e) = r
            .client
            .place(&order(
                id,
                OrderType::Limit,
                Side::Buy,
                Some(bid - d("100")),
                "0.01",
            ))
            .await
        {
            errors.push(format!("{e} {e:?}"));
        }
    }
    for bad in [d("0.000001"), d("1000")] {
        let e = r
            .client
            .place(&order(
                "c-5",
                OrderType::Limit,
                Side::Buy,
                Some(bid),
                &bad.to_string(),
            ))
            .await
            .unwrap_err();
        errors.push(format!("{e} {e:?}"));
    }
    r.sim.faults().terminate_user_streams();
    r.events
        .wait("resubscribed", |ev| {
            ev.iter().filter(|e| **e == AccountEvent::StreamUp).count() == 2
        })
        .await;
    let wrong = client_for(
        &r.sim,
        RequestSigner::hmac(Secret::new(API_KEY), Secret::new("other")),
        Duration::from_secs(5),
    );
    errors.push(format!("{:?}", wrong.account().await.unwrap_err()));
    errors.push(format!("{:?} {:?}", r.client, r.client.signer()));
    r.stop().await;
    let logs = String::from_utf8(cap.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("signed request"), "logging was captured");
    for text in errors.iter().chain([&logs]) {
        assert!(!text.contains(CANARY), "canary leaked: {text}");
        assert!(!text.contains(API_KEY), "API key leaked: {text}");
        assert!(!text.contains("signature="), "signed query leaked: {text}");
    }
}
