//! Helpers shared by the simulator integration tests: a plain loopback
//! client (reqwest + tokio-tungstenite) with bounded waits.
#![allow(dead_code)] // each test crate uses a different subset

use futures_util::{SinkExt, StreamExt};
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tradeterm::exchange::wire::{self, StreamEvent};
use tradeterm::sim::{self, SimConfig, SimHandle, SimTuning};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Upper bound for any single wait; tests fail instead of hanging.
pub const LIMIT: Duration = Duration::from_secs(20);

pub async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f)
        .await
        .unwrap_or_else(|_| panic!("timed out: {what}"))
}

pub async fn start(speed: f64, faults: &str) -> SimHandle {
    start_tuned(speed, faults, SimTuning::default()).await
}

pub async fn start_tuned(speed: f64, faults: &str, tuning: SimTuning) -> SimHandle {
    let cfg = SimConfig {
        port: 0,
        seed: 7,
        speed,
        faults: faults.to_string(),
        keys: None,
    };
    sim::start_with(cfg, tuning).await.expect("sim starts")
}

pub struct Got {
    pub status: u16,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Got {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn weight(&self) -> u32 {
        self.header("x-mbx-used-weight-1m")
            .expect("weight header")
            .parse()
            .expect("numeric weight")
    }

    pub fn code(&self) -> i64 {
        wire::parse_api_error(&self.body)
            .unwrap_or_else(|| panic!("not an error body: {}", self.body))
            .code
    }
}

pub async fn get(h: &SimHandle, path: &str) -> Got {
    let url = format!("{}{path}", h.rest_url());
    let r = within(path, reqwest::get(&url)).await.expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.text().await.expect("body");
    Got {
        status,
        body,
        headers,
    }
}

pub async fn ws(h: &SimHandle, path: &str) -> Ws {
    let url = format!("{}{path}", h.ws_url());
    within(path, tokio_tungstenite::connect_async(url))
        .await
        .expect("ws connects")
        .0
}

/// The next text frame (pings are answered by tungstenite and skipped).
pub async fn text(ws: &mut Ws) -> String {
    within("text frame", async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(t))) => return t.to_string(),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                other => panic!("stream ended: {other:?}"),
            }
        }
    })
    .await
}

/// The next decoded stream event.
pub async fn event(ws: &mut Ws) -> StreamEvent {
    let t = text(ws).await;
    wire::parse_stream(&t).unwrap_or_else(|e| panic!("undecodable {t}: {e}"))
}

pub async fn send(ws: &mut Ws, json: &str) {
    ws.send(Message::Text(json.to_string().into()))
        .await
        .expect("send");
}

/// How a socket ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    CloseFrame,
    NoCloseFrame,
}

/// Reads until the connection ends; returns how, and the text frames seen.
pub async fn read_to_end(ws: &mut Ws) -> (Ending, Vec<String>) {
    within("connection end", async {
        let mut texts = Vec::new();
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(t))) => texts.push(t.to_string()),
                Some(Ok(Message::Close(_))) => return (Ending::CloseFrame, texts),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return (Ending::NoCloseFrame, texts),
            }
        }
    })
    .await
}
