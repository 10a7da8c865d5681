//! The local Binance-compatible simulator: one TCP listener on 127.0.0.1
//! serving Binance Spot's public REST API and market-data WebSocket streams
//! (raw `/ws/<stream>`, `/ws` + SUBSCRIBE, combined `/stream?streams=`),
//! with the same JSON as Binance, so the client can be tested end to end
//! without the internet.
//!
//! # Market
//! BTCUSDT and ETHUSDT each replay their real capture of 2024-08-08 (book
//! from the recorded REST snapshot, the recorded diffs with their real
//! `U`/`u`, the recorded bookTicker and trade messages), then continue with
//! a seeded order-flow model (see [`market`] and [`model`]). The same seed
//! gives the same sequence of book states, ids and events.
//!
//! # Time
//! *Sim time* (market time) starts at 0 and runs at `speed` times the wall
//! clock; [`SimHandle::pause`] freezes it. The replay is paced by the
//! recorder's timestamps in sim time, fault `@AT`s are sim time, and candle
//! buckets and the 24h window use `start wall clock + sim time` (so at
//! `speed` 10 a 1m candle closes every 6 s). Event stamps (`E`, `T`,
//! `serverTime`) are the wall clock at emission, so a client's latency
//! (receive - `E`) is meaningful; fault durations (`silence`,
//! `delay-snapshot`, `Retry-After`) are wall-clock too. Kline history is
//! described in [`history`].
//!
//! # Faults
//! At start from the `faults` spec (grammar in [`faults`]) or at run time
//! through [`FaultControl`].
//!
//! # Trading
//! Signed REST endpoints, the `/ws-api/v3` user data stream, a matching
//! engine against the replayed book, trusted API keys and the trading
//! faults: see [`trading`]. The ledger (orders, trades, balances) is
//! available through [`SimHandle::trading`].
//!
//! # Layout
//! `market` (book, ids, replay, model, candles; pure and synchronous) is
//! driven by `driver` (pacing, pause, scheduled faults) and published on
//! `bus`; `http` parses requests and hands them to `rest` or upgrades them
//! to `streams`. A trading side (signed endpoints, matching against
//! `SymbolSim::book` through `model::BookTx`, a WS API user stream) plugs in
//! as more routes and more `Emit`s without touching the transport.

mod bus;
mod clock;
pub mod data;
pub mod depth;
mod driver;
pub mod faults;
pub mod history;
mod http;
pub mod json;
pub mod klines;
pub mod market;
pub mod model;
pub mod replay;
mod rest;
pub mod rng;
pub mod stats;
mod streams;
pub mod trading;

pub use faults::{parse_faults, ConnFault, Fault, FaultControl, FaultKind};

use crate::market::OrderBook;
use driver::Shared;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("bad fault {item:?}: {reason}; expected {}", faults::GRAMMAR)]
    Faults { item: String, reason: String },
    #[error("invalid simulator setting: {0}")]
    Config(String),
    #[error("embedded market data: {0}")]
    Data(String),
}

/// What the simulator serves and how.
#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    /// 0 picks a free port.
    pub port: u16,
    /// Seed of the model that continues after the recording.
    pub seed: u64,
    /// Market speed multiplier (1.0 = real time).
    pub speed: f64,
    /// Fault spec (grammar in [`faults`]).
    pub faults: String,
    /// A tradeterm keys file whose API keys the simulator trusts (every
    /// `[testnet]`/`[demo]`/`[live]` section). `None`: a random HMAC pair
    /// is generated and shown in the banner.
    pub keys: Option<std::path::PathBuf>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            port: 0,
            seed: 42,
            speed: 1.0,
            faults: String::new(),
            keys: None,
        }
    }
}

impl SimConfig {
    pub fn from_cfg(c: &crate::config::SimCfg) -> Self {
        SimConfig {
            port: c.port,
            seed: c.seed,
            speed: c.speed,
            faults: c.faults.clone(),
            keys: None,
        }
    }
}

/// Internal timings, shortened by tests.
#[derive(Clone, Debug)]
pub struct SimTuning {
    /// Server ping period on stream connections (Binance: 20 s).
    pub ping_interval: Duration,
    /// A connection whose ping stays unanswered this long is closed.
    pub pong_timeout: Duration,
    /// Stream messages buffered per connection before it counts as slow
    /// and is disconnected.
    pub bus_capacity: usize,
    /// How often a past book state is kept for stale snapshots.
    pub ring_sample: Duration,
    /// Binance's limit of streams per connection.
    pub max_streams: usize,
}

impl Default for SimTuning {
    fn default() -> Self {
        SimTuning {
            ping_interval: Duration::from_secs(20),
            pong_timeout: Duration::from_secs(60),
            bus_capacity: 16_384,
            ring_sample: Duration::from_millis(500),
            max_streams: 1024,
        }
    }
}

/// A running simulator. Dropping it stops the server too.
pub struct SimHandle {
    addr: SocketAddr,
    cfg: SimConfig,
    shared: Arc<Shared>,
    trading: Arc<trading::Trading>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Starts the simulator inside the caller's tokio runtime; returns once it
/// is listening.
pub async fn start(cfg: SimConfig) -> Result<SimHandle, SimError> {
    start_with(cfg, SimTuning::default()).await
}

/// [`start`] with explicit internal timings.
pub async fn start_with(cfg: SimConfig, tuning: SimTuning) -> Result<SimHandle, SimError> {
    if !(cfg.speed.is_finite() && cfg.speed > 0.0) {
        return Err(SimError::Config(format!(
            "speed must be > 0, got {}",
            cfg.speed
        )));
    }
    let faults = parse_faults(&cfg.faults)?;
    let mut trading = trading::Trading::new();
    match &cfg.keys {
        Some(path) => {
            trading.load_keys_file(path).map_err(SimError::Config)?;
        }
        None => trading.generate_account(),
    }
    let trading = Arc::new(trading);
    // Decoding the embedded data takes a moment (once per process); market
    // time and the candle epoch start after it, together, so that candle
    // times track the wall clock at speed 1 and `@AT` faults count from a
    // ready market.
    tokio::task::spawn_blocking(market::preload)
        .await
        .map_err(|e| SimError::Data(e.to_string()))?
        .map_err(SimError::Data)?;
    let sim_clock = clock::SimClock::new(cfg.speed);
    let market = market::Market::new(cfg.seed, clock::wall_ms()).map_err(SimError::Data)?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", cfg.port))
        .await
        .map_err(|source| SimError::Bind {
            port: cfg.port,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SimError::Bind {
        port: cfg.port,
        source,
    })?;
    let (stop, stop_rx) = watch::channel(false);
    let shared = Arc::new(Shared::new(market, sim_clock, tuning, stop_rx));
    let (now, later): (Vec<Fault>, Vec<Fault>) = faults.into_iter().partition(|f| f.at.is_none());
    for f in &now {
        shared.faults.apply(&f.kind);
    }
    let tasks = vec![
        tokio::spawn(http::serve(listener, shared.clone(), trading.clone())),
        tokio::spawn(driver::run(shared.clone(), later)),
        trading::spawn_feed(shared.clone(), trading.clone()),
    ];
    tracing::info!(%addr, seed = cfg.seed, speed = cfg.speed, faults = %cfg.faults, "simulator listening");
    Ok(SimHandle {
        addr,
        cfg,
        shared,
        trading,
        stop,
        tasks,
    })
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn rest_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `ws://127.0.0.1:PORT` (append `/ws/<stream>` or `/stream?streams=`).
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    pub fn faults(&self) -> &FaultControl {
        &self.shared.faults
    }

    /// `ws://127.0.0.1:PORT/ws-api/v3`, the WebSocket API (user data stream).
    pub fn ws_api_url(&self) -> String {
        format!("ws://{}/ws-api/v3", self.addr)
    }

    /// The trading side: accounts and the ledger (orders, trades,
    /// balances, submissions per client order id).
    pub fn trading(&self) -> &trading::Trading {
        &self.trading
    }

    /// Trusts `api_key` (verified with `key`) as a new account holding
    /// `balances` (default: 10,000 USDT, 1 BTC, 10 ETH).
    pub fn add_account(
        &self,
        api_key: &str,
        key: trading::SimKey,
        balances: Option<Vec<(String, rust_decimal::Decimal)>>,
    ) -> trading::AccountId {
        self.trading.add_account(api_key, key, balances)
    }

    /// The generated test-only HMAC credentials `(api_key, secret)`, when
    /// no keys file was given.
    pub fn generated_credentials(&self) -> Option<(&str, &str)> {
        self.trading
            .generated
            .as_ref()
            .map(|(k, s)| (k.as_str(), s.as_str()))
    }

    /// Test hook: a public trade as the matching engine sees it (stops,
    /// resting orders). It is not published on the streams and does not
    /// touch the replayed book; pause the market for deterministic tests.
    pub fn inject_trade(
        &self,
        symbol: &str,
        aggressor: crate::domain::Side,
        price: rust_decimal::Decimal,
        qty: rust_decimal::Decimal,
    ) {
        self.trading
            .on_trade(&self.shared, symbol, aggressor, price, qty);
    }

    /// The sim's current full book, with the update id it reflects.
    pub fn book(&self, symbol: &str) -> Option<OrderBook> {
        let m = self.shared.market.lock().expect("market lock");
        m.get(symbol).map(|s| s.book.clone())
    }

    /// Freezes the market (books, ids, candles, scheduled faults);
    /// connections stay up. When this returns the book no longer changes
    /// and every diff up to its id has been published (the pending 1 s
    /// `@depth` aggregate is flushed).
    pub fn pause(&self) {
        driver::pause(&self.shared);
    }

    pub fn resume(&self) {
        driver::resume(&self.shared);
    }

    pub fn symbols(&self) -> Vec<String> {
        data::SYMBOLS.iter().map(|s| s.to_string()).collect()
    }

    /// Sim (market) time since start.
    pub fn sim_time(&self) -> Duration {
        Duration::from_millis(self.shared.clock.now_ms())
    }

    /// Stops listening, sends `serverShutdown` on every stream connection
    /// and closes them.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
        self.shared
            .wait_connections_closed(Duration::from_secs(2))
            .await;
    }

    /// A few lines for `tradeterm sim`: URLs, symbols, seed, speed, faults.
    pub fn banner(&self) -> String {
        let faults = if self.cfg.faults.trim().is_empty() {
            "none".to_string()
        } else {
            self.cfg.faults.clone()
        };
        let keys = match (&self.cfg.keys, self.generated_credentials()) {
            (Some(p), _) => format!("\n  keys     trusted from {}", p.display()),
            (None, Some((k, s))) => format!(
                "\n  TEST-ONLY credentials (generated, HMAC; accepted by this simulator only):\n\
                 \x20   api_key    {k}\n\
                 \x20   api_secret {s}"
            ),
            (None, None) => String::new(),
        };
        format!(
            "tradeterm simulator (Binance Spot compatible)\n\
             \x20 REST     {rest}  (e.g. {rest}/api/v3/depth?symbol=BTCUSDT&limit=100)\n\
             \x20 streams  {ws}/ws/<stream>  |  {ws}/stream?streams=btcusdt@depth@100ms/btcusdt@trade\n\
             \x20 ws-api   {wsapi}  (user data stream)\n\
             \x20 symbols  {syms}  (real 2024-08-08 capture, then a seeded model)\n\
             \x20 seed {seed}  speed {speed}x  faults: {faults}{keys}",
            rest = self.rest_url(),
            ws = self.ws_url(),
            wsapi = self.ws_api_url(),
            syms = self.symbols().join(", "),
            seed = self.cfg.seed,
            speed = self.cfg.speed,
        )
    }
}

impl fmt::Display for SimHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.banner())
    }
}

impl fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimHandle")
            .field("addr", &self.addr)
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn handle_and_knobs_can_move_across_tasks() {
        assert_send_sync::<SimHandle>();
        assert_send_sync::<FaultControl>();
    }

    #[test]
    fn config_comes_from_the_settings_file() {
        let c = SimConfig::from_cfg(&crate::config::Config::defaults().sim);
        assert_eq!(
            (c.port, c.seed, c.speed, c.faults.as_str()),
            (0, 42, 1.0, "")
        );
    }

    #[tokio::test]
    async fn refuses_bad_settings_and_describes_itself() {
        for speed in [0.0, -1.0, f64::NAN] {
            let cfg = SimConfig {
                speed,
                ..SimConfig::default()
            };
            assert!(matches!(start(cfg).await, Err(SimError::Config(_))));
        }
        let cfg = SimConfig {
            faults: "stale-snapshot:2".into(),
            speed: 2.5,
            ..SimConfig::default()
        };
        let h = start(cfg).await.unwrap();
        let b = h.banner();
        assert!(b.contains(&h.rest_url()) && b.contains(&h.ws_url()));
        assert!(b.contains("BTCUSDT, ETHUSDT") && b.contains("seed 42") && b.contains("2.5x"));
        assert!(b.contains("stale-snapshot:2"));
        assert_eq!(h.to_string(), b);
        assert!(h.rest_url().starts_with("http://127.0.0.1:") && h.addr().port() > 0);
        assert_eq!(h.symbols(), vec!["BTCUSDT", "ETHUSDT"]);
        let (k, sec) = h.generated_credentials().unwrap();
        assert!(b.contains("TEST-ONLY") && b.contains(k) && b.contains(sec));
        assert!(b.contains(&h.ws_api_url()));
        h.shutdown().await;
    }
}
