//! WebSocket streams of the simulator: every stream kind decodes with the
//! client's `wire::parse_stream`, live control messages, raw vs combined
//! envelopes, server pings and the disconnection rules.

mod sim_common;

use sim_common::*;
use std::collections::HashSet;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tradeterm::domain::Interval;
use tradeterm::exchange::wire::{self, StreamEvent};
use tradeterm::sim::SimTuning;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn combined_stream_delivers_every_kind() {
    let h = start(20.0, "").await;
    let streams = "btcusdt@depth@100ms/btcusdt@depth/btcusdt@bookTicker/btcusdt@trade/\
                   btcusdt@aggTrade/btcusdt@kline_1s/btcusdt@kline_1m/btcusdt@ticker";
    let mut ws = ws(&h, &format!("/stream?streams={streams}")).await;
    let mut seen = HashSet::new();
    let mut closed_kline = false;
    while seen.len() < 8 || !closed_kline {
        let t = text(&mut ws).await;
        let v: serde_json::Value = serde_json::from_str(&t).unwrap();
        let stream = v["stream"].as_str().expect("combined envelope").to_string();
        let ev = wire::parse_stream(&t).unwrap_or_else(|e| panic!("{t}: {e}"));
        match (&ev, stream.as_str()) {
            (StreamEvent::Depth(d), _) => {
                assert!(d.first_id <= d.final_id && d.symbol == "BTCUSDT");
                assert!(d.event_time > 1_700_000_000_000, "E is wall-clock ms");
            }
            (StreamEvent::BookTicker(b), _) => assert!(b.bid < b.ask && b.update_id > 0),
            (StreamEvent::Trade(tr), "btcusdt@aggTrade") => assert!(tr.id > 0),
            (StreamEvent::Trade(tr), _) => assert!(tr.id > 3_000_000_000 && tr.qty.0 > 0),
            (
                StreamEvent::Kline {
                    interval, kline, ..
                },
                _,
            ) => {
                assert!(matches!(interval, Interval::S1 | Interval::M1));
                assert!(kline.low <= kline.high);
                closed_kline |= kline.closed;
            }
            (StreamEvent::Ticker(tk), _) => assert!(tk.trades > 0 && tk.last.0 > 0),
            other => panic!("unexpected {other:?}"),
        }
        if v["data"].get("e").is_none() {
            assert_eq!(stream, "btcusdt@bookTicker", "only bookTicker lacks e");
            assert!(v["data"].get("E").is_none());
        }
        seen.insert(stream);
    }
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_list_and_unsubscribe_on_a_live_socket() {
    let h = start(20.0, "").await;
    let mut ws = ws(&h, "/ws").await;
    send(
        &mut ws,
        r#"{"method":"SUBSCRIBE","params":["btcusdt@trade","BTCUSDT@bookTicker"],"id":1}"#,
    )
    .await;
    assert_eq!(text(&mut ws).await, r#"{"result":null,"id":1}"#);
    // Raw payloads (no envelope) on /ws.
    let mut kinds = HashSet::new();
    while kinds.len() < 2 {
        let t = text(&mut ws).await;
        assert!(!t.contains("\"stream\""), "raw payload: {t}");
        match wire::parse_stream(&t).unwrap() {
            StreamEvent::Trade(_) => kinds.insert("trade"),
            StreamEvent::BookTicker(_) => kinds.insert("bookTicker"),
            other => panic!("{other:?}"),
        };
    }
    send(&mut ws, r#"{"method":"LIST_SUBSCRIPTIONS","id":"q2"}"#).await;
    let reply = loop {
        let t = text(&mut ws).await;
        if t.contains("\"id\":\"q2\"") {
            break t;
        }
    };
    let v: serde_json::Value = serde_json::from_str(&reply).unwrap();
    assert_eq!(
        v["result"],
        serde_json::json!(["btcusdt@trade", "btcusdt@bookTicker"])
    );

    send(
        &mut ws,
        r#"{"method":"UNSUBSCRIBE","params":["btcusdt@trade","btcusdt@bookTicker"],"id":3}"#,
    )
    .await;
    send(
        &mut ws,
        r#"{"method":"SUBSCRIBE","params":["ethusdt@depth@100ms"],"id":4}"#,
    )
    .await;
    loop {
        let t = text(&mut ws).await;
        if t.contains("\"id\":4") {
            break;
        }
    }
    // After the server handled both requests only ETH diffs may arrive.
    for _ in 0..20 {
        match event(&mut ws).await {
            StreamEvent::Depth(d) => assert_eq!(d.symbol, "ETHUSDT"),
            other => panic!("unsubscribed stream still flowing: {other:?}"),
        }
    }
    send(
        &mut ws,
        r#"{"method":"SET_PROPERTY","params":["combined",true],"id":5}"#,
    )
    .await;
    let mut wrapped = false;
    for _ in 0..200 {
        let t = text(&mut ws).await;
        if t.starts_with(r#"{"stream":"ethusdt@depth@100ms""#) {
            wrapped = true;
            break;
        }
    }
    assert!(wrapped, "combined property wraps payloads");
    send(&mut ws, r#"{"method":"NOPE","id":6}"#).await;
    send(&mut ws, r#"not json"#).await;
    let mut errors = Vec::new();
    while errors.len() < 2 {
        if let StreamEvent::Error { code, .. } = event(&mut ws).await {
            errors.push(code);
        }
    }
    assert_eq!(errors, vec![2, 3]);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_path_streams_and_server_pings() {
    let tuning = SimTuning {
        ping_interval: Duration::from_millis(50),
        ..SimTuning::default()
    };
    let h = start_tuned(5.0, "", tuning).await;
    let mut ws = ws(&h, "/ws/ethusdt@bookTicker").await;
    let mut pings = 0;
    let mut tickers = 0;
    within("pings and data", async {
        use futures_util::StreamExt;
        while pings < 2 || tickers < 5 {
            match ws.next().await.unwrap().unwrap() {
                tungstenite::Message::Ping(p) => {
                    assert!(!p.is_empty());
                    pings += 1;
                }
                tungstenite::Message::Text(t) => {
                    assert!(matches!(wire::parse_stream(&t).unwrap(), StreamEvent::BookTicker(b) if b.symbol == "ETHUSDT"));
                    tickers += 1;
                }
                other => panic!("{other:?}"),
            }
        }
    })
    .await;
    h.shutdown().await;
}

/// Speaks just enough WebSocket to open a socket, then never answers.
async fn silent_client(h: &tradeterm::sim::SimHandle, path: &str) -> tokio::net::TcpStream {
    let mut s = tokio::net::TcpStream::connect(h.addr()).await.unwrap();
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut b = [0u8; 1];
        s.read_exact(&mut b).await.unwrap();
        head.push(b[0]);
    }
    let head = String::from_utf8(head).unwrap();
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(
        head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        "{head}"
    );
    s
}

/// Reads raw bytes until the server closes the TCP connection.
async fn until_eof(s: &mut tokio::net::TcpStream) -> usize {
    within("server closes the socket", async {
        let mut total = 0;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return total,
                Ok(n) => total += n,
            }
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_pings_close_the_connection() {
    let tuning = SimTuning {
        ping_interval: Duration::from_millis(30),
        pong_timeout: Duration::from_millis(150),
        ..SimTuning::default()
    };
    let h = start_tuned(1.0, "", tuning).await;
    let mut s = silent_client(&h, "/ws").await;
    let bytes = until_eof(&mut s).await;
    assert!(bytes > 0, "pings were sent before giving up");
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_disconnected() {
    let tuning = SimTuning {
        bus_capacity: 64,
        ..SimTuning::default()
    };
    let h = start_tuned(200.0, "", tuning).await;
    let path =
        "/stream?streams=btcusdt@depth@100ms/btcusdt@bookTicker/btcusdt@trade/ethusdt@bookTicker";
    let mut s = silent_client(&h, path).await;
    // Let the socket buffers fill and the bus overrun this reader.
    within("sim drops the slow reader", async {
        while !h.faults().stream_connections().is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    until_eof(&mut s).await;
    h.shutdown().await;
}
