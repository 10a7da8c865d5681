//! The market-data stream connection: one combined-stream WebSocket per
//! mode (`<base>/stream?streams=a/b/c`), kept alive for as long as the
//! program runs.
//!
//! It reconnects with jittered exponential backoff; proactively before
//! Binance's 24 h limit and at once on `serverShutdown`; and when the socket
//! goes silent for `silence_timeout` (TCP open but no data). Pings are
//! answered by tungstenite as long as the socket is read, which this task
//! does continuously. Stream changes (symbol switch) are sent as
//! UNSUBSCRIBE/SUBSCRIBE on the live socket.

use super::wire::{self, StreamEvent};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{sleep, sleep_until, Instant};
use tokio_tungstenite::tungstenite::Message;

/// Timing knobs (from `[network]` in the config).
#[derive(Clone, Debug)]
pub struct StreamSettings {
    pub base_url: String,
    pub connect_timeout: Duration,
    pub silence_timeout: Duration,
    pub max_age: Duration,
    pub backoff_initial: Duration,
    pub backoff_max: Duration,
}

/// What the connection reports to the engine.
#[derive(Debug)]
pub enum WsEvent {
    Connecting {
        attempt: u32,
    },
    /// A new connection is up; anything stateful (the book) must resync.
    Connected,
    /// A decoded message with its local receive time (ms).
    Message {
        event: StreamEvent,
        recv_ms: i64,
    },
    /// The connection is down; the next attempt is in `retry_in`.
    Down {
        host: String,
        reason: String,
        retry_in: Duration,
        attempt: u32,
    },
}

/// Requests to the connection task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsCommand {
    /// Replace the subscribed stream set.
    SetStreams(Vec<String>),
}

/// The stream names for one symbol (lower-case, as Binance requires).
pub fn market_streams(symbol: &str, interval: crate::domain::Interval) -> Vec<String> {
    let s = symbol.to_lowercase();
    vec![
        format!("{s}@depth@100ms"),
        format!("{s}@bookTicker"),
        format!("{s}@trade"),
        format!("{s}@kline_{}", interval.as_str()),
        format!("{s}@ticker"),
    ]
}

/// Backoff with "equal jitter": half fixed, half random, doubling per
/// attempt up to the cap, so many clients do not reconnect in lockstep.
pub fn backoff_delay(attempt: u32, initial: Duration, max: Duration, rand01: f64) -> Duration {
    let exp = initial.as_millis() as f64 * 2f64.powi(attempt.min(20) as i32);
    let capped = exp.min(max.as_millis() as f64);
    Duration::from_millis((capped / 2.0 + capped / 2.0 * rand01.clamp(0.0, 1.0)) as u64)
}

/// Small PRNG for jitter (no need for a crate).
fn jitter(state: &mut u64) -> f64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    (*state >> 11) as f64 / (1u64 << 53) as f64
}

enum Exit {
    /// Reconnect at once (serverShutdown, max age, stream change while
    /// disconnected).
    Now(String),
    /// Reconnect after backoff.
    Failed(String),
    /// The engine is gone.
    Stop,
}

/// Runs until `cmd_rx` is closed or `out` is dropped.
pub async fn run(
    settings: StreamSettings,
    mut streams: Vec<String>,
    mut cmd_rx: mpsc::Receiver<WsCommand>,
    out: mpsc::Sender<WsEvent>,
) {
    let host = super::rest::host_of(&settings.base_url);
    let mut attempt: u32 = 0;
    let mut rng: u64 = (crate::exchange::rest::now_ms() as u64) | 1;
    loop {
        if out
            .send(WsEvent::Connecting {
                attempt: attempt + 1,
            })
            .await
            .is_err()
        {
            return;
        }
        let exit =
            connect_and_serve(&settings, &mut streams, &mut cmd_rx, &out, &mut attempt).await;
        let reason = match exit {
            Exit::Stop => return,
            Exit::Now(reason) => {
                tracing::info!(%host, %reason, "reconnecting market streams");
                continue;
            }
            Exit::Failed(reason) => reason,
        };
        let delay = backoff_delay(
            attempt,
            settings.backoff_initial,
            settings.backoff_max,
            jitter(&mut rng),
        );
        attempt = attempt.saturating_add(1);
        tracing::warn!(%host, %reason, retry_in_ms = delay.as_millis() as u64, "market stream down");
        if out
            .send(WsEvent::Down {
                host: host.clone(),
                reason,
                retry_in: delay,
                attempt,
            })
            .await
            .is_err()
        {
            return;
        }
        // Wait out the backoff, still taking stream changes.
        let until = Instant::now() + delay;
        loop {
            tokio::select! {
                _ = sleep_until(until) => break,
                cmd = cmd_rx.recv() => match cmd {
                    Some(WsCommand::SetStreams(s)) => streams = s,
                    None => return,
                },
            }
        }
    }
}

fn stream_url(base: &str, streams: &[String]) -> String {
    format!(
        "{}/stream?streams={}",
        base.trim_end_matches('/'),
        streams.join("/")
    )
}

async fn connect_and_serve(
    settings: &StreamSettings,
    streams: &mut Vec<String>,
    cmd_rx: &mut mpsc::Receiver<WsCommand>,
    out: &mpsc::Sender<WsEvent>,
    attempt: &mut u32,
) -> Exit {
    let url = stream_url(&settings.base_url, streams);
    let connect = tokio_tungstenite::connect_async(url.as_str());
    let ws = match tokio::time::timeout(settings.connect_timeout, connect).await {
        Err(_) => {
            return Exit::Failed(format!(
                "connect timed out after {}s",
                settings.connect_timeout.as_secs()
            ))
        }
        Ok(Err(e)) => return Exit::Failed(describe_ws_error(&e)),
        Ok(Ok((ws, _resp))) => ws,
    };
    if out.send(WsEvent::Connected).await.is_err() {
        return Exit::Stop;
    }
    tracing::info!(streams = streams.len(), "market streams connected");
    let (mut sink, mut source) = ws.split();
    let born = Instant::now();
    let mut last_data = Instant::now();
    let mut next_id: i64 = 1;
    let mut got_data = false;
    loop {
        let silence_deadline = last_data + settings.silence_timeout;
        let age_deadline = born + settings.max_age;
        tokio::select! {
            msg = source.next() => {
                let msg = match msg {
                    None => return Exit::Failed("connection closed".into()),
                    Some(Err(e)) => return Exit::Failed(describe_ws_error(&e)),
                    Some(Ok(m)) => m,
                };
                match msg {
                    Message::Text(text) => {
                        last_data = Instant::now();
                        if !got_data {
                            got_data = true;
                            *attempt = 0;
                        }
                        let recv_ms = crate::exchange::rest::now_ms();
                        match wire::parse_stream(text.as_str()) {
                            Ok(StreamEvent::ServerShutdown { .. }) => {
                                return Exit::Now("server announced shutdown".into());
                            }
                            Ok(StreamEvent::Error { code, msg }) => {
                                tracing::warn!(code, %msg, "stream error message");
                            }
                            Ok(event) => {
                                if out.send(WsEvent::Message { event, recv_ms }).await.is_err() {
                                    return Exit::Stop;
                                }
                            }
                            Err(e) => tracing::warn!(error = %e, "undecodable stream message"),
                        }
                    }
                    Message::Close(frame) => {
                        let why = frame.map(|f| format!("closed by server: {} {}", u16::from(f.code), f.reason)).unwrap_or_else(|| "closed by server".into());
                        return Exit::Failed(why);
                    }
                    // Pings are answered by tungstenite on the next read/flush.
                    _ => {
                        if let Err(e) = sink.flush().await {
                            return Exit::Failed(describe_ws_error(&e));
                        }
                    }
                }
            }
            cmd = cmd_rx.recv() => {
                let Some(WsCommand::SetStreams(new)) = cmd else { return Exit::Stop };
                let old: Vec<String> = streams.iter().filter(|s| !new.contains(s)).cloned().collect();
                let add: Vec<String> = new.iter().filter(|s| !streams.contains(s)).cloned().collect();
                *streams = new;
                for (method, params) in [("UNSUBSCRIBE", old), ("SUBSCRIBE", add)] {
                    if params.is_empty() { continue; }
                    let req = serde_json::json!({"method": method, "params": params, "id": next_id});
                    next_id += 1;
                    if let Err(e) = sink.send(Message::text(req.to_string())).await {
                        return Exit::Failed(describe_ws_error(&e));
                    }
                    // Binance allows 5 incoming messages per second.
                    sleep(Duration::from_millis(250)).await;
                }
            }
            _ = sleep_until(silence_deadline) => {
                return Exit::Failed(format!("no data for {}s", settings.silence_timeout.as_secs()));
            }
            _ = sleep_until(age_deadline) => {
                let _ = sink.send(Message::Close(None)).await;
                return Exit::Now("connection age limit reached".into());
            }
        }
    }
}

fn describe_ws_error(e: &tokio_tungstenite::tungstenite::Error) -> String {
    use tokio_tungstenite::tungstenite::Error as E;
    match e {
        E::Io(io) => {
            let mut cur: &dyn std::error::Error = io;
            while let Some(n) = cur.source() {
                cur = n;
            }
            cur.to_string()
        }
        E::Http(resp) => format!("HTTP {} on upgrade", resp.status()),
        E::ConnectionClosed | E::AlreadyClosed => "connection closed".into(),
        E::Protocol(p) => format!("protocol error: {p}"),
        other => other.to_string(),
    }
    .lines()
    .next()
    .unwrap_or("")
    .chars()
    .take(120)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        let i = Duration::from_millis(500);
        let m = Duration::from_millis(30_000);
        assert_eq!(backoff_delay(0, i, m, 1.0), Duration::from_millis(500));
        assert_eq!(backoff_delay(0, i, m, 0.0), Duration::from_millis(250));
        assert_eq!(backoff_delay(3, i, m, 1.0), Duration::from_millis(4000));
        assert_eq!(backoff_delay(30, i, m, 1.0), m);
        assert!(backoff_delay(30, i, m, 0.0) >= m / 2);
    }

    #[test]
    fn stream_names_and_url() {
        let s = market_streams("BTCUSDT", crate::domain::Interval::M5);
        assert_eq!(s[0], "btcusdt@depth@100ms");
        assert!(s.contains(&"btcusdt@kline_5m".to_string()));
        assert_eq!(
            stream_url("wss://x:9443/", &s[..2]),
            "wss://x:9443/stream?streams=btcusdt@depth@100ms/btcusdt@bookTicker"
        );
    }
}
