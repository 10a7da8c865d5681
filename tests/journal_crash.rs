//! kill -9 safety: a child process (this test binary, re-executed with
//! `CHILD_ENV` set) writes intents, orders, fills, balances and halts in a
//! loop and is SIGKILLed after a seeded number of acknowledged steps; the
//! parent reopens the journal each time and checks it: integrity, no
//! partial rows, fills consistent with order quantities, and every step
//! the child acknowledged (printed after its commit) is there.

use rust_decimal::Decimal;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use tradeterm::domain::Side;
use tradeterm::journal::{Journal, OrderFilter};
use tradeterm::trading::account::{Balance, ExecutionReport, OrderRequest};
use tradeterm::trading::order::{OrderStatus, OrderType, TimeInForce};

const CHILD_ENV: &str = "TRADETERM_TEST_JOURNAL_CRASH_CHILD";
const ROUNDS: usize = 8;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn req(cid: &str) -> OrderRequest {
    OrderRequest {
        client_order_id: cid.into(),
        symbol: "BTCUSDT".into(),
        side: Side::Buy,
        kind: OrderType::Limit,
        tif: Some(TimeInForce::Gtc),
        price: Some(d("100.5")),
        stop_price: None,
        qty: Some(d("0.003")),
        quote_qty: None,
        tag: "crash".into(),
    }
}

fn exec(cid: &str, i: i64, k: i64, cum: &str, status: OrderStatus) -> ExecutionReport {
    let trade = k > 0;
    ExecutionReport {
        symbol: "BTCUSDT".into(),
        client_order_id: cid.into(),
        orig_client_order_id: None,
        order_id: i,
        order_list_id: -1,
        side: Side::Buy,
        kind: OrderType::Limit,
        tif: Some(TimeInForce::Gtc),
        qty: d("0.003"),
        price: d("100.5"),
        stop_price: Decimal::ZERO,
        quote_qty: Decimal::ZERO,
        exec_type: if trade { "TRADE" } else { "NEW" }.into(),
        status,
        reject_reason: "NONE".into(),
        last_qty: if trade { d("0.001") } else { Decimal::ZERO },
        last_price: d("100.5"),
        last_quote: Decimal::ZERO,
        cum_qty: d(cum),
        cum_quote: d(cum) * d("100.5"),
        commission: d("0.0001"),
        commission_asset: Some("USDT".into()),
        trade_id: if trade { i * 10 + k } else { -1 },
        is_maker: false,
        transact_time: i,
        event_time: i,
    }
}

/// The child: writes until killed (bounded in case nobody kills it),
/// acknowledging each committed call on stdout as `committed <i> <step>`.
#[test]
fn crash_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut j = Journal::open(Path::new(&path)).unwrap();
    let start = j.orders(&OrderFilter::default()).unwrap().len() as i64;
    let mut out = std::io::stdout().lock();
    let mut ack = |i: i64, step: &str| {
        writeln!(out, "committed {i} {step}").unwrap();
        out.flush().unwrap();
    };
    for i in start..start + 100_000 {
        let cid = format!("c{i}");
        j.record_intent(&req(&cid), i).unwrap();
        ack(i, "intent");
        j.mark_sent(&cid, i).unwrap();
        ack(i, "sent");
        j.record_execution(&exec(&cid, i, 0, "0", OrderStatus::New))
            .unwrap();
        ack(i, "new");
        for (k, cum, st) in [
            (1, "0.001", OrderStatus::PartiallyFilled),
            (2, "0.002", OrderStatus::PartiallyFilled),
            (3, "0.003", OrderStatus::Filled),
        ] {
            j.record_execution(&exec(&cid, i, k, cum, st)).unwrap();
            ack(i, &format!("fill{k}"));
        }
        // A duplicate over "REST".
        let dup = exec(&cid, i, 2, "0.002", OrderStatus::PartiallyFilled);
        assert!(!j.insert_fill(&dup.fill().unwrap()).unwrap());
        let bal = |a: &str| Balance {
            asset: a.into(),
            free: Decimal::from(i),
            locked: Decimal::ZERO,
        };
        j.save_balances(&[bal("USDT"), bal("BTC"), bal("BNB")], i)
            .unwrap();
        ack(i, "balances");
        if i % 3 == 0 {
            j.halt("test", i).unwrap();
        } else {
            j.resume(i).unwrap();
        }
        ack(i, "halt");
    }
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    }
}

fn count(c: &rusqlite::Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Checks the reopened journal; `acked` = the last call the child
/// reported committed.
fn check(path: &Path, acked: Option<(i64, String)>, round: usize) {
    let j = Journal::open(path).expect("integrity check passes after kill -9");
    let c = rusqlite::Connection::open(path).unwrap();
    let bad = |what: &str, sql: &str| assert_eq!(count(&c, sql), 0, "round {round}: {what}");
    bad(
        "order without its intent",
        "SELECT COUNT(*) FROM orders WHERE intent_id IS NULL",
    );
    bad(
        "intent without its order",
        "SELECT COUNT(*) FROM intents i LEFT JOIN orders o
         ON o.client_order_id = i.client_order_id WHERE o.client_order_id IS NULL",
    );
    bad(
        "fill without its order",
        "SELECT COUNT(*) FROM fills f LEFT JOIN orders o
         ON o.client_order_id = f.client_order_id WHERE o.client_order_id IS NULL",
    );
    bad(
        "partial balance snapshot",
        "SELECT COUNT(*) FROM (SELECT time_ms FROM balance_snapshots
         GROUP BY time_ms HAVING COUNT(*) != 3)",
    );
    bad(
        "sent intent still INTENT",
        "SELECT COUNT(*) FROM intents i JOIN orders o USING (client_order_id)
         WHERE i.sent_ms IS NOT NULL AND o.status = 'INTENT'",
    );
    // Each order's fills add up to its executed quantity: the order update
    // and its fill were one transaction.
    for o in j.orders(&OrderFilter::default()).unwrap() {
        let fills = j
            .fills(&tradeterm::journal::FillFilter {
                client_order_id: Some(o.client_order_id.clone()),
                ..Default::default()
            })
            .unwrap();
        let sum: Decimal = fills.iter().map(|f| f.qty).sum();
        assert_eq!(sum, o.executed_qty, "round {round}: {}", o.client_order_id);
    }
    // At most one order per killed child is left unfinished.
    let unfinished = count(&c, "SELECT COUNT(*) FROM orders WHERE status != 'FILLED'");
    assert!(
        unfinished <= round as i64 + 1,
        "round {round}: {unfinished}"
    );
    assert_eq!(
        j.unresolved_intents().unwrap().len() as i64,
        count(
            &c,
            "SELECT COUNT(*) FROM orders WHERE status IN ('INTENT', 'UNKNOWN')"
        )
    );
    if let Some((i, step)) = acked {
        let o = j
            .order(&format!("c{i}"))
            .unwrap()
            .expect("acked order kept");
        let done = |s: &str| match s {
            "intent" => 0,
            "sent" => 1,
            "new" => 2,
            "fill1" => 3,
            "fill2" => 4,
            "fill3" => 5,
            "balances" => 6,
            _ => 7,
        };
        let n = done(&step);
        let want_status = [
            OrderStatus::Intent,
            OrderStatus::Unknown,
            OrderStatus::New,
            OrderStatus::PartiallyFilled,
            OrderStatus::PartiallyFilled,
        ];
        if n >= 5 {
            assert_eq!(o.status, OrderStatus::Filled, "round {round} {step}");
        } else {
            // The acked call is durable; the next one may or may not be.
            let ok = [
                want_status[n],
                want_status
                    .get(n + 1)
                    .copied()
                    .unwrap_or(OrderStatus::Filled),
            ];
            assert!(
                ok.contains(&o.status),
                "round {round} {step}: {:?}",
                o.status
            );
        }
        if n >= 3 {
            assert!(
                o.executed_qty >= Decimal::new((n as i64 - 2).min(3), 3),
                "round {round} {step}"
            );
        }
        if n >= 6 {
            let usdt = j.latest_balances().unwrap();
            assert!(
                usdt.iter().all(|b| b.free >= Decimal::from(i)),
                "round {round}"
            );
        }
        if n >= 7 {
            assert_eq!(
                j.halt_state().unwrap().is_some(),
                i % 3 == 0,
                "round {round}"
            );
        }
    }
}

#[test]
fn kill9_at_random_points_leaves_a_consistent_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal-sim.sqlite");
    let exe = std::env::current_exe().unwrap();
    let mut rng = Rng(0x5eed);
    let mut acked = None;
    for round in 0..ROUNDS {
        let lines_before_kill = 1 + rng.below(150);
        let mut child = Command::new(&exe)
            .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kept open until the child is dead: closing it first would end
        // the child at a write (EPIPE) instead of at a random point.
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        for line in lines.by_ref() {
            let line = line.unwrap();
            let Some(rest) = line.strip_prefix("committed ") else {
                continue;
            };
            let (i, step) = rest.split_once(' ').unwrap();
            acked = Some((i.parse::<i64>().unwrap(), step.to_string()));
            seen += 1;
            if seen >= lines_before_kill {
                break;
            }
        }
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        drop(lines);
        assert!(seen >= lines_before_kill, "child died early: {status:?}");
        check(&path, acked.clone(), round);
    }
    let j = Journal::open(&path).unwrap();
    assert!(!j.orders(&OrderFilter::default()).unwrap().is_empty());
}
