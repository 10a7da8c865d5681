//! Strategy instances in the engine against the simulator (signed REST +
//! user stream): two instances on different symbols run at once, the one
//! off screen fed by its own market (book, trades, klines); their orders
//! carry their tags; a bad parameter is refused with the reason; stopping
//! one cancels its orders and leaves the other running; a halt stops all.

mod common;

use common::*;
use tradeterm::engine::{Command, EngineHandle, StrategyStatus, View};
use tradeterm::keys::Secret;
use tradeterm::sim::trading::SimKey;
use tradeterm::sim::SimHandle;

const KEY: &str = "strategyEngineKey0123456789";
const SECRET: &str = "strategy-engine-secret-4d5e6f";

fn engine_on(sim: &SimHandle, dir: &std::path::Path) -> EngineHandle {
    sim.add_account(KEY, SimKey::Hmac(Secret::new(SECRET)), None);
    trading_engine_on(sim, dir, Some((KEY, SECRET)))
}

/// Creates an instance and starts it at once.
async fn create_started(
    e: &EngineHandle,
    name: &str,
    symbol: &str,
    interval: Option<tradeterm::domain::Interval>,
    params: &str,
) {
    e.commands
        .send(Command::StrategyCreate {
            name: name.into(),
            symbol: symbol.into(),
            interval,
            params: params.into(),
            start: true,
        })
        .await
        .unwrap();
}

fn open_at_sim(sim: &SimHandle, prefix: &str, symbol: &str) -> usize {
    sim.trading()
        .orders()
        .iter()
        .filter(|o| {
            o.client_order_id.starts_with(prefix) && o.symbol == symbol && !o.status.is_terminal()
        })
        .count()
}

fn status(v: &View, id: u64) -> Option<StrategyStatus> {
    v.strategies
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.status.clone())
}

fn last_notice(v: &View) -> String {
    v.trading
        .as_ref()
        .and_then(|t| t.notice.as_ref())
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_on_two_symbols_run_at_once_and_stop_independently() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(1.0, "").await;
    let e = engine_on(&sim, dir.path());
    trading_ready(&e).await;
    // A bad parameter: refused with the reason, nothing created.
    create_started(&e, "grid", "ETHUSDT", None, "levels=1").await;
    let v = wait_view(&e, "the refusal", |v| last_notice(v).contains("REFUSED")).await;
    assert!(last_notice(&v).contains("levels"), "{}", last_notice(&v));
    assert!(v.strategies.is_empty());
    // GRID on ETHUSDT (not on screen) and on BTCUSDT (on screen).
    for sym in ["ETHUSDT", "BTCUSDT"] {
        create_started(&e, "grid", sym, None, "levels=6 order_quote=50").await;
    }
    wait_view(&e, "both grids resting", |_| {
        open_at_sim(&sim, "tt-s1-", "ETHUSDT") >= 4 && open_at_sim(&sim, "tt-s2-", "BTCUSDT") >= 4
    })
    .await;
    // The ETH grid keeps seeing its own market (its signal follows prices).
    let v = wait_view(&e, "both running, ETH fed by its own market", |v| {
        status(v, 2) == Some(StrategyStatus::Running)
            && v.strategies.iter().any(|r| {
                r.id == 1
                    && r.status == StrategyStatus::Running
                    && r.state
                        .as_ref()
                        .is_some_and(|s| s.signal.starts_with("RUNNING"))
            })
    })
    .await;
    assert_eq!(v.strategies[0].symbol, "ETHUSDT");
    // Stopping the ETH grid cancels its orders; the BTC grid runs on.
    e.commands.send(Command::StrategyStop(1)).await.unwrap();
    wait_view(&e, "ETH grid stopped, its orders cancelled", |v| {
        status(v, 1) == Some(StrategyStatus::Stopped) && open_at_sim(&sim, "tt-s1-", "ETHUSDT") == 0
    })
    .await;
    assert!(open_at_sim(&sim, "tt-s2-", "BTCUSDT") >= 4);
    // A halt stops every instance.
    e.commands
        .send(Command::Halt {
            reason: "test".into(),
        })
        .await
        .unwrap();
    wait_view(&e, "halt stops the BTC grid", |v| {
        status(v, 2) == Some(StrategyStatus::Stopped) && open_at_sim(&sim, "tt-s2-", "BTCUSDT") == 0
    })
    .await;
    e.shutdown().await;
    // Restart: both instances listed again, stopped, with their parameters.
    let e = trading_engine_on(&sim, dir.path(), Some((KEY, SECRET)));
    let v = wait_view(&e, "instances restored", |v| v.strategies.len() == 2).await;
    assert!(v
        .strategies
        .iter()
        .all(|r| r.status == StrategyStatus::Stopped));
    assert!(v.strategies.iter().all(|r| r.params.contains("levels=6")));
    e.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_swing_instance_is_warmed_up_on_kline_history() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(1.0, "").await;
    let e = engine_on(&sim, dir.path());
    trading_ready(&e).await;
    create_started(
        &e,
        "swing",
        "BTCUSDT",
        Some(tradeterm::domain::Interval::H1),
        "",
    )
    .await;
    // Hourly klines: without history the slow EMA would need 26 hours.
    let v = wait_view(&e, "indicators ready from history", |v| {
        v.strategies.iter().any(|r| {
            r.state.as_ref().is_some_and(|s| {
                !s.signal.starts_with("WARMUP") && s.indicators.iter().all(|(_, val)| val != "-")
            })
        })
    })
    .await;
    let r = &v.strategies[0];
    assert_eq!(r.status, StrategyStatus::Running);
    // History never trades: no order from it.
    assert_eq!(r.fills, 0);
    assert!(sim
        .trading()
        .orders()
        .iter()
        .all(|o| !o.client_order_id.starts_with("tt-s1-")));
    e.shutdown().await;
    sim.shutdown().await;
}
