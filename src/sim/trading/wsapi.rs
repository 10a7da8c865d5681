//! `/ws-api/v3`: the WebSocket API's request/response protocol
//! (`{"id","method","params"}` -> `{"id","status","result"|"error"}`) for
//! the user data stream: `session.logon` (Ed25519 keys), `session.status`,
//! `session.logout`, `userDataStream.subscribe` (after logon),
//! `userDataStream.subscribe.signature` (any key type),
//! `userDataStream.unsubscribe`, `session.subscriptions`, `ping`, `time`.
//! Events arrive as `{"subscriptionId":N,"event":{...}}`. The server pings
//! like the stream endpoint and drops a client that stops answering.

use super::super::clock::wall_ms;
use super::super::driver::Shared;
use super::json::{self, ws_err, ws_ok};
use super::types::{AccountId, Reject};
use super::Trading;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tokio_tungstenite::WebSocketStream;

/// One WS API connection's state.
struct Session {
    conn: u64,
    connected_since: i64,
    /// Account, logon time and API key after `session.logon`.
    logon: Option<(AccountId, i64, String)>,
    next_sub: u64,
    tx: mpsc::UnboundedSender<String>,
}

fn err(id: &str, r: Reject) -> String {
    ws_err(id, r.status, r.code, &r.msg)
}

impl Session {
    fn handle(&mut self, text: &str, shared: &Shared, t: &Trading) -> String {
        let v: Value = match serde_json::from_str(text) {
            Ok(v @ Value::Object(_)) => v,
            _ => return ws_err("null", 400, -1000, "Malformed request: not a JSON object."),
        };
        let id = v.get("id").cloned().unwrap_or(Value::Null).to_string();
        let params = v
            .get("params")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let server = shared.faults.server_time_ms();
        let method = v.get("method").and_then(Value::as_str).unwrap_or("");
        match method {
            "ping" => ws_ok(&id, "{}"),
            "time" => ws_ok(&id, &format!(r#"{{"serverTime":{server}}}"#)),
            "session.logon" => match t.keys().verify_ws(&params, server) {
                Ok((_, false)) => ws_err(&id, 400, -4056, "HMAC_SHA256 API key is not supported."),
                Ok((account, true)) => {
                    let key = params.get("apiKey").and_then(Value::as_str).unwrap_or("");
                    self.logon = Some((account, server, key.to_string()));
                    ws_ok(&id, &self.status(server, t))
                }
                Err(r) => err(&id, r),
            },
            "session.status" => ws_ok(&id, &self.status(server, t)),
            "session.logout" => {
                self.logon = None;
                ws_ok(&id, &self.status(server, t))
            }
            "userDataStream.subscribe" => match self.logon.as_ref().map(|l| l.0) {
                None => ws_err(
                    &id,
                    401,
                    -1002,
                    "You are not authorized to execute this request.",
                ),
                Some(account) => self.subscribe(&id, account, t),
            },
            "userDataStream.subscribe.signature" => match t.keys().verify_ws(&params, server) {
                Ok((account, _)) => self.subscribe(&id, account, t),
                Err(r) => err(&id, r),
            },
            "userDataStream.unsubscribe" => {
                let which = params.get("subscriptionId").and_then(Value::as_u64);
                let gone = t.unsubscribe(self.conn, which);
                if which.is_some() && gone.is_empty() {
                    ws_err(&id, 400, -2036, "User Data Stream subscription not active.")
                } else {
                    ws_ok(&id, "{}")
                }
            }
            "session.subscriptions" => {
                let ids: Vec<String> = t
                    .subscriptions_of(self.conn)
                    .into_iter()
                    .map(|s| format!(r#"{{"subscriptionId":{s}}}"#))
                    .collect();
                ws_ok(&id, &format!("[{}]", ids.join(",")))
            }
            "" => ws_err(
                &id,
                400,
                -1102,
                "Mandatory parameter 'method' was not sent, was empty/null, or malformed.",
            ),
            m => ws_err(&id, 400, -1000, &format!("Unknown method '{m}'.")),
        }
    }

    /// `session.logon` / `session.status` / `session.logout` result.
    fn status(&self, server: i64, t: &Trading) -> String {
        let logon = self.logon.as_ref();
        let subscribed = logon.map(|l| t.subscription_of(self.conn, l.0).is_some());
        let null = || "null".to_string();
        json::Obj::default()
            .raw(
                "apiKey",
                logon.map(|l| json::string(&l.2)).unwrap_or_else(null),
            )
            .raw(
                "authorizedSince",
                logon.map(|l| l.1.to_string()).unwrap_or_else(null),
            )
            .raw("connectedSince", self.connected_since)
            .raw("returnRateLimits", false)
            .raw("serverTime", server)
            .raw(
                "userDataStream",
                subscribed.map(|s| s.to_string()).unwrap_or_else(null),
            )
            .done()
    }

    fn subscribe(&mut self, id: &str, account: AccountId, t: &Trading) -> String {
        if t.subscription_of(self.conn, account).is_some() {
            return ws_err(
                id,
                400,
                -2035,
                "User Data Stream subscription already active.",
            );
        }
        let sub = self.next_sub;
        self.next_sub += 1;
        t.subscribe(account, self.conn, sub, self.tx.clone());
        ws_ok(id, &format!(r#"{{"subscriptionId":{sub}}}"#))
    }
}

/// Serves one `/ws-api/v3` connection until it closes.
pub async fn serve(ws: WebSocketStream<TcpStream>, shared: Arc<Shared>, t: Arc<Trading>) {
    shared.conn_opened();
    let (tx, mut events) = mpsc::unbounded_channel();
    let mut s = Session {
        conn: t.new_conn_id(),
        connected_since: wall_ms(),
        logon: None,
        next_sub: 0,
        tx,
    };
    let (mut sink, mut source) = ws.split();
    let mut stop = shared.stop.clone();
    let mut terminate = shared.faults.trade().terminations();
    let period = shared.tuning.ping_interval;
    let mut ping = tokio::time::interval_at(Instant::now() + period, period);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut unanswered: Option<Instant> = None;
    loop {
        tokio::select! {
            _ = stop.changed() => {
                let _ = sink.close().await;
                break;
            }
            m = source.next() => match m {
                Some(Ok(Message::Text(text))) => {
                    let reply = s.handle(text.as_str(), &shared, &t);
                    if sink.send(Message::Text(reply.into())).await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Pong(_))) => unanswered = None,
                Some(Ok(Message::Ping(_))) => {
                    if sink.flush().await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            Some(text) = events.recv() => {
                if sink.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
            r = terminate.recv() => {
                if r.is_err() {
                    continue;
                }
                // Whatever was already queued goes first.
                let mut failed = false;
                while let Ok(text) = events.try_recv() {
                    failed |= sink.feed(Message::Text(text.into())).await.is_err();
                }
                for sub in t.unsubscribe(s.conn, None) {
                    let ev = json::wrapped(sub, &json::stream_terminated(wall_ms()));
                    failed |= sink.feed(Message::Text(ev.into())).await.is_err();
                }
                tracing::info!(conn = s.conn, "sim fault: user data stream terminated");
                if failed || sink.flush().await.is_err() {
                    break;
                }
            }
            _ = ping.tick() => {
                if unanswered.is_some_and(|t| t.elapsed() >= shared.tuning.pong_timeout) {
                    tracing::info!(conn = s.conn, "sim ws-api: no pong, disconnecting");
                    break;
                }
                let payload = Bytes::from(wall_ms().to_string());
                if sink.send(Message::Ping(payload)).await.is_err() {
                    break;
                }
                unanswered.get_or_insert_with(Instant::now);
            }
        }
    }
    t.unsubscribe(s.conn, None);
    drop((sink, source));
    shared.conn_closed();
}
