//! The scripting CLI (`order`, `orders`, `cancel`, `balance`, `halt`,
//! `resume`) as a script runs it: the real binary in testnet mode against
//! the simulator over loopback, with real signing and the real user
//! stream. After each step the journal must equal the simulator's ledger.

mod cli_common;

use cli_common::*;

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_placed_listed_cancelled_and_balances_match_the_ledger() {
    let r = Rig::start("cli-trade").await;
    // Market buy by base quantity: filled, with its fill and fee.
    let v = r
        .json(&["order", "buy", "BTCUSDT", "0.002", "--yes", "--json"])
        .await;
    assert_eq!(v["status"], "FILLED", "{v}");
    assert_eq!(v["mode"], "testnet");
    let fills = v["fills"].as_array().unwrap();
    assert!(!fills.is_empty());
    assert!(fills.iter().all(|f| f["commission_asset"] == "BTC"));
    // Market buy by quote amount.
    let v = r
        .json(&[
            "order",
            "buy",
            "BTCUSDT",
            "--quote-qty",
            "50",
            "--yes",
            "--json",
        ])
        .await;
    assert_eq!(v["status"], "FILLED", "{v}");
    assert_eq!(v["quote_qty"], "50");
    // A limit buy far below the touch rests.
    let v = r
        .json(&[
            "order", "buy", "BTCUSDT", "0.001", "--limit", "60000", "--yes", "--json",
        ])
        .await;
    assert_eq!(v["status"], "NEW", "{v}");
    let id = v["order_id"].as_i64().unwrap().to_string();
    let open = r.json(&["orders", "--open", "--json"]).await;
    let open = open.as_array().unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["order_id"].as_i64().unwrap().to_string(), id);
    assert_eq!(open[0]["price"], "60000");
    // A LIMIT_MAKER sell far above rests too; an IOC sell above the touch expires.
    let v = r
        .json(&[
            "order",
            "sell",
            "BTCUSDT",
            "0.001",
            "--limit",
            "63500",
            "--type",
            "limit-maker",
            "--yes",
            "--json",
        ])
        .await;
    assert_eq!(v["status"], "NEW", "{v}");
    let v = r
        .json(&[
            "order", "sell", "BTCUSDT", "0.001", "--limit", "63500", "--tif", "ioc", "--yes",
            "--json",
        ])
        .await;
    assert_eq!(v["status"], "EXPIRED", "{v}");
    r.assert_journal_equals_ledger();
    // Stop orders rest untriggered: a stop-loss below, a take-profit above.
    let v = r
        .json(&[
            "order",
            "sell",
            "BTCUSDT",
            "0.001",
            "--type",
            "stop-loss-limit",
            "--stop",
            "60500",
            "--limit",
            "60400",
            "--yes",
            "--json",
        ])
        .await;
    assert_eq!(
        (v["status"].as_str(), v["stop_price"].as_str()),
        (Some("NEW"), Some("60500")),
        "{v}"
    );
    let v = r
        .json(&[
            "order",
            "sell",
            "BTCUSDT",
            "0.001",
            "--type",
            "take-profit-limit",
            "--stop",
            "63000",
            "--limit",
            "63100",
            "--yes",
            "--json",
        ])
        .await;
    assert_eq!(v["status"], "NEW", "{v}");
    assert_eq!(v["type"], "TAKE_PROFIT_LIMIT", "{v}");
    r.assert_journal_equals_ledger();
    // Cancel one by exchange id, then the rest with --all.
    let v = r.json(&["cancel", "BTCUSDT", &id, "--json"]).await;
    assert_eq!(v[0]["status"], "CANCELED", "{v}");
    let v = r
        .json(&["cancel", "BTCUSDT", "--all", "--yes", "--json"])
        .await;
    assert_eq!(v.as_array().unwrap().len(), 3, "{v}");
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "CANCELED"),
        "{v}"
    );
    let open = r.json(&["orders", "--open", "--json"]).await;
    assert_eq!(open.as_array().unwrap().len(), 0);
    let all = r.json(&["orders", "--json"]).await;
    assert_eq!(all.as_array().unwrap().len(), 7, "{all}");
    r.assert_journal_equals_ledger();
    // Balances equal the ledger's, and the position carries the fills.
    let b = r.assert_balances_equal_ledger().await;
    let pos = &b["positions"][0];
    assert_eq!(pos["symbol"], "BTCUSDT");
    assert_ne!(pos["qty"], "0");
    // Human-readable output names the status, the fill and its fee.
    let s = r.ok(&["order", "sell", "BTCUSDT", "0.001", "--yes"]).await;
    assert!(s.starts_with("FILLED"), "{s}");
    assert!(s.contains("fill 0.001 @ ") && s.contains("fee "), "{s}");
    r.assert_journal_equals_ledger();
    r.assert_no_canary_on_disk();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_name_the_reason_and_send_nothing() {
    let r = Rig::start("cli-refuse").await;
    // Below the minimum notional: refused locally, naming the filter.
    let out = r
        .run(&[
            "order", "buy", "BTCUSDT", "0.00001", "--limit", "60000", "--yes",
        ])
        .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("NOTIONAL"), "{}", text(&out));
    // More than the balance (risk limits lifted): Binance's code and message.
    let mut c = r.cmd(&["order", "buy", "BTCUSDT", "1", "--limit", "60000", "--yes"]);
    c.env("TRADETERM_RISK__MAX_ORDER_NOTIONAL", "0")
        .env("TRADETERM_RISK__MAX_POSITION_NOTIONAL", "0");
    let out = r.run_cmd(c).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("-2010"), "{}", text(&out));
    // Testnet asks for confirmation; a script without --yes sends nothing.
    let out = r.run(&["order", "buy", "BTCUSDT", "0.001"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("--yes"), "{}", text(&out));
    // Bad arguments are refused before anything starts.
    let out = r
        .run(&[
            "order", "buy", "BTCUSDT", "0.001", "--type", "limit", "--yes",
        ])
        .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("needs --limit"), "{}", text(&out));
    // Live is never taken from the environment, even with --yes.
    let c = r.cmd(&["order", "buy", "BTCUSDT", "0.001", "--yes"]);
    let args: Vec<String> = c
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut live = std::process::Command::new(c.get_program());
    live.args(args.iter().filter(|a| *a != "--testnet"))
        .env("TRADETERM_MODE", "live")
        .env("TRADETERM_CONFIG_DIR", r.dir.join("cfg"))
        .env("TRADETERM_DATA_DIR", r.dir.join("data"));
    let out = live.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("--live"), "{}", text(&out));
    // A limit price far from mid is a risk refusal, with the reason.
    let out = r
        .run(&[
            "order", "buy", "BTCUSDT", "0.001", "--limit", "40000", "--yes",
        ])
        .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("REFUSED"), "{}", text(&out));
    // Only the -2010 attempt reached the exchange, and was refused there.
    assert_eq!(
        r.sim
            .trading()
            .orders()
            .iter()
            .filter(|o| o.account == r.account)
            .count(),
        0
    );
    r.assert_journal_equals_ledger();
    r.assert_no_canary_on_disk();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn halt_cancels_and_latches_until_resume() {
    let r = Rig::start("cli-halt").await;
    r.json(&[
        "order", "buy", "BTCUSDT", "0.001", "--limit", "60000", "--yes", "--json",
    ])
    .await;
    let s = r.ok(&["halt", "--reason", "script says stop"]).await;
    assert!(s.contains("HALTED (script says stop)"), "{s}");
    let open = r.json(&["orders", "--open", "--json"]).await;
    assert_eq!(
        open.as_array().unwrap().len(),
        0,
        "halt cancelled the open order"
    );
    let out = r.run(&["order", "buy", "BTCUSDT", "0.001", "--yes"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("halted"), "{}", text(&out));
    r.ok(&["resume"]).await;
    let v = r
        .json(&["order", "buy", "BTCUSDT", "0.001", "--yes", "--json"])
        .await;
    assert_eq!(v["status"], "FILLED");
    r.assert_journal_equals_ledger();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oco_legs_rest_and_cancel_together() {
    let r = Rig::start("cli-oco").await;
    let v = r
        .json(&[
            "oco",
            "sell",
            "BTCUSDT",
            "0.01",
            "--limit",
            "63500",
            "--stop",
            "60500",
            "--stop-limit",
            "60400",
            "--yes",
            "--json",
        ])
        .await;
    let legs = v.as_array().unwrap();
    assert_eq!(legs.len(), 2, "{v}");
    assert_eq!(legs[0]["type"], "LIMIT_MAKER");
    assert_eq!(legs[1]["type"], "STOP_LOSS_LIMIT");
    assert_eq!(legs[1]["stop_price"], "60500");
    assert!(legs.iter().all(|l| l["status"] == "NEW"), "{v}");
    assert_eq!(r.sim.trading().order_lists().len(), 1);
    r.assert_journal_equals_ledger();
    // Cancelling one leg cancels the list: both legs end CANCELED.
    let id = legs[0]["order_id"].as_i64().unwrap().to_string();
    r.json(&["cancel", "BTCUSDT", &id, "--json"]).await;
    let open = r.json(&["orders", "--open", "--json"]).await;
    assert_eq!(open.as_array().unwrap().len(), 0, "{open}");
    r.assert_journal_equals_ledger();
    // Prices on the wrong sides are refused before anything is sent.
    let out = r
        .run(&[
            "oco", "sell", "BTCUSDT", "0.01", "--limit", "60500", "--stop", "63500", "--yes",
        ])
        .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("limit price above the stop price"),
        "{}",
        text(&out)
    );
    assert_eq!(r.sim.trading().order_lists().len(), 1);
}
