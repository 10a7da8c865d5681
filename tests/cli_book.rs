//! `tradeterm book` and `tradeterm ticker` as a user runs them, against a
//! simulator in this process reached only through `--rest-url`/`--ws-url`
//! (as any Binance-compatible server would be).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use tradeterm::fixed::Fx;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tradeterm"));
    let dir = std::env::temp_dir().join(format!("tradeterm-cli-{}", std::process::id()));
    c.env("TRADETERM_CONFIG_DIR", dir.join("cfg"))
        .env("TRADETERM_DATA_DIR", dir.join("data"))
        .env("TRADETERM_NETWORK__BACKOFF_INITIAL_MS", "50")
        .env_remove("RUST_LOG");
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn book_json_equals_the_servers_book() {
    let sim = common::start_sim(5.0, "").await;
    let mut child = bin()
        .args([
            "book",
            "BTCUSDT",
            "--json",
            "--depth",
            "20",
            "--duration",
            "6",
            "-v",
        ])
        .args([
            "--testnet",
            "--rest-url",
            &sim.rest_url(),
            "--ws-url",
            &sim.ws_url(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Freeze the market once the client's book is live, so the book it
    // prints at the end of --duration is the server's final book.
    let stderr = child.stderr.take().unwrap();
    let live = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stderr).lines();
        for line in lines.by_ref() {
            if line.unwrap().contains("order book live") {
                // Keep draining so the child never blocks on a full pipe.
                std::thread::spawn(move || for _ in lines {});
                return true;
            }
        }
        false
    });
    assert!(
        tokio::time::timeout(common::LIMIT, live)
            .await
            .unwrap()
            .unwrap(),
        "book never went live"
    );
    sim.pause();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(out.status.success(), "exit {:?}", out.status);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let book = sim.book("BTCUSDT").unwrap();
    assert_eq!(v["symbol"], "BTCUSDT");
    assert_eq!(v["last_update_id"].as_u64().unwrap(), book.last_update_id);
    let side = |k: &str| -> Vec<(Fx, Fx)> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    Fx::parse(l[0].as_str().unwrap()).unwrap(),
                    Fx::parse(l[1].as_str().unwrap()).unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(side("bids"), book.bids.top(20));
    assert_eq!(side("asks"), book.asks.top(20));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_symbol_is_a_one_line_error() {
    let sim = common::start_sim(1.0, "").await;
    let out = bin()
        .args([
            "book",
            "NOSUCHCOIN",
            "--testnet",
            "--rest-url",
            &sim.rest_url(),
            "--ws-url",
            &sim.ws_url(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("unknown symbol NOSUCHCOIN") && err.contains("expected"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticker_prints_stats_and_touch() {
    let sim = common::start_sim(5.0, "").await;
    let out = bin()
        .args([
            "ticker",
            "ETHUSDT",
            "--json",
            "--testnet",
            "--rest-url",
            &sim.rest_url(),
            "--ws-url",
            &sim.ws_url(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["symbol"], "ETHUSDT");
    let bid = Fx::parse(v["bid"].as_str().unwrap()).unwrap();
    let ask = Fx::parse(v["ask"].as_str().unwrap()).unwrap();
    assert!(
        bid < ask && bid.to_f64() > 1000.0 && ask.to_f64() < 10_000.0,
        "{bid} {ask}"
    );
    sim.shutdown().await;
}

#[test]
fn unreachable_server_reports_host_and_reason() {
    // Port 1 on loopback: nothing listens there.
    let out = bin()
        .args(["book", "BTCUSDT", "--timeout", "2", "--testnet"])
        .args([
            "--rest-url",
            "http://127.0.0.1:1",
            "--ws-url",
            "ws://127.0.0.1:1",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot reach 127.0.0.1:1"), "{err}");
    assert!(!err.contains("panicked"));
}
