//! The client's order book against the simulator over loopback sockets,
//! through every fault the simulator can inject: at the end the client's
//! book equals the simulator's, level for level.

mod common;

use common::*;
use std::time::Duration;
use tradeterm::engine::{Command, ConnState};
use tradeterm::market::BookStatus;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn book_goes_live_and_matches_the_simulator() {
    let c = Case::live(5.0, "BTCUSDT", |_| {}).await;
    // The rest of the market state fills in as well.
    let v = c
        .wait("ticker, trades and candles", |v| {
            v.ticker.is_some()
                && !v.trades.is_empty()
                && !v.candles.is_empty()
                && v.book_ticker.is_some()
        })
        .await;
    assert_eq!(v.symbol, "BTCUSDT");
    assert!(v.symbols.contains(&"ETHUSDT".to_string()));
    assert_eq!(v.price_decimals, 2);
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sequence_gap_triggers_a_resync() {
    let c = Case::live(5.0, "BTCUSDT", |_| {}).await;
    c.sim.faults().gap(1);
    c.wait("a resync after the gap", |v| v.book.resyncs >= 1)
        .await;
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_socket_reconnects_and_resyncs() {
    let c = Case::live(5.0, "BTCUSDT", |_| {}).await;
    c.sim.faults().drop_streams();
    c.wait("the reconnect", |v| v.book.resyncs >= 1).await;
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_snapshots_are_refetched() {
    let c = Case::live(5.0, "BTCUSDT", |_| {}).await;
    let before = c.wait("a view", |_| true).await.book.snapshots;
    // Force a resync whose next two snapshots predate the buffered stream.
    c.sim.faults().stale_snapshots(2);
    c.sim.faults().gap(1);
    let v = c
        .wait("live again after stale snapshots", |v| {
            v.book.resyncs >= 1 && v.book.status == BookStatus::Live
        })
        .await;
    assert!(
        v.book.snapshots >= before + 3,
        "stale snapshots were not refetched: {} -> {}",
        before,
        v.book.snapshots
    );
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_snapshots_still_sync() {
    let c = Case::live(5.0, "BTCUSDT", |sim| {
        sim.faults().delay_snapshots(Duration::from_millis(1500))
    })
    .await;
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_socket_is_detected_and_replaced() {
    let c = Case::live(5.0, "BTCUSDT", |_| {}).await;
    // Longer than the client's 2 s silence timeout.
    c.sim.faults().silence(Duration::from_secs(6));
    c.wait("silence detected", |v| {
        matches!(&v.conn, Some(ConnState::Retrying { reason, .. }) if reason.contains("no data"))
    })
    .await;
    c.wait("reconnected and live", |v| {
        matches!(v.conn, Some(ConnState::Connected)) && v.book.status == BookStatus::Live
    })
    .await;
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_shutdown_notice_reconnects_at_once() {
    let c = Case::live(5.0, "BTCUSDT", |_| {}).await;
    c.sim.faults().server_shutdown();
    c.wait("resync after serverShutdown", |v| v.book.resyncs >= 1)
        .await;
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_snapshot_waits_for_retry_after() {
    // The first REST calls meet a 429; the client holds for Retry-After, then syncs.
    let c = Case::live(5.0, "BTCUSDT", |sim| {
        sim.faults().rest_error(429, 1, Some(2))
    })
    .await;
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried() {
    let c = Case::live(5.0, "BTCUSDT", |sim| sim.faults().rest_error(503, 3, None)).await;
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symbol_switch_drops_the_old_book_and_syncs_the_new_one() {
    let mut c = Case::live(5.0, "BTCUSDT", |_| {}).await;
    c.engine
        .commands
        .send(Command::SwitchSymbol("ethusdt".into()))
        .await
        .unwrap();
    let v = c
        .wait("ETHUSDT live", |v| {
            v.symbol == "ETHUSDT" && v.book.status == BookStatus::Live
        })
        .await;
    // ETH trades around 2,600 in the recording; BTC around 61,700.
    let (bid, _) = v.best().unwrap();
    assert!(bid.to_f64() < 10_000.0, "ETH book shows {bid}");
    assert!(v.trades.iter().all(|t| t.symbol == "ETHUSDT"));
    c.symbol = "ETHUSDT";
    c.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pings_are_answered_so_the_connection_survives() {
    // The server pings every 100 ms and closes a connection whose ping
    // stays unanswered for 500 ms: a client that did not answer would
    // lose its socket (and resync its book) many times over.
    let sim = tradeterm::sim::start_with(
        tradeterm::sim::SimConfig {
            port: 0,
            seed: 7,
            speed: 5.0,
            faults: String::new(),
            keys: None,
        },
        tradeterm::sim::SimTuning {
            ping_interval: Duration::from_millis(100),
            pong_timeout: Duration::from_millis(500),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let e = start_engine(&sim, "BTCUSDT");
    wait_live(&e).await;
    let start = sim.sim_time();
    // Five simulated seconds at 5x: about a second of wall time, ~10 pings.
    wait_view(&e, "five simulated seconds", |_| {
        sim.sim_time() >= start + Duration::from_secs(5)
    })
    .await;
    let v = wait_view(&e, "a fresh view", |_| true).await;
    assert_eq!(v.book.resyncs, 0, "connection was lost: {}", summary(&v));
    assert!(matches!(v.conn, Some(ConnState::Connected)));
    e.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_is_renewed_before_its_age_limit() {
    let sim = start_sim(5.0, "").await;
    let mut settings =
        tradeterm::engine::EngineSettings::from_config(&client_config(&sim, "BTCUSDT"));
    // Binance closes at 24 h; the client renews before that. Here: 1 s.
    settings.stream.max_age = Duration::from_secs(1);
    let e = tradeterm::engine::spawn(settings);
    wait_live(&e).await;
    wait_view(&e, "a renewed connection", |v| v.book.resyncs >= 1).await;
    wait_live(&e).await;
    assert_books_equal(&sim, &e, "BTCUSDT").await;
    e.shutdown().await;
    sim.shutdown().await;
}
