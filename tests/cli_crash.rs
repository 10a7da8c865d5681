//! `kill -9` of the client process at the worst moments: after the intent
//! is journaled and the exchange has the order but before the answer
//! arrives, and after the exchange filled it. The next start must resolve
//! the order with the exchange (by client order id, never by resending)
//! and end with the journal equal to the simulator's ledger: one order per
//! intent, every fill once, nothing UNKNOWN.

mod cli_common;

use cli_common::*;
use std::process::Stdio;
use std::time::Duration;
use tradeterm::trading::order::OrderStatus;

/// Starts `args` with the simulator holding order answers, waits until
/// the simulator has applied the order, then SIGKILLs the client.
async fn kill_after_the_exchange_took_it(r: &Rig, args: &[&str], nth: usize) {
    r.sim.faults().delay_responses(Duration::from_secs(120));
    r.sim.faults().report_lag(Duration::from_secs(120));
    let mut child = r
        .cmd(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    r.wait_sim_order(nth).await;
    child.kill().unwrap(); // SIGKILL: no destructor, no flush, no goodbye
    let status = child.wait().unwrap();
    assert!(!status.success());
    r.sim.faults().delay_responses(Duration::ZERO);
    r.sim.faults().report_lag(Duration::ZERO);
    // The intent is on disk and unresolved.
    let j = r.journal();
    let pending: Vec<_> = j
        .orders(&Default::default())
        .unwrap()
        .into_iter()
        .filter(|o| matches!(o.status, OrderStatus::Intent | OrderStatus::Unknown))
        .collect();
    assert_eq!(
        pending.len(),
        1,
        "the intent was journaled before the request left"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_between_intent_and_ack_then_restarted() {
    let r = Rig::start("crash-ack").await;
    kill_after_the_exchange_took_it(
        &r,
        &[
            "order",
            "buy",
            "BTCUSDT",
            "0.001",
            "--limit",
            "60000",
            "--yes",
            "--timeout",
            "300",
        ],
        1,
    )
    .await;
    // Restart: the order is found by its client order id and adopted.
    let open = r.json(&["orders", "--open", "--json"]).await;
    let open = open.as_array().unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["status"], "NEW");
    r.assert_journal_equals_ledger();
    // And it is an ordinary working order again: cancel it.
    let id = open[0]["order_id"].as_i64().unwrap().to_string();
    r.json(&["cancel", "BTCUSDT", &id, "--json"]).await;
    r.assert_journal_equals_ledger();
    r.assert_no_canary_on_disk();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_after_a_fill_then_restarted() {
    let r = Rig::start("crash-fill").await;
    r.json(&["order", "buy", "BTCUSDT", "0.001", "--yes", "--json"])
        .await;
    kill_after_the_exchange_took_it(
        &r,
        &[
            "order",
            "buy",
            "BTCUSDT",
            "0.002",
            "--yes",
            "--timeout",
            "300",
        ],
        2,
    )
    .await;
    let filled = r
        .sim
        .trading()
        .orders()
        .into_iter()
        .rfind(|o| o.account == r.account)
        .unwrap();
    assert_eq!(filled.status, OrderStatus::Filled);
    // Restart: the fill the client never heard of is recovered once.
    let all = r.json(&["orders", "--json"]).await;
    let mine: Vec<_> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["client_order_id"] == filled.client_order_id.as_str())
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["status"], "FILLED");
    r.assert_journal_equals_ledger();
    // A second restart changes nothing (fills count once).
    r.json(&["balance", "--json"]).await;
    r.assert_journal_equals_ledger();
    r.assert_no_canary_on_disk();
}
