//! The user data stream over the WebSocket API (listenKeys no longer
//! exist): one task holds a `/ws-api/v3` connection, subscribes with
//! `userDataStream.subscribe.signature` (any key type) or, for Ed25519 keys
//! when `logon` is set, `session.logon` + `userDataStream.subscribe`, and
//! emits [`AccountEvent`]s.
//!
//! `StreamUp` follows every successful subscribe; `StreamLost` follows
//! `eventStreamTerminated`, a disconnect or silence. Nothing is replayed by
//! Binance, so the engine reconciles over REST
//! ([`super::signed::SignedClient::reconcile`]) on every `StreamUp` before
//! trading resumes. After `eventStreamTerminated` the task resubscribes on
//! the same connection; after a disconnect it reconnects with jittered
//! backoff. Pings are answered as long as the socket is read, which it
//! always is. The logon and subscribe payloads are never logged.

use super::signed::SignedClient;
use super::wire_account::{parse_ws_api, UserData, WsApiMessage};
use super::ws::backoff_delay;
use crate::trading::account::AccountEvent;
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{sleep, timeout};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Where and how to hold the stream.
#[derive(Clone, Debug)]
pub struct UserStreamSettings {
    /// `wss://ws-api.binance.com:443/ws-api/v3`, or a simulator's.
    pub url: String,
    pub connect_timeout: Duration,
    /// How long to wait for a request's answer.
    pub request_timeout: Duration,
    /// No frame at all (Binance pings every 20 s) for this long = dead.
    pub silence_timeout: Duration,
    pub backoff_initial: Duration,
    pub backoff_max: Duration,
    /// Ed25519 keys: `session.logon` + `userDataStream.subscribe` instead
    /// of `userDataStream.subscribe.signature`.
    pub logon: bool,
}

impl UserStreamSettings {
    pub fn new(url: &str) -> Self {
        UserStreamSettings {
            url: url.to_string(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(10),
            silence_timeout: Duration::from_secs(60),
            backoff_initial: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            logon: false,
        }
    }
}

enum Exit {
    /// The consumer is gone.
    Stop,
    /// Reconnect after backoff; `was_up` says whether StreamUp was sent.
    Lost { reason: String, was_up: bool },
}

/// Runs until `out` is closed.
pub async fn run(
    settings: UserStreamSettings,
    client: SignedClient,
    out: mpsc::Sender<AccountEvent>,
) {
    let mut attempt: u32 = 0;
    let mut rng: u64 = (super::rest::now_ms() as u64) | 1;
    let host = super::rest::host_of(&settings.url);
    loop {
        match session(&settings, &client, &out, &mut attempt).await {
            Exit::Stop => return,
            Exit::Lost { reason, was_up } => {
                tracing::warn!(%host, %reason, "user data stream down");
                if was_up
                    && out
                        .send(AccountEvent::StreamLost {
                            reason: reason.clone(),
                        })
                        .await
                        .is_err()
                {
                    return;
                }
            }
        }
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let r = (rng >> 11) as f64 / (1u64 << 53) as f64;
        let wait = backoff_delay(attempt, settings.backoff_initial, settings.backoff_max, r);
        attempt = attempt.saturating_add(1);
        tokio::select! {
            _ = sleep(wait) => {}
            _ = out.closed() => return,
        }
    }
}

/// A request id unique on this connection.
fn next_id(n: &mut u64) -> String {
    *n += 1;
    format!("tt-uds-{n}")
}

/// Signed WS API params (`apiKey`, `timestamp`, `recvWindow`, `signature`).
fn signed_params(client: &SignedClient) -> serde_json::Value {
    let signer = client.signer();
    let mut p = vec![
        ("apiKey", signer.api_key().to_string()),
        ("recvWindow", client.recv_window_ms().to_string()),
        ("timestamp", client.clock().now_ms().to_string()),
    ];
    let signature = signer.sign_ws(&super::sign::ws_api_payload(&p));
    p.push(("signature", signature));
    let mut m = serde_json::Map::new();
    for (k, v) in p {
        let v = match k {
            "timestamp" | "recvWindow" => v
                .parse::<i64>()
                .map(serde_json::Value::from)
                .unwrap_or(v.into()),
            _ => v.into(),
        };
        m.insert(k.to_string(), v);
    }
    serde_json::Value::Object(m)
}

/// Sends a request and waits for its answer, forwarding any events that
/// arrive meanwhile. `Ok(Err(code, msg))` is a refusal.
async fn request(
    ws: &mut Ws,
    settings: &UserStreamSettings,
    out: &mpsc::Sender<AccountEvent>,
    ids: &mut u64,
    method: &str,
    params: Option<serde_json::Value>,
) -> Result<Result<serde_json::Value, (i64, String)>, String> {
    let id = next_id(ids);
    let mut req = serde_json::json!({"id": id, "method": method});
    if let Some(p) = params {
        req["params"] = p;
    }
    ws.send(Message::Text(req.to_string().into()))
        .await
        .map_err(|e| format!("send failed: {e}"))?;
    let wait = async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(t))) => match parse_ws_api(t.as_str()) {
                    Ok(WsApiMessage::Response {
                        id: rid, result, ..
                    }) if rid == id.as_str() => {
                        return Ok(result.map_err(|e| (e.code, e.msg)));
                    }
                    Ok(WsApiMessage::Event {
                        data: UserData::Event(ev),
                        ..
                    }) => {
                        if out.send(ev).await.is_err() {
                            return Err("consumer gone".to_string());
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "undecodable WebSocket API message"),
                },
                Some(Ok(Message::Ping(_))) => {
                    let _ = ws.flush().await;
                }
                Some(Ok(Message::Close(_))) | None => return Err("connection closed".to_string()),
                Some(Err(e)) => return Err(format!("connection failed: {e}")),
                Some(Ok(_)) => {}
            }
        }
    };
    match timeout(settings.request_timeout, wait).await {
        Ok(r) => r,
        Err(_) => Err(format!(
            "no answer to {method} within {:?}",
            settings.request_timeout
        )),
    }
}

/// Subscribes on an open connection; returns the subscription id.
async fn subscribe(
    ws: &mut Ws,
    settings: &UserStreamSettings,
    client: &SignedClient,
    out: &mpsc::Sender<AccountEvent>,
    ids: &mut u64,
) -> Result<u64, String> {
    let logon = settings.logon && client.signer().is_ed25519();
    let refused = |what: &str, (code, msg): (i64, String)| format!("{what} refused: {code} {msg}");
    let answer = if logon {
        let r = request(
            ws,
            settings,
            out,
            ids,
            "session.logon",
            Some(signed_params(client)),
        )
        .await?;
        if let Err(e) = r {
            if e.0 == -1021 {
                let _ = client.sync_clock().await;
            }
            return Err(refused("session.logon", e));
        }
        request(ws, settings, out, ids, "userDataStream.subscribe", None).await?
    } else {
        let p = signed_params(client);
        request(
            ws,
            settings,
            out,
            ids,
            "userDataStream.subscribe.signature",
            Some(p),
        )
        .await?
    };
    match answer {
        Ok(v) => Ok(v
            .get("subscriptionId")
            .and_then(|s| s.as_u64())
            .unwrap_or(0)),
        Err(e) => {
            if e.0 == -1021 {
                let _ = client.sync_clock().await;
            }
            Err(refused("userDataStream.subscribe", e))
        }
    }
}

async fn session(
    settings: &UserStreamSettings,
    client: &SignedClient,
    out: &mpsc::Sender<AccountEvent>,
    attempt: &mut u32,
) -> Exit {
    let lost = |reason: String, was_up: bool| Exit::Lost { reason, was_up };
    let connect = tokio_tungstenite::connect_async(settings.url.as_str());
    let mut ws = match timeout(settings.connect_timeout, connect).await {
        Ok(Ok((ws, _))) => ws,
        Ok(Err(e)) => return lost(format!("cannot connect: {e}"), false),
        Err(_) => return lost("connect timed out".into(), false),
    };
    let mut ids = 0u64;
    if let Err(reason) = subscribe(&mut ws, settings, client, out, &mut ids).await {
        return lost(reason, false);
    }
    *attempt = 0;
    if out.send(AccountEvent::StreamUp).await.is_err() {
        return Exit::Stop;
    }
    loop {
        let msg = tokio::select! {
            m = timeout(settings.silence_timeout, ws.next()) => m,
            _ = out.closed() => return Exit::Stop,
        };
        let msg = match msg {
            Err(_) => return lost(format!("silent for {:?}", settings.silence_timeout), true),
            Ok(None) | Ok(Some(Ok(Message::Close(_)))) => {
                return lost("connection closed".into(), true)
            }
            Ok(Some(Err(e))) => return lost(format!("connection failed: {e}"), true),
            Ok(Some(Ok(m))) => m,
        };
        match msg {
            Message::Text(t) => match parse_ws_api(t.as_str()) {
                Ok(WsApiMessage::Event {
                    data: UserData::Event(ev),
                    ..
                }) => {
                    if out.send(ev).await.is_err() {
                        return Exit::Stop;
                    }
                }
                Ok(WsApiMessage::Event {
                    data: UserData::Terminated { .. },
                    ..
                }) => {
                    let reason = "eventStreamTerminated".to_string();
                    if out.send(AccountEvent::StreamLost { reason }).await.is_err() {
                        return Exit::Stop;
                    }
                    if let Err(reason) = subscribe(&mut ws, settings, client, out, &mut ids).await {
                        return lost(reason, false);
                    }
                    if out.send(AccountEvent::StreamUp).await.is_err() {
                        return Exit::Stop;
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "undecodable user data message"),
            },
            // tungstenite queued the pong; push it out.
            Message::Ping(_) => match ws.flush().await {
                Ok(()) => {}
                Err(e) => {
                    return lost(
                        format!("connection failed while answering a ping: {e}"),
                        true,
                    )
                }
            },
            _ => {}
        }
    }
}
