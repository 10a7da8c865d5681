//! Every trading fault knob of the simulator, met by the whole client
//! (engine, journal, venue, user stream: the `tradeterm order` process),
//! not just the adapter. Each case ends with the journal equal to the
//! simulator's ledger and exactly one exchange order per intent.

mod cli_common;

use cli_common::*;
use std::process::Stdio;
use std::time::Duration;

const MARKET: &[&str] = &["order", "buy", "BTCUSDT", "0.001", "--yes", "--json"];
const LIMIT: &[&str] = &[
    "order", "buy", "BTCUSDT", "0.001", "--limit", "60000", "--yes", "--json",
];

/// Runs `args` with a short client timeout (so a delayed answer is a
/// timeout) and returns the exit code and the order's final JSON status.
async fn order_with_short_timeout(r: &Rig, args: &[&str]) -> (Option<i32>, String) {
    let mut c = r.cmd(args);
    c.env("TRADETERM_NETWORK__REQUEST_TIMEOUT_SECS", "2");
    let out = r.run_cmd(c).await;
    let status = serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .map(|v| v["status"].as_str().unwrap_or("").to_string())
        .unwrap_or_default();
    (out.status.code(), status)
}

async fn check(r: &Rig, expect_orders: usize) {
    // A later start resolves whatever the first could not, then compare.
    r.json(&["orders", "--json"]).await;
    r.assert_journal_equals_ledger();
    let n = r
        .sim
        .trading()
        .orders()
        .iter()
        .filter(|o| o.account == r.account)
        .count();
    assert_eq!(n, expect_orders, "orders at the exchange");
    r.assert_balances_equal_ledger().await;
    r.assert_no_canary_on_disk();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_response_is_resolved_by_query_not_resent() {
    let r = Rig::start("fault-lose").await;
    r.sim.faults().lose_responses(1);
    let (code, status) = order_with_short_timeout(&r, MARKET).await;
    assert_eq!((code, status.as_str()), (Some(0), "FILLED"));
    check(&r, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn response_delayed_past_the_timeout() {
    let r = Rig::start("fault-delay").await;
    r.sim.faults().delay_responses(Duration::from_secs(4));
    let (code, status) = order_with_short_timeout(&r, LIMIT).await;
    assert_eq!((code, status.as_str()), (Some(0), "NEW"));
    r.sim.faults().delay_responses(Duration::ZERO);
    check(&r, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_errors_accepted_or_not() {
    for (status, accept) in [(503, true), (503, false), (408, true), (408, false)] {
        let r = Rig::start(&format!("fault-submit-{status}-{accept}")).await;
        r.sim.faults().submit_errors(status, accept, 1);
        let (code, st) = order_with_short_timeout(&r, MARKET).await;
        if accept {
            assert_eq!(
                (code, st.as_str()),
                (Some(0), "FILLED"),
                "{status} accepted"
            );
        } else {
            // Queried until it is certain the order never reached the book.
            assert_eq!(code, Some(1), "{status} not accepted");
        }
        check(&r, usize::from(accept)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicated_and_reordered_reports_change_nothing_twice() {
    let r = Rig::start("fault-reports").await;
    r.sim.faults().dup_reports(true);
    r.sim.faults().reorder_reports(true);
    r.sim.faults().balance_lag(Duration::from_millis(500));
    let (code, st) = order_with_short_timeout(&r, MARKET).await;
    assert_eq!((code, st.as_str()), (Some(0), "FILLED"));
    let (code, st) = order_with_short_timeout(&r, LIMIT).await;
    assert_eq!((code, st.as_str()), (Some(0), "NEW"));
    let id = r
        .sim
        .trading()
        .orders()
        .last()
        .unwrap()
        .order_id
        .to_string();
    r.json(&["cancel", "BTCUSDT", &id, "--json"]).await;
    check(&r, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_terminated_mid_order() {
    let r = Rig::start("fault-stream").await;
    r.sim.faults().delay_responses(Duration::from_secs(2));
    let child = r
        .cmd(LIMIT)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    r.wait_sim_order(1).await;
    // The stream ends while the order's answer is still on its way.
    assert!(r.sim.faults().terminate_user_streams() > 0);
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "NEW");
    r.sim.faults().delay_responses(Duration::ZERO);
    check(&r, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exchange_clock_ahead_and_behind() {
    for skew in [-4000, 4000] {
        let r = Rig::start(&format!("fault-skew{skew}")).await;
        r.sim.faults().clock_skew(skew);
        let (code, st) = order_with_short_timeout(&r, MARKET).await;
        assert_eq!((code, st.as_str()), (Some(0), "FILLED"), "skew {skew}");
        check(&r, 1).await;
    }
}
