//! `tradeterm run` as a server runs it: a GRID instance against the
//! simulator over loopback (signed REST + user stream), SIGTERM, and what
//! is left behind: its orders cancelled, the journal equal to the ledger,
//! the instance kept in the journal and reused by the next run.

mod cli_common;

use cli_common::*;
use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

fn sim_orders(r: &Rig, prefix: &str) -> Vec<tradeterm::sim::trading::SimOrder> {
    r.sim
        .trading()
        .orders()
        .into_iter()
        .filter(|o| o.account == r.account && o.client_order_id.starts_with(prefix))
        .collect()
}

/// Runs the grid until the simulator holds `resting` of its limit orders,
/// then sends SIGTERM; returns (exit code, stdout).
async fn run_grid_then_term(r: &Rig, resting: usize) -> (Option<i32>, String) {
    let mut child = r
        .cmd(&[
            "run",
            "--strategy",
            "grid",
            "--param",
            "levels=6",
            "--param",
            "order_quote=50",
            "--symbol",
            "BTCUSDT",
            "--yes",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut n = 0;
    for _ in 0..1500 {
        n = sim_orders(r, "tt-s1-")
            .iter()
            .filter(|o| {
                o.kind == tradeterm::trading::order::OrderType::Limit && !o.status.is_terminal()
            })
            .count();
        if n >= resting {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(n >= resting, "the grid rests its orders");
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let out = tokio::task::spawn_blocking(move || {
        let status = child.wait().unwrap();
        let mut s = String::new();
        child.stdout.take().unwrap().read_to_string(&mut s).unwrap();
        let mut e = String::new();
        child.stderr.take().unwrap().read_to_string(&mut e).unwrap();
        (status.code(), s + &e)
    })
    .await
    .unwrap();
    assert!(!out.1.contains(CANARY));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grid_places_its_ladder_logs_fills_and_stops_cleanly_on_sigterm() {
    let r = Rig::start("run-grid").await;
    let (code, out) = run_grid_then_term(&r, 4).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("strategy running"), "{out}");
    // The initial market buy for the sells above the price is logged as a fill.
    assert!(out.contains("FILL BUY"), "{out}");
    assert!(out.contains("SIGTERM: stopping the strategy"), "{out}");
    assert!(out.contains("strategy stopped cleanly"), "{out}");
    // Every order it placed carries its tag and none is left working.
    let orders = sim_orders(&r, "tt-s1-");
    assert!(orders.len() >= 5, "{orders:?}");
    assert!(orders.iter().all(|o| o.status.is_terminal()), "{orders:?}");
    r.assert_journal_equals_ledger();
    // The instance stays in the journal, stopped, with its parameters.
    let recs = r.journal().strategies().unwrap();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].name, "grid");
    assert!(!recs[0].running);
    assert!(recs[0].params.contains("levels=6"), "{}", recs[0].params);
    // A second run reuses it (same id, same tag) instead of adding another.
    let (code, out) = run_grid_then_term(&r, 4).await;
    assert_eq!(code, Some(0), "{out}");
    // ...and goes on from its earlier position and P&L.
    assert!(
        out.contains("strategy position restored from the journal"),
        "{out}"
    );
    assert_eq!(r.journal().strategies().unwrap().len(), 1);
    assert!(sim_orders(&r, "tt-s1-")
        .iter()
        .all(|o| o.status.is_terminal()));
    r.assert_journal_equals_ledger();
    r.assert_no_canary_on_disk();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn testnet_asks_before_an_unattended_start_and_a_script_needs_yes() {
    let r = Rig::start("run-confirm").await;
    let out = r
        .run(&["run", "--strategy", "grid", "--symbol", "BTCUSDT"])
        .await;
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        text.contains("run grid on BTCUSDT") && text.contains("--yes"),
        "{text}"
    );
    assert!(sim_orders(&r, "tt-").is_empty());
    assert!(r.journal().strategies().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_strategy_or_parameter_is_refused_with_the_reason() {
    let r = Rig::start("run-bad").await;
    let out = r.run(&["run", "--strategy", "martingale"]).await;
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        text.contains("--strategy") && text.contains("swing"),
        "{text}"
    );
    let out = r
        .run(&["run", "--strategy", "swing", "--param", "fast=500"])
        .await;
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        text.contains("fast must be an integer between 2 and 200 (got 500)"),
        "{text}"
    );
    let out = r
        .run(&[
            "run",
            "--strategy",
            "swing",
            "--param",
            "fast=30",
            "--param",
            "slow=20",
        ])
        .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(sim_orders(&r, "tt-").is_empty());
}
