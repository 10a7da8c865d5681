//! Decoding helpers for the fixture checks: independent oracles through
//! `serde_json::Value` and raw/combined round trips.

use serde_json::value::RawValue;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tradeterm::domain::{BookTicker, DepthUpdate, Trade};
use tradeterm::exchange::wire::{self, parse_stream, StreamEvent};
use tradeterm::fixed::Fx;

pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/binance")
}

pub fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn fx(s: &str) -> Fx {
    Fx::parse(s).unwrap()
}

/// A number's plain value as text, whichever exact type holds it (volumes
/// may be `Fx` or `Decimal`): `1`, `2434.19055334`.
pub fn num(v: impl ToString) -> String {
    let d: rust_decimal::Decimal = v.to_string().parse().unwrap();
    d.normalize().to_string()
}

pub fn json(t: &str) -> Value {
    serde_json::from_str(t).unwrap()
}

/// Independent reading of `[[price, qty], ...]` through `serde_json::Value`.
pub fn levels(v: &Value) -> Vec<(Fx, Fx)> {
    let s = |v: &Value| fx(v.as_str().unwrap());
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| (s(&l[0]), s(&l[1])))
        .collect()
}

pub fn stream(t: &str) -> StreamEvent {
    parse_stream(t).unwrap_or_else(|e| panic!("{e}: {t}"))
}

/// Decodes a stream payload in its raw form and inside a combined envelope
/// named `name` (whichever form the fixture is not in) and requires the
/// same event from both.
pub fn both(t: &str, name: &str) -> StreamEvent {
    #[derive(serde::Deserialize)]
    struct Env<'a> {
        #[serde(borrow)]
        data: &'a RawValue,
    }
    let (raw, combined) = if json(t).get("stream").is_some() {
        let env: Env = serde_json::from_str(t).unwrap();
        (env.data.get().to_string(), t.to_string())
    } else {
        let combined = format!(r#"{{"stream":"{name}","data":{t}}}"#);
        (t.to_string(), combined)
    };
    let ev = stream(&raw);
    assert_eq!(ev, stream(&combined), "raw and combined differ");
    ev
}

pub fn depth(t: &str, name: &str) -> DepthUpdate {
    let StreamEvent::Depth(d) = both(t, name) else {
        panic!("not depth: {t}")
    };
    let v = json(t);
    let data = v.get("data").unwrap_or(&v);
    assert_eq!(d.bids, levels(&data["b"]));
    assert_eq!(d.asks, levels(&data["a"]));
    d
}

pub fn book_ticker(t: &str, name: &str) -> BookTicker {
    let StreamEvent::BookTicker(b) = both(t, name) else {
        panic!("not bookTicker: {t}")
    };
    b
}

pub fn trade(t: &str, name: &str) -> Trade {
    let StreamEvent::Trade(tr) = both(t, name) else {
        panic!("not a trade: {t}")
    };
    tr
}

pub fn other(t: &str, name: &str) {
    assert_eq!(both(t, name), StreamEvent::Other);
}

pub fn exchange_info(t: &str, rate_limits: usize) -> wire::ExchangeInfo {
    let x = wire::parse_exchange_info(t).unwrap();
    assert_eq!(x.rate_limits.len(), rate_limits);
    assert_eq!(x.rate_limits[0].rate_limit_type, "REQUEST_WEIGHT");
    let names: Vec<_> = x.symbols.iter().map(|s| s.symbol.as_str()).collect();
    assert_eq!(names, ["BTCUSDT", "ETHUSDT"]);
    for s in &x.symbols {
        assert_eq!((s.tick_size, s.status.as_str()), (fx("0.01"), "TRADING"));
        assert_eq!((s.price_decimals(), s.min_price), (2, fx("0.01")));
    }
    x
}

pub fn error(t: &str, code: i64) {
    let e = wire::parse_api_error(t).unwrap();
    assert_eq!(e.code, code);
    assert!(!e.msg.is_empty());
    assert_eq!(stream(t), StreamEvent::Error { code, msg: e.msg });
}

pub fn errors(t: &str, n: usize) {
    let mut count = 0;
    for line in t.lines().filter(|l| !l.trim().is_empty()) {
        let code = wire::parse_api_error(line).unwrap().code;
        assert!(code < 0);
        error(line, code);
        count += 1;
    }
    assert_eq!(count, n);
}
