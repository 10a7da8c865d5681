//! A canary secret never shows in any error or log line (TRACE, all
//! crates) captured while the whole signed path runs: success, rejections,
//! ambiguous failures, a clock re-sync and a user-stream restart. Its own
//! test binary, so the global subscriber sees every task.

mod trade_common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use trade_common::*;
use tradeterm::domain::Side;
use tradeterm::exchange::signer::RequestSigner;
use tradeterm::keys::Secret;
use tradeterm::trading::account::AccountEvent;
use tradeterm::trading::order::OrderType;

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
    tracing::subscriber::set_global_default(sub).expect("the only subscriber in this binary");
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
