//! Shared helpers for tests that run the client against the simulator over
//! loopback sockets. Every wait is bounded by a generous limit that only
//! turns a hang into a failure; no test asserts on timing.

#![allow(dead_code)]

use std::time::Duration;
use tradeterm::config::{Config, Mode};
use tradeterm::engine::{self, EngineHandle, EngineSettings, View};
use tradeterm::fixed::Fx;
use tradeterm::market::BookStatus;
use tradeterm::sim::{self, SimConfig, SimHandle};

/// Upper bound for any single wait (a hang guard, not an expectation).
pub const LIMIT: Duration = Duration::from_secs(60);

pub async fn start_sim(speed: f64, faults: &str) -> SimHandle {
    sim::start(SimConfig {
        port: 0,
        seed: 7,
        speed,
        faults: faults.to_string(),
        keys: None,
    })
    .await
    .expect("simulator starts")
}

/// Client settings pointed at the simulator, with short reconnect timings.
pub fn client_config(sim: &SimHandle, symbol: &str) -> Config {
    let mut c = Config::defaults();
    c.mode = Mode::Sim;
    c.symbol = symbol.to_string();
    let ep = c.endpoints.entry(Mode::Sim).or_default();
    ep.rest = sim.rest_url();
    ep.ws = sim.ws_url();
    c.network.connect_timeout_secs = 5;
    c.network.request_timeout_secs = 5;
    c.network.silence_timeout_secs = 2;
    c.network.backoff_initial_ms = 50;
    c.network.backoff_max_ms = 500;
    c.ui.fps = 50;
    c
}

pub fn start_engine(sim: &SimHandle, symbol: &str) -> EngineHandle {
    engine::spawn(EngineSettings::from_config(&client_config(sim, symbol)))
}

/// Waits until `pred` holds for a published view.
pub async fn wait_view(e: &EngineHandle, what: &str, pred: impl Fn(&View) -> bool) -> View {
    let mut rx = e.view.clone();
    let fut = async {
        loop {
            {
                let v = rx.borrow_and_update();
                if pred(&v) {
                    return v.clone();
                }
            }
            rx.changed().await.expect("engine alive");
        }
    };
    match tokio::time::timeout(LIMIT, fut).await {
        Ok(v) => v,
        Err(_) => panic!(
            "gave up waiting for: {what}; last view: {:?}",
            summary(&rx.borrow())
        ),
    }
}

pub fn summary(v: &View) -> String {
    format!(
        "symbol={} book={} resyncs={} id={} conn={:?} rest_err={:?}",
        v.symbol,
        v.book.status.as_str(),
        v.book.resyncs,
        v.book.last_update_id,
        v.conn,
        v.rest.last_error
    )
}

pub async fn wait_live(e: &EngineHandle) -> View {
    wait_view(e, "book LIVE", |v| v.book.status == BookStatus::Live).await
}

/// Freezes the simulator, waits for the client to reach the simulator's
/// update id, and asserts both books are equal level for level (top 200 a
/// side; deeper levels may legitimately differ, since the client only knows
/// what its 1000-level snapshot and later diffs told it). Resumes the
/// simulator afterwards.
pub async fn assert_books_equal(sim: &SimHandle, e: &EngineHandle, symbol: &str) -> u64 {
    sim.pause();
    let target = sim.book(symbol).expect("sim has the symbol").last_update_id;
    wait_view(e, &format!("client book at update id {target}"), |v| {
        v.book.status == BookStatus::Live && v.book.last_update_id >= target
    })
    .await;
    let dump = e.book().await.expect("engine answers");
    let theirs = sim.book(symbol).expect("sim has the symbol");
    sim.resume();
    assert!(dump.live, "client book not live");
    assert_eq!(
        dump.book.last_update_id, theirs.last_update_id,
        "update ids differ"
    );
    type Levels = Vec<(Fx, Fx)>;
    let top = |b: &tradeterm::market::OrderBook| -> (Levels, Levels) {
        (b.bids.top(200), b.asks.top(200))
    };
    let (cb, ca) = top(&dump.book);
    let (sb, sa) = top(&theirs);
    assert!(!cb.is_empty() && !ca.is_empty(), "empty book");
    let n = cb.len().min(sb.len());
    assert_eq!(&cb[..n], &sb[..n], "bids differ");
    let n = ca.len().min(sa.len());
    assert_eq!(&ca[..n], &sa[..n], "asks differ");
    assert!(!dump.book.is_crossed());
    theirs.last_update_id
}

/// A simulator with a client engine on one symbol: the frame of every
/// book test (start, get live, do something, prove the books equal, stop).
pub struct Case {
    pub sim: SimHandle,
    pub engine: EngineHandle,
    pub symbol: &'static str,
}

impl Case {
    /// Starts the simulator at `speed`, lets `before` set faults up, then
    /// starts the client and waits for its book to be live.
    pub async fn live(speed: f64, symbol: &'static str, before: impl FnOnce(&SimHandle)) -> Case {
        let sim = start_sim(speed, "").await;
        before(&sim);
        let engine = start_engine(&sim, symbol);
        wait_live(&engine).await;
        Case {
            sim,
            engine,
            symbol,
        }
    }

    pub async fn wait(&self, what: &str, pred: impl Fn(&View) -> bool) -> View {
        wait_view(&self.engine, what, pred).await
    }

    /// Waits for a live book again, proves it equals the simulator's, and
    /// stops both.
    pub async fn finish(self) {
        wait_live(&self.engine).await;
        assert_books_equal(&self.sim, &self.engine, self.symbol).await;
        self.engine.shutdown().await;
        self.sim.shutdown().await;
    }
}

/// An engine on the simulator with trading on and its journal in `dir`:
/// the paper venue when `creds` is `None`, else the simulator's exchange
/// side (signed REST + user stream) with that `(api_key, secret)`.
pub fn trading_engine_on(
    sim: &SimHandle,
    dir: &std::path::Path,
    creds: Option<(&str, &str)>,
) -> EngineHandle {
    use tradeterm::engine::trading_setup::TradingSettings;
    use tradeterm::keys::{Credentials, Secret, Signer};
    let mut c = client_config(sim, "BTCUSDT");
    c.endpoints.get_mut(&Mode::Sim).unwrap().ws_api = sim.ws_api_url();
    let mut t = TradingSettings::from_config(&c, Some(dir.to_path_buf()), false);
    if let Some((key, secret)) = creds {
        let creds = Credentials {
            api_key: Secret::new(key),
            signer: Signer::Hmac(Secret::new(secret)),
            origin: "test".into(),
        };
        t = t.with_exchange(&c, creds);
    }
    engine::spawn(EngineSettings::from_config(&c).with_trading(t))
}

/// Waits until the account is reconciled and the book live.
pub async fn trading_ready(e: &EngineHandle) -> View {
    wait_view(e, "trading ready on a live book", |v| {
        v.book.status == BookStatus::Live && v.trading.as_ref().is_some_and(|t| t.can_trade)
    })
    .await
}
