//! Every fault knob does what it says, at run time and from the start-up
//! spec.

mod sim_common;

use sim_common::*;
use std::time::{Duration, Instant};
use tradeterm::domain::DepthUpdate;
use tradeterm::exchange::wire::{self, StreamEvent};
use tradeterm::market::book_sync::{DiffOutcome, ResyncReason, SnapshotOutcome};
use tradeterm::market::BookSync;
use tradeterm::sim::{ConnFault, SimTuning};

async fn next_diff(ws: &mut Ws) -> DepthUpdate {
    loop {
        if let StreamEvent::Depth(d) = event(ws).await {
            return d;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gap_withholds_diffs_but_the_book_moves_on() {
    let h = start(20.0, "").await;
    let mut ws = ws(&h, "/ws/btcusdt@depth@100ms").await;
    let mut prev = next_diff(&mut ws).await;
    for _ in 0..3 {
        let d = next_diff(&mut ws).await;
        assert_eq!(d.first_id, prev.final_id + 1);
        prev = d;
    }
    assert_eq!(h.faults().gap(2), 1, "one open stream connection");
    let jump = within("a gap", async {
        loop {
            let d = next_diff(&mut ws).await;
            if d.first_id > prev.final_id + 1 {
                return (prev.final_id, d);
            }
            prev = d;
        }
    })
    .await;
    assert!(
        h.book("BTCUSDT").unwrap().last_update_id >= jump.1.first_id - 1,
        "the sim applied the withheld ids"
    );
    // The client's own book machinery notices.
    let mut sync = BookSync::new();
    sync.on_diff(DepthUpdate {
        first_id: jump.0,
        final_id: jump.0,
        ..DepthUpdate::default()
    });
    let snap = tradeterm::domain::DepthSnapshot {
        last_update_id: jump.0 - 1,
        ..Default::default()
    };
    assert!(matches!(
        sync.on_snapshot(&snap),
        SnapshotOutcome::Synced { .. }
    ));
    assert!(matches!(
        sync.on_diff(jump.1),
        DiffOutcome::Resync(ResyncReason::Gap { .. })
    ));
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_errors_carry_status_code_and_retry_after() {
    let h = start(1.0, "").await;
    h.faults().rest_error(429, 2, Some(7));
    for _ in 0..2 {
        let r = get(&h, "/api/v3/depth?symbol=BTCUSDT&limit=5").await;
        assert_eq!(
            (r.status, r.code(), r.header("retry-after")),
            (429, -1003, Some("7"))
        );
        assert!(r.header("x-mbx-used-weight-1m").is_some());
    }
    assert_eq!(
        get(&h, "/api/v3/depth?symbol=BTCUSDT&limit=5").await.status,
        200,
        "only K requests fail"
    );

    h.faults().rest_error(418, 1, Some(120));
    let r = get(&h, "/api/v3/time").await;
    assert_eq!(
        (r.status, r.code(), r.header("retry-after")),
        (418, -1003, Some("120"))
    );
    assert!(r.body.contains("IP banned until"));

    h.faults().rest_error(503, 1, None);
    let r = get(&h, "/api/v3/ping").await;
    assert_eq!(
        (r.status, r.code(), r.header("retry-after")),
        (503, -1008, None)
    );
    h.faults().rest_error(500, 1, None);
    assert_eq!(get(&h, "/api/v3/ping").await.status, 500);
    assert_eq!(get(&h, "/api/v3/ping").await.status, 200);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_snapshot_precedes_what_the_client_buffered() {
    let h = start(20.0, "").await;
    let mut ws = ws(&h, "/ws/btcusdt@depth@100ms").await;
    for _ in 0..4 {
        next_diff(&mut ws).await;
    }
    // Treat the next diff as the first one a fresh client buffers.
    let mut sync = BookSync::new();
    let first = next_diff(&mut ws).await;
    let first_u = first.first_id;
    sync.on_diff(first);
    h.faults().stale_snapshots(1);
    let stale = wire::parse_depth_snapshot(
        &get(&h, "/api/v3/depth?symbol=BTCUSDT&limit=1000")
            .await
            .body,
    )
    .unwrap();
    assert!(
        stale.last_update_id + 1 < first_u,
        "{} vs U {first_u}",
        stale.last_update_id
    );
    assert!(!stale.bids.is_empty() && stale.bids[0].0 < stale.asks[0].0);
    assert!(matches!(
        sync.on_snapshot(&stale),
        SnapshotOutcome::Stale { .. }
    ));
    let fresh = wire::parse_depth_snapshot(
        &get(&h, "/api/v3/depth?symbol=BTCUSDT&limit=1000")
            .await
            .body,
    )
    .unwrap();
    assert!(fresh.last_update_id + 1 >= first_u, "only one stale answer");
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delayed_snapshot_arrives_late_and_fresh() {
    let h = start(20.0, "").await;
    h.faults().delay_snapshots(Duration::from_millis(300));
    let before = h.book("BTCUSDT").unwrap().last_update_id;
    let t0 = Instant::now();
    let snap =
        wire::parse_depth_snapshot(&get(&h, "/api/v3/depth?symbol=BTCUSDT&limit=5").await.body)
            .unwrap();
    assert!(
        t0.elapsed() >= Duration::from_millis(300),
        "slept before answering"
    );
    assert!(
        snap.last_update_id > before,
        "the book moved on while the answer waited"
    );
    h.faults().delay_snapshots(Duration::ZERO);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_sockets_end_without_a_close_frame() {
    let h = start(20.0, "").await;
    let mut a = ws(&h, "/ws/btcusdt@trade").await;
    let mut b = ws(&h, "/stream?streams=ethusdt@bookTicker").await;
    text(&mut a).await;
    text(&mut b).await;
    let ids = h.faults().stream_connections();
    assert_eq!(ids.len(), 2);
    // Aimed at one connection: the other keeps streaming.
    assert!(h.faults().send_to(ids[0], ConnFault::Drop));
    assert_eq!(read_to_end(&mut a).await.0, Ending::NoCloseFrame);
    text(&mut b).await;
    // The server forgets the dropped connection when its task ends, which
    // may be just after the client saw the socket close.
    for _ in 0..500 {
        if h.faults().stream_connections().len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(h.faults().drop_streams(), 1);
    assert_eq!(read_to_end(&mut b).await.0, Ending::NoCloseFrame);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silence_stops_data_and_pings_but_keeps_tcp() {
    let tuning = SimTuning {
        ping_interval: Duration::from_millis(20),
        ..SimTuning::default()
    };
    let h = start_tuned(20.0, "", tuning).await;
    let mut ws = ws(&h, "/ws/btcusdt@depth@100ms").await;
    let before = next_diff(&mut ws).await;
    assert_eq!(h.faults().silence(Duration::from_millis(600)), 1);
    let mut last = Instant::now();
    let mut longest = Duration::ZERO;
    let after = within("data after the silence", async {
        use futures_util::StreamExt;
        loop {
            let m = ws
                .next()
                .await
                .expect("socket stays open")
                .expect("no error");
            longest = longest.max(last.elapsed());
            last = Instant::now();
            if let tungstenite::Message::Text(t) = m {
                if let StreamEvent::Depth(d) = wire::parse_stream(&t).unwrap() {
                    if longest >= Duration::from_millis(400) {
                        return d;
                    }
                }
            }
        }
    })
    .await;
    assert!(
        longest >= Duration::from_millis(400),
        "nothing at all (not even pings) for the silence"
    );
    assert!(
        after.first_id > before.final_id + 1,
        "diffs sent during the silence were dropped"
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_shutdown_announces_then_closes() {
    let h = start(20.0, "").await;
    let mut combined = ws(&h, "/stream?streams=btcusdt@trade").await;
    let mut raw = ws(&h, "/ws/btcusdt@trade").await;
    text(&mut combined).await;
    assert_eq!(h.faults().server_shutdown(), 2);
    let (end, texts) = read_to_end(&mut combined).await;
    assert_eq!(end, Ending::CloseFrame);
    let last = texts.last().unwrap();
    assert!(
        last.starts_with(r#"{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":"#),
        "{last}"
    );
    assert!(
        matches!(wire::parse_stream(last).unwrap(), StreamEvent::ServerShutdown { time } if time > 0)
    );
    let (end, texts) = read_to_end(&mut raw).await;
    assert_eq!(end, Ending::CloseFrame);
    assert!(texts
        .last()
        .unwrap()
        .starts_with(r#"{"e":"serverShutdown","E":"#));
    // Stopping the sim says goodbye the same way.
    let mut c = ws(&h, "/ws/ethusdt@trade").await;
    h.shutdown().await;
    let (end, texts) = read_to_end(&mut c).await;
    assert_eq!(end, Ending::CloseFrame);
    assert!(texts.last().unwrap().contains("serverShutdown"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startup_spec_faults_fire_at_start_and_on_schedule() {
    // 2x: the scheduled drop fires 1 s (wall) after start.
    let h = start(2.0, "rest-5xx:2,stale-snapshot,drop@2s").await;
    assert_eq!(get(&h, "/api/v3/ping").await.status, 503);
    assert_eq!(get(&h, "/api/v3/ping").await.status, 503);
    assert_eq!(get(&h, "/api/v3/ping").await.status, 200);
    let mut sock = ws(&h, "/ws/btcusdt@depth@100ms").await;
    let (end, _) = read_to_end(&mut sock).await;
    assert_eq!(end, Ending::NoCloseFrame, "drop@2s");
    assert!(h.sim_time() >= Duration::from_secs(2));
    h.shutdown().await;

    let h = start(10.0, "shutdown@1s").await;
    let mut sock = ws(&h, "/ws/btcusdt@trade").await;
    let (end, texts) = read_to_end(&mut sock).await;
    assert_eq!(end, Ending::CloseFrame);
    assert!(texts.last().unwrap().contains("serverShutdown"));
    h.shutdown().await;

    let err = tradeterm::sim::start(tradeterm::sim::SimConfig {
        faults: "gap,boom".into(),
        ..Default::default()
    })
    .await
    .expect_err("bad spec is refused");
    assert!(err.to_string().contains("\"boom\""), "{err}");
}
