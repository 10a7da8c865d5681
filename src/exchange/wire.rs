//! Serde mirrors of Binance's market-data JSON and the decoders that turn
//! them into domain types. Lenient: unknown fields are ignored, fields that
//! come and go across API versions are optional.

use crate::domain::{
    BookTicker, DepthSnapshot, DepthUpdate, Interval, Kline, Millis, Side, SymbolInfo, Ticker24h,
    Trade,
};
use crate::fixed::Fx;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;

/// A decoding failure, with the payload kind it happened in.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("malformed {what}: {source}")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("unknown kline interval {0:?}")]
    Interval(String),
}

// Declared here rather than in exchange/mod.rs, which the connection code
// owns; the file is src/exchange/fast.rs.
#[path = "fast.rs"]
pub mod fast;

fn json<'a, T: Deserialize<'a>>(what: &'static str, s: &'a str) -> Result<T, WireError> {
    serde_json::from_str(s).map_err(|source| WireError::Json { what, source })
}

/// `[[price, qty], ...]` decoded straight into exact pairs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Levels(pub Vec<(Fx, Fx)>);

impl<'de> Deserialize<'de> for Levels {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct LevelsV;
        impl<'de> Visitor<'de> for LevelsV {
            type Value = Levels;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of [price, quantity] pairs")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Levels, A::Error> {
                let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(16));
                while let Some(Pair(p, q)) = seq.next_element::<Pair>()? {
                    v.push((p, q));
                }
                Ok(Levels(v))
            }
        }
        d.deserialize_seq(LevelsV)
    }
}

/// One `[price, qty]` pair; extra trailing elements are ignored.
struct Pair(Fx, Fx);

impl<'de> Deserialize<'de> for Pair {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PairV;
        impl<'de> Visitor<'de> for PairV {
            type Value = Pair;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a [price, quantity] pair")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Pair, A::Error> {
                let p: Fx = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let q: Fx = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Pair(p, q))
            }
        }
        d.deserialize_seq(PairV)
    }
}

#[derive(Deserialize)]
struct WireDepth<'a> {
    #[serde(rename = "E", default)]
    event_time: Millis,
    #[serde(rename = "s", borrow, default)]
    symbol: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "U")]
    first_id: u64,
    #[serde(rename = "u")]
    final_id: u64,
    #[serde(rename = "b", default)]
    bids: Levels,
    #[serde(rename = "a", default)]
    asks: Levels,
}

#[derive(Deserialize)]
struct WireBookTicker<'a> {
    #[serde(rename = "u")]
    update_id: u64,
    #[serde(rename = "s", borrow)]
    symbol: std::borrow::Cow<'a, str>,
    #[serde(rename = "b")]
    bid: Fx,
    #[serde(rename = "B")]
    bid_qty: Fx,
    #[serde(rename = "a")]
    ask: Fx,
    #[serde(rename = "A")]
    ask_qty: Fx,
}

/// `@trade` (`t`) and `@aggTrade` (`a`) share this shape.
#[derive(Deserialize)]
struct WireTrade<'a> {
    #[serde(rename = "E", default)]
    event_time: Millis,
    #[serde(rename = "s", borrow)]
    symbol: std::borrow::Cow<'a, str>,
    #[serde(rename = "t", default)]
    trade_id: Option<u64>,
    #[serde(rename = "a", default)]
    agg_id: Option<serde_json::Value>,
    #[serde(rename = "p")]
    price: Fx,
    #[serde(rename = "q")]
    qty: Fx,
    #[serde(rename = "T", default)]
    time: Millis,
    #[serde(rename = "m")]
    buyer_is_maker: bool,
}

#[derive(Deserialize)]
struct WireKlineEvent<'a> {
    #[serde(rename = "s", borrow)]
    symbol: std::borrow::Cow<'a, str>,
    #[serde(rename = "k")]
    k: WireKline<'a>,
}

#[derive(Deserialize)]
struct WireKline<'a> {
    #[serde(rename = "t")]
    open_time: Millis,
    #[serde(rename = "T")]
    close_time: Millis,
    #[serde(rename = "i", borrow)]
    interval: std::borrow::Cow<'a, str>,
    #[serde(rename = "o")]
    open: Fx,
    #[serde(rename = "c")]
    close: Fx,
    #[serde(rename = "h")]
    high: Fx,
    #[serde(rename = "l")]
    low: Fx,
    #[serde(rename = "v")]
    volume: Decimal,
    #[serde(rename = "q", default)]
    quote_volume: Decimal,
    #[serde(rename = "n", default)]
    trades: u64,
    #[serde(rename = "x", default)]
    closed: bool,
}

#[derive(Deserialize)]
struct WireTicker<'a> {
    #[serde(rename = "E", default)]
    event_time: Millis,
    #[serde(rename = "s", borrow)]
    symbol: std::borrow::Cow<'a, str>,
    #[serde(rename = "p", default)]
    change: Fx,
    #[serde(rename = "P", default)]
    change_pct: Fx,
    #[serde(rename = "c")]
    last: Fx,
    #[serde(rename = "o", default)]
    open: Fx,
    #[serde(rename = "h", default)]
    high: Fx,
    #[serde(rename = "l", default)]
    low: Fx,
    #[serde(rename = "v", default)]
    volume: Decimal,
    #[serde(rename = "q", default)]
    quote_volume: Decimal,
    #[serde(rename = "n", default)]
    trades: u64,
}

/// A decoded message from a market-data stream connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamEvent {
    Depth(DepthUpdate),
    BookTicker(BookTicker),
    Trade(Trade),
    Kline {
        symbol: String,
        interval: Interval,
        kline: Kline,
    },
    Ticker(Ticker24h),
    /// The server is about to close the connection: reconnect now.
    ServerShutdown {
        time: Millis,
    },
    /// Reply to a SUBSCRIBE/UNSUBSCRIBE request.
    Response {
        id: Option<i64>,
    },
    /// `{"code":..,"msg":..}` on the socket.
    Error {
        code: i64,
        msg: String,
    },
    /// A payload this client does not use (partial depth, avgPrice, ...).
    Other,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    stream: Option<&'a str>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(default)]
    e: Option<&'a str>,
    #[serde(default)]
    result: Option<&'a RawValue>,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    msg: Option<String>,
    /// Present on raw bookTicker payloads (no `e`).
    #[serde(default, rename = "u")]
    u: Option<u64>,
    #[serde(default, rename = "A")]
    big_a: Option<&'a RawValue>,
}

/// Decodes one text frame of a raw (`/ws/...`) or combined (`/stream?...`)
/// market-data connection.
/// The hot messages take a specialised scan ([`fast`]); everything
/// else, and anything unusual, the serde decoder.
pub fn parse_stream(text: &str) -> Result<StreamEvent, WireError> {
    match fast::parse_stream(text) {
        Some(ev) => Ok(ev),
        None => parse_stream_serde(text),
    }
}

/// The general serde decoder behind [`parse_stream`]: handles every shape
/// and reports errors; also the reference the fast path is tested against.
pub fn parse_stream_serde(text: &str) -> Result<StreamEvent, WireError> {
    let env: Envelope = json("stream message", text)?;
    if let (Some(stream), Some(data)) = (env.stream, env.data) {
        return parse_payload(Some(stream), data.get());
    }
    if let Some(code) = env.code {
        return Ok(StreamEvent::Error {
            code,
            msg: env.msg.unwrap_or_default(),
        });
    }
    if env.result.is_some() || (env.id.is_some() && env.e.is_none()) {
        return Ok(StreamEvent::Response {
            id: env.id.and_then(|v| v.as_i64()),
        });
    }
    let _ = (env.u, env.big_a);
    parse_payload(None, text)
}

/// Decodes a payload using the stream name when there is one, else the
/// event type `e` (or the bookTicker shape, which has no `e`).
fn parse_payload(stream: Option<&str>, data: &str) -> Result<StreamEvent, WireError> {
    #[derive(Deserialize)]
    struct Kind<'a> {
        #[serde(default, borrow)]
        e: Option<&'a str>,
        #[serde(default, rename = "E")]
        event_time: Option<Millis>,
        #[serde(default)]
        u: Option<u64>,
        #[serde(default, rename = "U")]
        big_u: Option<u64>,
        #[serde(default, rename = "lastUpdateId")]
        last_update_id: Option<u64>,
    }
    let kind = stream.map(stream_kind).unwrap_or("");
    let peek: Option<Kind> = if kind.is_empty() {
        Some(json("stream payload", data)?)
    } else {
        None
    };
    let kind = match &peek {
        None => kind,
        Some(k) => match k.e {
            Some(e) => e,
            None if k.u.is_some() && k.big_u.is_none() => "bookTicker",
            None if k.last_update_id.is_some() => "partialDepth",
            None => "",
        },
    };
    Ok(match kind {
        "depthUpdate" => {
            let w: WireDepth = json("depthUpdate", data)?;
            StreamEvent::Depth(DepthUpdate {
                symbol: w.symbol.map(|s| s.into_owned()).unwrap_or_default(),
                event_time: w.event_time,
                first_id: w.first_id,
                final_id: w.final_id,
                bids: w.bids.0,
                asks: w.asks.0,
            })
        }
        "bookTicker" => {
            let w: WireBookTicker = json("bookTicker", data)?;
            StreamEvent::BookTicker(BookTicker {
                symbol: w.symbol.into_owned(),
                update_id: w.update_id,
                bid: w.bid,
                bid_qty: w.bid_qty,
                ask: w.ask,
                ask_qty: w.ask_qty,
            })
        }
        "trade" | "aggTrade" => {
            let w: WireTrade = json("trade", data)?;
            let id = if kind == "aggTrade" {
                w.agg_id.and_then(|v| v.as_u64()).unwrap_or(0)
            } else {
                w.trade_id.unwrap_or(0)
            };
            StreamEvent::Trade(Trade {
                symbol: w.symbol.into_owned(),
                id,
                price: w.price,
                qty: w.qty,
                time: w.time,
                event_time: w.event_time,
                aggressor: if w.buyer_is_maker {
                    Side::Sell
                } else {
                    Side::Buy
                },
            })
        }
        "kline" => {
            let w: WireKlineEvent = json("kline", data)?;
            let interval = Interval::parse(&w.k.interval)
                .ok_or_else(|| WireError::Interval(w.k.interval.to_string()))?;
            StreamEvent::Kline {
                symbol: w.symbol.into_owned(),
                interval,
                kline: Kline {
                    open_time: w.k.open_time,
                    close_time: w.k.close_time,
                    open: w.k.open,
                    high: w.k.high,
                    low: w.k.low,
                    close: w.k.close,
                    volume: w.k.volume,
                    quote_volume: w.k.quote_volume,
                    trades: w.k.trades,
                    closed: w.k.closed,
                },
            }
        }
        "24hrTicker" => {
            let w: WireTicker = json("24hrTicker", data)?;
            StreamEvent::Ticker(Ticker24h {
                symbol: w.symbol.into_owned(),
                event_time: w.event_time,
                last: w.last,
                change: w.change,
                change_pct: w.change_pct,
                open: w.open,
                high: w.high,
                low: w.low,
                volume: w.volume,
                quote_volume: w.quote_volume,
                trades: w.trades,
            })
        }
        "serverShutdown" => StreamEvent::ServerShutdown {
            time: peek.and_then(|k| k.event_time).unwrap_or(0),
        },
        _ => StreamEvent::Other,
    })
}

/// The payload kind a combined-stream name carries, `""` when the name
/// does not say (the payload's `e` decides then). Shared with the fast path
/// so both route a message the same way.
pub(crate) fn stream_kind(s: &str) -> &'static str {
    // The hot names first, without substring searches.
    if let Some((_, tail)) = s.split_once('@') {
        match tail {
            "bookTicker" => return "bookTicker",
            "depth@100ms" | "depth" => return "depthUpdate",
            "trade" => return "trade",
            "aggTrade" => return "aggTrade",
            _ => {}
        }
    }
    if s.ends_with("@bookTicker") {
        "bookTicker"
    } else if s.contains("@depth") && !is_partial_depth(s) {
        "depthUpdate"
    } else if s.ends_with("@trade") {
        "trade"
    } else if s.ends_with("@aggTrade") {
        "aggTrade"
    } else if s.contains("@kline_") {
        "kline"
    } else if s.ends_with("@ticker") {
        "24hrTicker"
    } else {
        ""
    }
}

fn is_partial_depth(stream: &str) -> bool {
    // `<s>@depth5`, `<s>@depth10@100ms`, ... carry full top-N books.
    stream
        .split('@')
        .any(|p| p.len() > 5 && p.starts_with("depth") && p.as_bytes()[5].is_ascii_digit())
}

/// `GET /api/v3/depth`.
pub fn parse_depth_snapshot(text: &str) -> Result<DepthSnapshot, WireError> {
    #[derive(Deserialize)]
    struct W {
        #[serde(rename = "lastUpdateId")]
        last_update_id: u64,
        bids: Levels,
        asks: Levels,
    }
    let w: W = json("depth snapshot", text)?;
    Ok(DepthSnapshot {
        last_update_id: w.last_update_id,
        bids: w.bids.0,
        asks: w.asks.0,
    })
}

/// `GET /api/v3/klines`: arrays mixing integers and decimal strings.
pub fn parse_klines(text: &str) -> Result<Vec<Kline>, WireError> {
    #[derive(Deserialize)]
    #[allow(dead_code)] // trailing columns are read to be tolerated, not used
    struct Row(
        Millis,
        Fx,
        Fx,
        Fx,
        Fx,
        Decimal,
        Millis,
        #[serde(default)] Option<Decimal>,
        #[serde(default)] Option<u64>,
        #[serde(default)] Option<de::IgnoredAny>,
        #[serde(default)] Option<de::IgnoredAny>,
        #[serde(default)] Option<de::IgnoredAny>,
    );
    let rows: Vec<Row> = json("klines", text)?;
    Ok(rows
        .into_iter()
        .map(|r| Kline {
            open_time: r.0,
            open: r.1,
            high: r.2,
            low: r.3,
            close: r.4,
            volume: r.5,
            close_time: r.6,
            quote_volume: r.7.unwrap_or_default(),
            trades: r.8.unwrap_or(0),
            closed: true,
        })
        .collect())
}

/// `GET /api/v3/ticker/24hr?symbol=...` (FULL shape; MINI lacks change).
pub fn parse_ticker_24h(text: &str) -> Result<Ticker24h, WireError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct W {
        symbol: String,
        #[serde(default)]
        price_change: Fx,
        #[serde(default)]
        price_change_percent: Fx,
        last_price: Fx,
        #[serde(default)]
        open_price: Fx,
        #[serde(default)]
        high_price: Fx,
        #[serde(default)]
        low_price: Fx,
        #[serde(default)]
        volume: Decimal,
        #[serde(default)]
        quote_volume: Decimal,
        #[serde(default)]
        close_time: Millis,
        #[serde(default)]
        count: u64,
    }
    let w: W = json("24h ticker", text)?;
    Ok(Ticker24h {
        symbol: w.symbol,
        event_time: w.close_time,
        last: w.last_price,
        change: w.price_change,
        change_pct: w.price_change_percent,
        open: w.open_price,
        high: w.high_price,
        low: w.low_price,
        volume: w.volume,
        quote_volume: w.quote_volume,
        trades: w.count,
    })
}

/// `GET /api/v3/ticker/bookTicker?symbol=...`.
pub fn parse_rest_book_ticker(text: &str) -> Result<BookTicker, WireError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct W {
        symbol: String,
        bid_price: Fx,
        bid_qty: Fx,
        ask_price: Fx,
        ask_qty: Fx,
    }
    let w: W = json("book ticker", text)?;
    Ok(BookTicker {
        symbol: w.symbol,
        update_id: 0,
        bid: w.bid_price,
        bid_qty: w.bid_qty,
        ask: w.ask_price,
        ask_qty: w.ask_qty,
    })
}

/// `GET /api/v3/time`.
pub fn parse_server_time(text: &str) -> Result<Millis, WireError> {
    #[derive(Deserialize)]
    struct W {
        #[serde(rename = "serverTime")]
        server_time: Millis,
    }
    Ok(json::<W>("server time", text)?.server_time)
}

/// A rate limit declared by exchangeInfo (authoritative; never hard-coded).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    pub rate_limit_type: String,
    pub interval: String,
    pub interval_num: u32,
    pub limit: u64,
}

/// `GET /api/v3/exchangeInfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExchangeInfo {
    pub server_time: Millis,
    pub rate_limits: Vec<RateLimit>,
    pub symbols: Vec<SymbolInfo>,
}

pub fn parse_exchange_info(text: &str) -> Result<ExchangeInfo, WireError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct W {
        #[serde(default)]
        server_time: Millis,
        #[serde(default)]
        rate_limits: Vec<RateLimit>,
        #[serde(default)]
        symbols: Vec<WSym>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct WSym {
        symbol: String,
        #[serde(default)]
        status: String,
        #[serde(default)]
        base_asset: String,
        #[serde(default)]
        quote_asset: String,
        #[serde(default)]
        filters: Vec<serde_json::Value>,
    }
    let w: W = json("exchangeInfo", text)?;
    let field = |f: &serde_json::Value, k: &str| -> Fx {
        f.get(k)
            .and_then(|v| v.as_str())
            .and_then(|s| Fx::parse(s).ok())
            .unwrap_or_default()
    };
    let symbols = w
        .symbols
        .into_iter()
        .map(|s| {
            let mut info = SymbolInfo {
                symbol: s.symbol,
                status: s.status,
                base: s.base_asset,
                quote: s.quote_asset,
                tick_size: Fx::ZERO,
                step_size: Fx::ZERO,
                min_qty: Fx::ZERO,
                max_qty: Fx::ZERO,
                min_price: Fx::ZERO,
                max_price: Fx::ZERO,
                min_notional: Fx::ZERO,
                filters: Vec::new(),
            };
            let mut has_notional = false;
            for f in &s.filters {
                match f.get("filterType").and_then(|v| v.as_str()) {
                    Some("PRICE_FILTER") => {
                        info.tick_size = field(f, "tickSize");
                        info.min_price = field(f, "minPrice");
                        info.max_price = field(f, "maxPrice");
                    }
                    Some("LOT_SIZE") => {
                        info.step_size = field(f, "stepSize");
                        info.min_qty = field(f, "minQty");
                        info.max_qty = field(f, "maxQty");
                    }
                    // NOTIONAL replaced MIN_NOTIONAL in 2023; if a payload
                    // carries both, the current one decides, in any order.
                    Some("NOTIONAL") => {
                        info.min_notional = field(f, "minNotional");
                        has_notional = true;
                    }
                    Some("MIN_NOTIONAL") if !has_notional => {
                        info.min_notional = field(f, "minNotional");
                    }
                    _ => {}
                }
            }
            info.filters = s.filters;
            info
        })
        .collect();
    Ok(ExchangeInfo {
        server_time: w.server_time,
        rate_limits: w.rate_limits,
        symbols,
    })
}

/// Binance's error body `{"code":-1121,"msg":"Invalid symbol."}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ApiError {
    pub code: i64,
    pub msg: String,
}

pub fn parse_api_error(text: &str) -> Option<ApiError> {
    serde_json::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_combined_depth_update() {
        let t = r#"{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255308,"s":"BTCUSDT","U":50093239203,"u":50093239207,"b":[["55653.87000000","0.00000000"]],"a":[["61838.04000000","0.32332000"]]}}"#;
        let StreamEvent::Depth(d) = parse_stream(t).unwrap() else {
            panic!("not depth")
        };
        assert_eq!(d.first_id, 50093239203);
        assert_eq!(d.final_id, 50093239207);
        assert_eq!(d.bids, vec![(Fx::parse("55653.87").unwrap(), Fx::ZERO)]);
        assert_eq!(d.asks[0].1, Fx::parse("0.32332").unwrap());
    }

    #[test]
    fn decodes_raw_book_ticker_without_event_type() {
        let t = r#"{"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}"#;
        let StreamEvent::BookTicker(b) = parse_stream(t).unwrap() else {
            panic!()
        };
        assert_eq!(b.update_id, 400900217);
        assert_eq!(b.ask.to_string(), "25.3652");
    }

    #[test]
    fn trade_side_is_the_aggressor() {
        let t =
            r#"{"e":"trade","E":1,"s":"BTCUSDT","t":3,"p":"1.0","q":"2","T":1,"m":true,"M":true}"#;
        let StreamEvent::Trade(tr) = parse_stream(t).unwrap() else {
            panic!()
        };
        assert_eq!(tr.aggressor, Side::Sell);
    }

    #[test]
    fn control_messages() {
        assert_eq!(
            parse_stream(r#"{"result":null,"id":1}"#).unwrap(),
            StreamEvent::Response { id: Some(1) }
        );
        assert_eq!(
            parse_stream(r#"{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":17}}"#)
                .unwrap(),
            StreamEvent::ServerShutdown { time: 17 }
        );
        assert!(matches!(
            parse_stream(r#"{"code":2,"msg":"Invalid request"}"#).unwrap(),
            StreamEvent::Error { code: 2, .. }
        ));
    }

    #[test]
    fn volumes_beyond_fx_range_decode_exactly() {
        // A month of BTCUSDT quote volume exceeds i64 units of 1e-8.
        let rows = r#"[[1677628800000,"23141.57","29184.68","19549.09","28465.36","1514651.64286","1680307199999","119244687010.67229018",57102913,"0","0","0"]]"#;
        let k = parse_klines(&rows.replace("\"1680307199999\"", "1680307199999")).unwrap();
        assert_eq!(k[0].quote_volume.to_string(), "119244687010.67229018");
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        assert!(parse_stream("{").is_err());
        assert!(parse_stream(r#"{"e":"depthUpdate","U":1}"#).is_err());
        assert!(parse_stream(r#"{"e":"trade","s":"X","p":"1e5","q":"1","m":true}"#).is_err());
    }

    #[test]
    fn notional_filter_wins_over_legacy_min_notional() {
        let mk = |a: &str, b: &str| {
            let t = format!(r#"{{"symbols":[{{"symbol":"X","filters":[{a},{b}]}}]}}"#);
            parse_exchange_info(&t).unwrap().symbols[0].min_notional
        };
        let new = r#"{"filterType":"NOTIONAL","minNotional":"5.0"}"#;
        let old = r#"{"filterType":"MIN_NOTIONAL","minNotional":"10.0"}"#;
        assert_eq!(mk(new, old), Fx::parse("5").unwrap());
        assert_eq!(mk(old, new), Fx::parse("5").unwrap());
        assert_eq!(mk(old, "{}"), Fx::parse("10").unwrap());
    }
}
