//! User-data events (`executionReport`, `outboundAccountPosition`,
//! `balanceUpdate`, `listStatus`, `eventStreamTerminated`) and WebSocket API
//! frames, in every wrapping Binance has used.

use super::{invalid, order_type, side, tif};
use crate::domain::Millis;
use crate::exchange::wire::{ApiError, WireError};
use crate::trading::account::{AccountEvent, Balance, ExecutionReport};
use crate::trading::order::OrderStatus;
use rust_decimal::Decimal;
use serde::Deserialize;

fn json<'a, T: Deserialize<'a>>(what: &'static str, s: &'a str) -> Result<T, WireError> {
    serde_json::from_str(s).map_err(|source| WireError::Json { what, source })
}

/// One decoded user-data message (moved once to the consumer, so the
/// size of an execution report is not worth a box).
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserData {
    Event(AccountEvent),
    /// `eventStreamTerminated`: the subscription has ended.
    Terminated {
        time: Millis,
    },
    /// An event tradeterm does not use (externalLockUpdate, ...).
    Other(String),
}

#[derive(Deserialize)]
struct RawExec {
    #[serde(rename = "E")]
    event_time: Millis,
    s: String,
    c: String,
    #[serde(rename = "S")]
    side: String,
    o: String,
    f: String,
    q: Decimal,
    p: Decimal,
    #[serde(rename = "P")]
    stop: Decimal,
    g: i64,
    #[serde(rename = "C", default)]
    orig: Option<String>,
    x: String,
    #[serde(rename = "X")]
    status: String,
    r: String,
    i: i64,
    l: Decimal,
    z: Decimal,
    #[serde(rename = "L")]
    last_price: Decimal,
    n: Decimal,
    #[serde(rename = "N", default)]
    fee_asset: Option<String>,
    #[serde(rename = "T")]
    time: Millis,
    t: i64,
    m: bool,
    #[serde(rename = "Z")]
    cum_quote: Decimal,
    #[serde(rename = "Y", default)]
    last_quote: Decimal,
    #[serde(rename = "Q", default)]
    quote_qty: Decimal,
}

fn execution_report(v: &serde_json::Value) -> Result<ExecutionReport, WireError> {
    const WHAT: &str = "executionReport";
    let r = RawExec::deserialize(v).map_err(|source| WireError::Json { what: WHAT, source })?;
    let bad = |f: &str, v: &str| invalid(WHAT, format!("unknown {f} {v:?}"));
    Ok(ExecutionReport {
        symbol: r.s,
        client_order_id: r.c,
        orig_client_order_id: r.orig.filter(|c| !c.is_empty()),
        order_id: r.i,
        order_list_id: r.g,
        side: side(&r.side).ok_or_else(|| bad("side", &r.side))?,
        kind: order_type(&r.o).ok_or_else(|| bad("order type", &r.o))?,
        tif: tif(&r.f),
        qty: r.q,
        price: r.p,
        stop_price: r.stop,
        quote_qty: r.quote_qty,
        exec_type: r.x,
        status: OrderStatus::from_binance(&r.status).ok_or_else(|| bad("status", &r.status))?,
        reject_reason: r.r,
        last_qty: r.l,
        last_price: r.last_price,
        last_quote: r.last_quote,
        cum_qty: r.z,
        cum_quote: r.cum_quote,
        commission: r.n,
        commission_asset: r.fee_asset,
        trade_id: r.t,
        is_maker: r.m,
        transact_time: r.time,
        event_time: r.event_time,
    })
}

/// The order's own client id in an execution report: `C` on cancels
/// (where `c` is the cancel request's id), `c` otherwise.
pub fn report_client_id(r: &ExecutionReport) -> &str {
    match (&r.orig_client_order_id, r.exec_type.as_str()) {
        (Some(orig), "CANCELED") => orig,
        _ => &r.client_order_id,
    }
}

/// Decodes one event object (`{"e":...}`).
pub fn parse_event(v: &serde_json::Value) -> Result<UserData, WireError> {
    #[derive(Deserialize)]
    struct Bal {
        a: String,
        f: Decimal,
        l: Decimal,
    }
    #[derive(Deserialize)]
    struct Pos {
        #[serde(rename = "E")]
        e_time: Millis,
        #[serde(default)]
        u: Option<Millis>,
        #[serde(rename = "B")]
        b: Vec<Bal>,
    }
    #[derive(Deserialize)]
    struct Delta {
        a: String,
        d: Decimal,
        #[serde(rename = "T")]
        t: Millis,
    }
    #[derive(Deserialize)]
    struct List {
        s: String,
        g: i64,
        l: String,
        #[serde(rename = "L")]
        order_status: String,
        #[serde(rename = "C")]
        c: String,
    }
    let kind = v.get("e").and_then(|e| e.as_str()).unwrap_or("");
    let de = |what: &'static str| move |source| WireError::Json { what, source };
    Ok(match kind {
        "executionReport" => UserData::Event(AccountEvent::Execution(execution_report(v)?)),
        "outboundAccountPosition" => {
            let p = Pos::deserialize(v).map_err(de("outboundAccountPosition"))?;
            UserData::Event(AccountEvent::Balances {
                time: p.u.unwrap_or(p.e_time),
                balances: p
                    .b
                    .into_iter()
                    .map(|b| Balance {
                        asset: b.a,
                        free: b.f,
                        locked: b.l,
                    })
                    .collect(),
            })
        }
        "balanceUpdate" => {
            let d = Delta::deserialize(v).map_err(de("balanceUpdate"))?;
            UserData::Event(AccountEvent::BalanceDelta {
                asset: d.a,
                delta: d.d,
                time: d.t,
            })
        }
        "listStatus" => {
            let l = List::deserialize(v).map_err(de("listStatus"))?;
            UserData::Event(AccountEvent::ListStatus {
                symbol: l.s,
                list_client_order_id: l.c,
                order_list_id: l.g,
                list_status: l.l,
                list_order_status: l.order_status,
            })
        }
        "eventStreamTerminated" => UserData::Terminated {
            time: v.get("E").and_then(|e| e.as_i64()).unwrap_or(0),
        },
        other => UserData::Other(other.to_string()),
    })
}

/// A message on the WebSocket API connection.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum WsApiMessage {
    /// The answer to a request (`result` as raw JSON, or the error).
    Response {
        id: serde_json::Value,
        status: u16,
        result: Result<serde_json::Value, ApiError>,
    },
    /// A user-data event of a subscription.
    Event {
        subscription_id: Option<u64>,
        data: UserData,
    },
}

/// Decodes a WS API frame, a wrapped or bare user-data event, or the
/// legacy combined `{"stream","data"}` form.
pub fn parse_ws_api(text: &str) -> Result<WsApiMessage, WireError> {
    let v: serde_json::Value = json("WebSocket API message", text)?;
    if let Some(status) = v.get("status").and_then(|s| s.as_u64()) {
        let id = v.get("id").cloned().unwrap_or(serde_json::Value::Null);
        let result = match v.get("error") {
            Some(e) => Err(ApiError::deserialize(e).map_err(|source| WireError::Json {
                what: "WebSocket API error",
                source,
            })?),
            None => Ok(v.get("result").cloned().unwrap_or(serde_json::Value::Null)),
        };
        return Ok(WsApiMessage::Response {
            id,
            status: status as u16,
            result,
        });
    }
    let (sub, ev) = match (v.get("event"), v.get("data")) {
        (Some(ev), _) => (v.get("subscriptionId").and_then(|s| s.as_u64()), ev),
        (None, Some(data)) => (None, data),
        (None, None) => (None, &v),
    };
    Ok(WsApiMessage::Event {
        subscription_id: sub,
        data: parse_event(ev)?,
    })
}

/// Parses a user-data event in any of its wrappings.
pub fn parse_user_data(text: &str) -> Result<UserData, WireError> {
    match parse_ws_api(text)? {
        WsApiMessage::Event { data, .. } => Ok(data),
        WsApiMessage::Response { .. } => Err(invalid(
            "user data event",
            "a WebSocket API response, not an event".into(),
        )),
    }
}
