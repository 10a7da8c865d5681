//! A client following Binance's local order book procedure (buffer diffs,
//! fetch a snapshot, apply) against the simulator ends up with exactly the
//! sim's book, across the end of the recording into the seeded model.

mod sim_common;

use sim_common::*;
use std::time::Duration;
use tradeterm::exchange::wire::{self, StreamEvent};
use tradeterm::market::book_sync::{DiffOutcome, SnapshotOutcome};
use tradeterm::market::BookSync;
use tradeterm::sim::SimHandle;

async fn next_diff(ws: &mut Ws) -> tradeterm::domain::DepthUpdate {
    loop {
        if let StreamEvent::Depth(d) = event(ws).await {
            return d;
        }
    }
}

/// Runs the procedure until `done`, then pauses the sim and catches up.
async fn follow(h: &SimHandle, symbol: &str, stream: &str, done: impl Fn(&SimHandle, u64) -> bool) {
    let mut ws = ws(h, &format!("/stream?streams={stream}")).await;
    let mut sync = BookSync::new();
    let mut applied = 0u64;
    loop {
        let d = next_diff(&mut ws).await;
        match sync.on_diff(d) {
            DiffOutcome::Buffered {
                fetch_snapshot: true,
            } => {
                let body = get(h, &format!("/api/v3/depth?symbol={symbol}&limit=5000"))
                    .await
                    .body;
                let snap = wire::parse_depth_snapshot(&body).unwrap();
                let out = sync.on_snapshot(&snap);
                assert!(matches!(out, SnapshotOutcome::Synced { .. }), "{out:?}");
            }
            DiffOutcome::Applied => applied += 1,
            DiffOutcome::Buffered { .. } | DiffOutcome::Ignored => {}
            DiffOutcome::Resync(why) => panic!("the sim broke the sequence: {why}"),
        }
        if sync.is_live() && done(h, applied) {
            break;
        }
    }
    h.pause();
    let target = h.book(symbol).unwrap();
    // The sim is frozen; every diff up to its id is already on the wire.
    while sync.last_update_id() < target.last_update_id {
        let out = sync.on_diff(next_diff(&mut ws).await);
        assert!(
            matches!(out, DiffOutcome::Applied | DiffOutcome::Ignored),
            "{out:?}"
        );
    }
    assert_eq!(sync.last_update_id(), target.last_update_id);
    let mine = sync.book();
    assert_eq!(
        mine.bids.top(1000),
        target.bids.top(1000),
        "bids level for level"
    );
    assert_eq!(
        mine.asks.top(1000),
        target.asks.top(1000),
        "asks level for level"
    );
    // limit=5000 covered the whole book, so the sides match entirely.
    assert_eq!(
        (mine.bids.len(), mine.asks.len()),
        (target.bids.len(), target.asks.len())
    );
    assert!(!mine.is_crossed());
    h.resume();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn procedure_reproduces_the_book_through_replay_and_model() {
    // 100x: the 346 s recording lasts ~3.5 s, then the model takes over.
    let h = start(100.0, "").await;
    follow(&h, "BTCUSDT", "btcusdt@depth@100ms", |h, applied| {
        h.sim_time() > Duration::from_secs(380) && applied > 100
    })
    .await;
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_second_diffs_also_sync_and_pause_flushes_them() {
    let h = start(50.0, "").await;
    follow(&h, "ETHUSDT", "ethusdt@depth", |_, applied| applied >= 15).await;
    h.shutdown().await;
}
