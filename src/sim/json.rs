//! Serialisers producing exactly Binance's JSON: prices and quantities as
//! strings with 8 decimals, ids and times as integers, field order as the
//! real API. Hand-written (no serde structs) so every field is explicit and
//! the hot stream payloads are built without intermediate values.

use super::data::{SymbolSpec, RATE_LIMITS_JSON};
use super::klines::{mul, Candle};
use super::stats::Stats24h;
use crate::domain::{BookTicker, DepthSnapshot, DepthUpdate, Interval, Side, Trade};
use crate::fixed::{Fx, ONE};
use std::fmt::Write;

/// Appends `"<v with 8 decimals>"`.
pub fn fx8(out: &mut String, v: Fx) {
    wide8(out, v.0 as i128);
}

/// Appends an amount in units of 1e-8 that may exceed `Fx`'s range.
pub fn wide8(out: &mut String, v: i128) {
    let a = v.unsigned_abs();
    let sign = if v < 0 { "-" } else { "" };
    let _ = write!(out, "\"{sign}{}.{:08}\"", a / ONE as u128, a % ONE as u128);
}

fn levels(out: &mut String, lv: &[(Fx, Fx)]) {
    out.push('[');
    for (i, &(p, q)) in lv.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        fx8(out, p);
        out.push(',');
        fx8(out, q);
        out.push(']');
    }
    out.push(']');
}

/// A JSON string literal (escaped).
pub fn string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// `{"code":..,"msg":..}`.
pub fn error(code: i64, msg: &str) -> String {
    format!(r#"{{"code":{code},"msg":{}}}"#, string(msg))
}

/// `{"stream":..,"data":..}` around a raw payload.
pub fn combined(stream: &str, payload: &str) -> String {
    let mut s = String::with_capacity(payload.len() + stream.len() + 22);
    s.push_str(r#"{"stream":""#);
    s.push_str(stream);
    s.push_str(r#"","data":"#);
    s.push_str(payload);
    s.push('}');
    s
}

pub fn depth_update(d: &DepthUpdate) -> String {
    let mut s = String::with_capacity(64 + 40 * (d.bids.len() + d.asks.len()));
    let _ = write!(
        s,
        r#"{{"e":"depthUpdate","E":{},"s":"{}","U":{},"u":{},"b":"#,
        d.event_time, d.symbol, d.first_id, d.final_id
    );
    levels(&mut s, &d.bids);
    s.push_str(r#","a":"#);
    levels(&mut s, &d.asks);
    s.push('}');
    s
}

/// Spot bookTicker: no `e`, no `E`.
pub fn book_ticker(b: &BookTicker) -> String {
    let mut s = String::with_capacity(160);
    let _ = write!(s, r#"{{"u":{},"s":"{}","b":"#, b.update_id, b.symbol);
    fx8(&mut s, b.bid);
    s.push_str(r#","B":"#);
    fx8(&mut s, b.bid_qty);
    s.push_str(r#","a":"#);
    fx8(&mut s, b.ask);
    s.push_str(r#","A":"#);
    fx8(&mut s, b.ask_qty);
    s.push('}');
    s
}

fn buyer_is_maker(t: &Trade) -> bool {
    t.aggressor == Side::Sell
}

pub fn trade(t: &Trade) -> String {
    let mut s = String::with_capacity(200);
    let _ = write!(
        s,
        r#"{{"e":"trade","E":{},"s":"{}","t":{},"p":"#,
        t.event_time, t.symbol, t.id
    );
    fx8(&mut s, t.price);
    s.push_str(r#","q":"#);
    fx8(&mut s, t.qty);
    let _ = write!(s, r#","T":{},"m":{},"M":true}}"#, t.time, buyer_is_maker(t));
    s
}

/// One aggregate per trade (`f == l`).
pub fn agg_trade(t: &Trade, agg_id: u64) -> String {
    let mut s = String::with_capacity(220);
    let _ = write!(
        s,
        r#"{{"e":"aggTrade","E":{},"s":"{}","a":{agg_id},"p":"#,
        t.event_time, t.symbol
    );
    fx8(&mut s, t.price);
    s.push_str(r#","q":"#);
    fx8(&mut s, t.qty);
    let _ = write!(
        s,
        r#","f":{},"l":{},"T":{},"m":{},"M":true}}"#,
        t.id,
        t.id,
        t.time,
        buyer_is_maker(t)
    );
    s
}

pub fn kline_event(symbol: &str, i: Interval, c: &Candle, closed: bool, e: i64) -> String {
    let mut s = String::with_capacity(420);
    let _ = write!(
        s,
        r#"{{"e":"kline","E":{e},"s":"{symbol}","k":{{"t":{},"T":{},"s":"{symbol}","i":"{i}","f":{},"L":{},"o":"#,
        c.open_time, c.close_time, c.first_trade, c.last_trade
    );
    fx8(&mut s, c.open);
    for (k, v) in [("c", c.close), ("h", c.high), ("l", c.low), ("v", c.volume)] {
        let _ = write!(s, r#","{k}":"#);
        fx8(&mut s, v);
    }
    let _ = write!(s, r#","n":{},"x":{closed},"q":"#, c.trades);
    wide8(&mut s, c.quote_volume);
    s.push_str(r#","V":"#);
    fx8(&mut s, c.taker_base);
    s.push_str(r#","Q":"#);
    wide8(&mut s, c.taker_quote);
    s.push_str(r#","B":"0"}}"#);
    s
}

pub fn ticker_event(t: &Stats24h, e: i64) -> String {
    let mut s = String::with_capacity(600);
    let _ = write!(s, r#"{{"e":"24hrTicker","E":{e},"s":"{}","p":"#, t.symbol);
    fx8(&mut s, t.change);
    let _ = write!(s, r#","P":"{}""#, t.change_pct.fmt_dp(3));
    let fields = [
        ("w", t.weighted_avg),
        ("x", t.prev_close),
        ("c", t.last),
        ("Q", t.last_qty),
        ("b", t.bid.0),
        ("B", t.bid.1),
        ("a", t.ask.0),
        ("A", t.ask.1),
        ("o", t.open),
        ("h", t.high),
        ("l", t.low),
        ("v", t.volume),
        ("q", t.quote_volume),
    ];
    for (k, v) in fields {
        let _ = write!(s, r#","{k}":"#);
        fx8(&mut s, v);
    }
    let _ = write!(
        s,
        r#","O":{},"C":{},"F":{},"L":{},"n":{}}}"#,
        t.open_time, t.close_time, t.first_id, t.last_id, t.count
    );
    s
}

pub fn server_shutdown(e: i64) -> String {
    format!(r#"{{"e":"serverShutdown","E":{e}}}"#)
}

pub fn depth_snapshot(d: &DepthSnapshot) -> String {
    let mut s = String::with_capacity(64 + 40 * (d.bids.len() + d.asks.len()));
    let _ = write!(s, r#"{{"lastUpdateId":{},"bids":"#, d.last_update_id);
    levels(&mut s, &d.bids);
    s.push_str(r#","asks":"#);
    levels(&mut s, &d.asks);
    s.push('}');
    s
}

/// REST klines rows `[t,"o","h","l","c","v",T,"q",n,"V","Q","0"]`.
pub fn klines(rows: &[Candle]) -> String {
    let mut s = String::with_capacity(2 + 200 * rows.len());
    s.push('[');
    for (n, c) in rows.iter().enumerate() {
        if n > 0 {
            s.push(',');
        }
        let _ = write!(s, "[{},", c.open_time);
        for v in [c.open, c.high, c.low, c.close, c.volume] {
            fx8(&mut s, v);
            s.push(',');
        }
        let _ = write!(s, "{},", c.close_time);
        wide8(&mut s, c.quote_volume);
        let _ = write!(s, ",{},", c.trades);
        fx8(&mut s, c.taker_base);
        s.push(',');
        wide8(&mut s, c.taker_quote);
        s.push_str(r#","0"]"#);
    }
    s.push(']');
    s
}

/// `GET /api/v3/ticker/24hr` in the FULL (or MINI) shape.
pub fn ticker_rest(t: &Stats24h, mini: bool) -> String {
    let mut s = String::with_capacity(600);
    let _ = write!(s, r#"{{"symbol":"{}","#, t.symbol);
    let field = |s: &mut String, name: &str, v: Fx| {
        let _ = write!(s, r#""{name}":"#);
        fx8(s, v);
        s.push(',');
    };
    if !mini {
        field(&mut s, "priceChange", t.change);
        let _ = write!(s, r#""priceChangePercent":"{}","#, t.change_pct.fmt_dp(3));
        field(&mut s, "weightedAvgPrice", t.weighted_avg);
        field(&mut s, "prevClosePrice", t.prev_close);
        field(&mut s, "lastPrice", t.last);
        field(&mut s, "lastQty", t.last_qty);
        field(&mut s, "bidPrice", t.bid.0);
        field(&mut s, "bidQty", t.bid.1);
        field(&mut s, "askPrice", t.ask.0);
        field(&mut s, "askQty", t.ask.1);
    }
    field(&mut s, "openPrice", t.open);
    field(&mut s, "highPrice", t.high);
    field(&mut s, "lowPrice", t.low);
    if mini {
        field(&mut s, "lastPrice", t.last);
    }
    field(&mut s, "volume", t.volume);
    field(&mut s, "quoteVolume", t.quote_volume);
    let _ = write!(
        s,
        r#""openTime":{},"closeTime":{},"firstId":{},"lastId":{},"count":{}}}"#,
        t.open_time, t.close_time, t.first_id, t.last_id, t.count
    );
    s
}

pub fn book_ticker_rest(symbol: &str, bid: (Fx, Fx), ask: (Fx, Fx)) -> String {
    let mut s = String::with_capacity(160);
    let _ = write!(s, r#"{{"symbol":"{symbol}","bidPrice":"#);
    fx8(&mut s, bid.0);
    s.push_str(r#","bidQty":"#);
    fx8(&mut s, bid.1);
    s.push_str(r#","askPrice":"#);
    fx8(&mut s, ask.0);
    s.push_str(r#","askQty":"#);
    fx8(&mut s, ask.1);
    s.push('}');
    s
}

pub fn trades_rest(trades: &[Trade]) -> String {
    let mut s = String::with_capacity(2 + 180 * trades.len());
    s.push('[');
    for (n, t) in trades.iter().enumerate() {
        if n > 0 {
            s.push(',');
        }
        let _ = write!(s, r#"{{"id":{},"price":"#, t.id);
        fx8(&mut s, t.price);
        s.push_str(r#","qty":"#);
        fx8(&mut s, t.qty);
        s.push_str(r#","quoteQty":"#);
        fx8(&mut s, mul(t.price, t.qty));
        let _ = write!(
            s,
            r#","time":{},"isBuyerMaker":{},"isBestMatch":true}}"#,
            t.time,
            buyer_is_maker(t)
        );
    }
    s.push(']');
    s
}

pub fn avg_price(price: Fx, close_time: i64) -> String {
    let mut s = String::from(r#"{"mins":5,"price":"#);
    fx8(&mut s, price);
    let _ = write!(s, r#","closeTime":{close_time}}}"#);
    s
}

pub fn exchange_info(server_time: i64, symbols: &[&SymbolSpec]) -> String {
    let mut s = format!(
        r#"{{"timezone":"UTC","serverTime":{server_time},"rateLimits":{RATE_LIMITS_JSON},"exchangeFilters":[],"symbols":["#
    );
    for (n, sym) in symbols.iter().enumerate() {
        if n > 0 {
            s.push(',');
        }
        s.push_str(sym.json);
    }
    s.push_str("]}");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::wire::{self, StreamEvent};

    fn fx(s: &str) -> Fx {
        Fx::parse(s).unwrap()
    }

    fn candle() -> Candle {
        Candle {
            open_time: 60_000,
            close_time: 119_999,
            open: fx("1.5"),
            high: fx("2"),
            low: fx("1"),
            close: fx("1.75"),
            volume: fx("10"),
            quote_volume: 17 * ONE as i128,
            taker_base: fx("4"),
            taker_quote: 7 * ONE as i128,
            trades: 3,
            first_trade: 5,
            last_trade: 7,
        }
    }

    #[test]
    fn numbers_have_eight_decimals() {
        let mut s = String::new();
        fx8(&mut s, fx("61837.63"));
        fx8(&mut s, Fx(-1));
        assert_eq!(s, r#""61837.63000000""-0.00000001""#);
    }

    #[test]
    fn kline_event_round_trips_through_the_client_decoder() {
        let text = kline_event("BTCUSDT", Interval::M1, &candle(), true, 9);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["k"]["o"], "1.50000000");
        assert_eq!(v["k"]["c"], "1.75000000");
        assert_eq!(v["k"]["h"], "2.00000000");
        assert_eq!(v["k"]["l"], "1.00000000");
        assert_eq!(v["k"]["v"], "10.00000000");
        let StreamEvent::Kline {
            kline, interval, ..
        } = wire::parse_stream(&text).unwrap()
        else {
            panic!("not a kline: {text}")
        };
        assert_eq!(interval, Interval::M1);
        assert_eq!(kline, candle().to_kline(true));
        let rows = wire::parse_klines(&klines(&[candle()])).unwrap();
        assert_eq!(rows[0], candle().to_kline(true));
    }

    #[test]
    fn ticker_shapes_decode() {
        let t = Stats24h {
            symbol: "BTCUSDT".into(),
            change: fx("-1.5"),
            change_pct: fx("-1.234"),
            last: fx("100"),
            open: fx("101.5"),
            high: fx("102"),
            low: fx("99"),
            volume: fx("3"),
            count: 4,
            ..Stats24h::default()
        };
        let ev = ticker_event(&t, 5);
        let StreamEvent::Ticker(w) = wire::parse_stream(&ev).unwrap() else {
            panic!("{ev}")
        };
        assert_eq!(
            (w.last, w.change_pct, w.low, w.trades),
            (t.last, t.change_pct, t.low, 4)
        );
        let v: serde_json::Value = serde_json::from_str(&ev).unwrap();
        assert_eq!(v["P"], "-1.234");
        assert_eq!(v["c"], "100.00000000");
        let rest = wire::parse_ticker_24h(&ticker_rest(&t, false)).unwrap();
        assert_eq!(
            (rest.change, rest.high, rest.volume),
            (t.change, t.high, t.volume.to_decimal())
        );
        let mini: serde_json::Value = serde_json::from_str(&ticker_rest(&t, true)).unwrap();
        assert!(mini.get("priceChange").is_none() && mini["lastPrice"] == "100.00000000");
    }

    #[test]
    fn trades_and_errors() {
        let tr = Trade {
            symbol: "ETHUSDT".into(),
            id: 9,
            price: fx("2"),
            qty: fx("1.5"),
            time: 3,
            event_time: 4,
            aggressor: Side::Sell,
        };
        let StreamEvent::Trade(back) = wire::parse_stream(&trade(&tr)).unwrap() else {
            panic!()
        };
        assert_eq!(back, tr);
        let StreamEvent::Trade(agg) = wire::parse_stream(&agg_trade(&tr, 77)).unwrap() else {
            panic!()
        };
        assert_eq!(agg.id, 77);
        let v: serde_json::Value = serde_json::from_str(&trades_rest(&[tr])).unwrap();
        assert_eq!(v[0]["quoteQty"], "3.00000000");
        assert_eq!(v[0]["isBuyerMaker"], true);
        assert_eq!(
            error(-1121, "Invalid \"symbol\"."),
            r#"{"code":-1121,"msg":"Invalid \"symbol\"."}"#
        );
        assert_eq!(
            wire::parse_stream(&combined("!serverShutdown", &server_shutdown(5))).unwrap(),
            StreamEvent::ServerShutdown { time: 5 }
        );
    }
}
