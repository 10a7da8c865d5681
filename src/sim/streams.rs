//! Market-data WebSocket connections: subscriptions (URL and live
//! SUBSCRIBE/UNSUBSCRIBE/LIST_SUBSCRIPTIONS/SET_PROPERTY/GET_PROPERTY), raw
//! or combined envelopes, server pings with a pong deadline, disconnection
//! of clients too slow for the bus, and the per-connection faults.

use super::bus::BusMsg;
use super::clock::wall_ms;
use super::driver::Shared;
use super::faults::ConnFault;
use super::json;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tokio_tungstenite::WebSocketStream;

/// Messages written per flush when the client keeps up.
const BATCH: usize = 256;

/// What the URL asked for: `/ws`, `/ws/<a>/<b>` (raw) or
/// `/stream?streams=a/b` (combined).
#[derive(Debug)]
pub struct StreamPath {
    combined: bool,
    streams: Vec<String>,
}

impl StreamPath {
    pub fn parse(path: &str, params: &[(String, String)]) -> Option<StreamPath> {
        let split = |s: &str| {
            s.split('/')
                .filter(|s| !s.is_empty())
                .map(normalize)
                .collect()
        };
        if path == "/ws" || path == "/ws/" {
            return Some(StreamPath {
                combined: false,
                streams: Vec::new(),
            });
        }
        if let Some(rest) = path.strip_prefix("/ws/") {
            return Some(StreamPath {
                combined: false,
                streams: split(rest),
            });
        }
        if path == "/stream" || path == "/stream/" {
            let streams = params
                .iter()
                .find(|(k, _)| k == "streams")
                .map(|(_, v)| split(v))
                .unwrap_or_default();
            return Some(StreamPath {
                combined: true,
                streams,
            });
        }
        None
    }
}

/// Stream names are lowercase in the symbol part (`BTCUSDT@kline_1M` ->
/// `btcusdt@kline_1M`; `1M` is a month, `1m` a minute).
pub fn normalize(name: &str) -> String {
    match name.split_once('@') {
        Some((sym, rest)) => format!("{}@{rest}", sym.to_ascii_lowercase()),
        None => name.to_ascii_lowercase(),
    }
}

/// Diff-depth streams (not the partial `@depth5` ones) are what `gap` hits.
fn is_diff(stream: &str) -> bool {
    stream.ends_with("@depth")
        || stream.ends_with("@depth@100ms")
        || stream.ends_with("@depth@1000ms")
}

/// How a connection ended.
enum End {
    /// Close TCP without a close frame.
    Drop,
    /// `serverShutdown`, then a close frame.
    Shutdown,
    /// The client closed or the socket failed.
    Gone,
}

/// One stream connection.
pub struct Conn {
    id: u64,
    faults: mpsc::UnboundedReceiver<ConnFault>,
    rx: broadcast::Receiver<Arc<BusMsg>>,
    combined: bool,
    subs: Vec<String>,
    set: HashSet<String>,
    skips: HashMap<String, u32>,
    pending_gap: u32,
}

impl Conn {
    /// Registers the connection (bus, faults, interest) before the 101.
    pub fn open(shared: &Shared, path: StreamPath) -> Conn {
        let (id, faults) = shared.faults.register();
        shared.conn_opened();
        let mut c = Conn {
            id,
            faults,
            rx: shared.bus.subscribe(),
            combined: path.combined,
            subs: Vec::new(),
            set: HashSet::new(),
            skips: HashMap::new(),
            pending_gap: 0,
        };
        for s in path.streams {
            c.subscribe(shared, s);
        }
        c
    }

    pub fn close(self, shared: &Shared) {
        for s in &self.subs {
            shared.bus.remove_interest(s);
        }
        shared.faults.unregister(self.id);
        shared.conn_closed();
    }

    fn subscribe(&mut self, shared: &Shared, s: String) -> bool {
        if self.set.contains(&s) {
            return true;
        }
        if self.set.len() >= shared.tuning.max_streams {
            return false;
        }
        if is_diff(&s) && self.pending_gap > 0 {
            self.skips.insert(s.clone(), self.pending_gap);
        }
        shared.bus.add_interest(&s);
        self.set.insert(s.clone());
        self.subs.push(s);
        true
    }

    fn unsubscribe(&mut self, shared: &Shared, s: &str) {
        if self.set.remove(s) {
            self.subs.retain(|x| x != s);
            self.skips.remove(s);
            shared.bus.remove_interest(s);
        }
    }

    fn gap(&mut self, n: u32) {
        let diffs: Vec<&String> = self.subs.iter().filter(|s| is_diff(s)).collect();
        if diffs.is_empty() {
            self.pending_gap += n;
        }
        for s in diffs {
            *self.skips.entry(s.clone()).or_default() += n;
        }
    }

    /// The text frame for a bus message, or `None` if it is not for us (or
    /// withheld by a gap).
    fn frame(&mut self, m: &BusMsg) -> Option<String> {
        if !self.set.contains(&m.stream) {
            return None;
        }
        if let Some(n) = self.skips.get_mut(&m.stream).filter(|n| **n > 0) {
            *n -= 1;
            tracing::debug!(conn = self.id, stream = %m.stream, "sim gap: diff withheld");
            return None;
        }
        Some(if self.combined {
            json::combined(&m.stream, &m.payload)
        } else {
            m.payload.clone()
        })
    }

    /// Handles a control request; returns the reply.
    fn control(&mut self, shared: &Shared, text: &str) -> String {
        let v: Value = match serde_json::from_str(text) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => return json::error(2, "Invalid request: request must be a JSON object"),
            Err(e) => return json::error(3, &format!("Invalid JSON: {e}")),
        };
        let id = v.get("id").cloned().unwrap_or(Value::Null);
        // Field order as Binance writes it.
        let err = |code: i64, msg: &str| {
            format!(r#"{{"code":{code},"msg":{},"id":{id}}}"#, json::string(msg))
        };
        let ok = |result: Value| format!(r#"{{"result":{result},"id":{id}}}"#);
        let params = v
            .get("params")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let names = || -> Option<Vec<String>> {
            params.iter().map(|p| p.as_str().map(normalize)).collect()
        };
        match v.get("method").and_then(Value::as_str) {
            None => err(2, "Invalid request: missing field `method`"),
            Some("SUBSCRIBE") => match names() {
                Some(list) => {
                    for s in list {
                        if !self.subscribe(shared, s) {
                            return err(2, "Invalid request: too many streams");
                        }
                    }
                    ok(Value::Null)
                }
                None => err(2, "Invalid request: stream names must be strings"),
            },
            Some("UNSUBSCRIBE") => match names() {
                Some(list) => {
                    list.iter().for_each(|s| self.unsubscribe(shared, s));
                    ok(Value::Null)
                }
                None => err(2, "Invalid request: stream names must be strings"),
            },
            Some("LIST_SUBSCRIPTIONS") => ok(Value::from(self.subs.clone())),
            Some("SET_PROPERTY") => match (params.first().and_then(Value::as_str), params.get(1)) {
                (Some("combined"), Some(Value::Bool(b))) => {
                    self.combined = *b;
                    ok(Value::Null)
                }
                (Some("combined"), _) => err(1, "Invalid value type: expected Boolean"),
                _ => err(0, "Unknown property"),
            },
            Some("GET_PROPERTY") => match params.first().and_then(Value::as_str) {
                Some("combined") => ok(Value::Bool(self.combined)),
                _ => err(0, "Unknown property"),
            },
            Some(m) => err(
                2,
                &format!(
                    "Invalid request: unknown variant `{m}`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, \
                     `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`"
                ),
            ),
        }
    }

    /// Serves the connection until it ends, then unregisters it.
    pub async fn run(mut self, ws: WebSocketStream<TcpStream>, shared: &Shared) {
        let (mut sink, mut source) = ws.split();
        let mut stop = shared.stop.clone();
        let period = shared.tuning.ping_interval;
        let mut ping = tokio::time::interval_at(Instant::now() + period, period);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut silent_until: Option<Instant> = None;
        let mut unanswered: Option<Instant> = None;
        let end = loop {
            let silent = silent_until.is_some();
            tokio::select! {
                _ = stop.changed() => break End::Shutdown,
                f = self.faults.recv() => match f {
                    Some(ConnFault::Drop) | None => break End::Drop,
                    Some(ConnFault::Shutdown) => break End::Shutdown,
                    Some(ConnFault::Gap(n)) => self.gap(n),
                    Some(ConnFault::Silence(d)) => silent_until = Some(Instant::now() + d),
                },
                _ = tokio::time::sleep_until(silent_until.unwrap_or_else(Instant::now)), if silent => {
                    silent_until = None;
                }
                m = source.next() => match m {
                    Some(Ok(Message::Text(t))) => {
                        let reply = self.control(shared, t.as_str());
                        if !silent && sink.send(Message::Text(reply.into())).await.is_err() {
                            break End::Gone;
                        }
                    }
                    Some(Ok(Message::Pong(_))) => unanswered = None,
                    Some(Ok(Message::Ping(_))) => {
                        // tungstenite queued the pong; push it out.
                        if sink.flush().await.is_err() {
                            break End::Gone;
                        }
                    }
                    Some(Ok(Message::Close(_))) => {
                        let _ = sink.flush().await;
                        break End::Gone;
                    }
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => break End::Gone,
                },
                r = self.rx.recv() => match r {
                    Ok(first) => {
                        if silent {
                            continue;
                        }
                        let mut msg = Some(first);
                        let mut n = 0;
                        let mut failed = false;
                        while let Some(m) = msg.take() {
                            if let Some(text) = self.frame(&m) {
                                if sink.feed(Message::Text(text.into())).await.is_err() {
                                    failed = true;
                                    break;
                                }
                            }
                            n += 1;
                            if n < BATCH {
                                msg = self.rx.try_recv().ok();
                            }
                        }
                        if failed || sink.flush().await.is_err() {
                            break End::Gone;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::info!(conn = self.id, missed = n, "sim: slow stream client disconnected");
                        break End::Drop;
                    }
                    Err(broadcast::error::RecvError::Closed) => break End::Gone,
                },
                _ = ping.tick() => {
                    if silent {
                        continue;
                    }
                    if unanswered.is_some_and(|t| t.elapsed() >= shared.tuning.pong_timeout) {
                        tracing::info!(conn = self.id, "sim: no pong, disconnecting");
                        break End::Drop;
                    }
                    let payload = Bytes::from(wall_ms().to_string());
                    if sink.send(Message::Ping(payload)).await.is_err() {
                        break End::Gone;
                    }
                    unanswered.get_or_insert_with(Instant::now);
                }
            }
        };
        if let End::Shutdown = end {
            let ev = json::server_shutdown(wall_ms());
            let text = if self.combined {
                json::combined("!serverShutdown", &ev)
            } else {
                ev
            };
            let _ = sink.send(Message::Text(text.into())).await;
            let _ = sink.close().await;
        }
        // Dropping both halves closes the TCP socket (no close frame for
        // `End::Drop`).
        drop((sink, source));
        self.close(shared);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_names() {
        let p = StreamPath::parse("/ws/BTCUSDT@trade/ethusdt@kline_1M", &[]).unwrap();
        assert!(!p.combined);
        assert_eq!(p.streams, vec!["btcusdt@trade", "ethusdt@kline_1M"]);
        let q = vec![(
            "streams".to_string(),
            "btcusdt@depth@100ms/btcusdt@bookTicker".to_string(),
        )];
        let c = StreamPath::parse("/stream", &q).unwrap();
        assert!(c.combined && c.streams.len() == 2);
        assert!(StreamPath::parse("/ws", &[]).unwrap().streams.is_empty());
        assert!(StreamPath::parse("/api/v3/depth", &[]).is_none());
        assert!(is_diff("btcusdt@depth") && is_diff("btcusdt@depth@100ms"));
        assert!(!is_diff("btcusdt@depth5") && !is_diff("btcusdt@depth10@100ms"));
    }
}
