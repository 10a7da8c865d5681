//! The fast scanner agrees with the serde decoder, and declines what it
//! does not fully understand.

use super::*;
use crate::exchange::wire::{self, parse_stream_serde};

/// Whatever the scanner accepts, serde decodes to the same event.
fn same(text: &str) -> Option<StreamEvent> {
    let fast = parse_stream(text);
    if let Some(ev) = &fast {
        let reference = parse_stream_serde(text)
            .unwrap_or_else(|e| panic!("fast accepted what serde rejects ({e}): {text}"));
        assert_eq!(ev, &reference, "{text}");
    }
    fast
}

fn taken(text: &str) -> StreamEvent {
    same(text).unwrap_or_else(|| panic!("fast path declined: {text}"))
}

fn declined(text: &str) {
    assert!(same(text).is_none(), "fast path took: {text}");
}

const DEPTH: &str = r#"{"e":"depthUpdate","E":1723161255308,"s":"BTCUSDT","U":50093239203,"u":50093239207,"b":[["55653.87000000","0.00000000"]],"a":[["61838.04000000","0.32332000"],["61844.30000000","0.40163000"]]}"#;
const TICKER: &str = r#"{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}"#;
const TRADE: &str = r#"{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}"#;
const AGG: &str = r#"{"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001","q":"100","f":100,"l":105,"T":1672515782136,"m":false,"M":true}"#;

fn combined(stream: &str, data: &str) -> String {
    format!(r#"{{"stream":"{stream}","data":{data}}}"#)
}

#[test]
fn takes_the_hot_messages_raw_and_combined() {
    for (stream, data) in [
        ("btcusdt@depth@100ms", DEPTH),
        ("btcusdt@depth", DEPTH),
        ("btcusdt@bookTicker", TICKER),
        ("btcusdt@trade", TRADE),
        ("bnbbtc@aggTrade", AGG),
    ] {
        assert_eq!(taken(data), taken(&combined(stream, data)));
    }
    let StreamEvent::Trade(t) = taken(AGG) else {
        panic!()
    };
    assert_eq!(
        (t.id, t.aggressor, t.price),
        (12345, Side::Buy, Fx(100_000))
    );
    let StreamEvent::Depth(d) = taken(DEPTH) else {
        panic!()
    };
    assert_eq!(d.bids, vec![(Fx(5_565_387_000_000), Fx::ZERO)]);
}

#[test]
fn tolerates_whitespace_empty_sides_and_legacy_fields() {
    let pretty =
        "{\n  \"u\" : 1 ,\r\n\t\"s\":\"X\",\"b\":\"1\",\"B\":\"2\",\"a\":\"3\",\"A\":\"4\" }\n";
    taken(pretty);
    taken(r#"{"e":"depthUpdate","E":1,"s":"ETHUSDT","U":5,"u":9,"b":[ ],"a":[]}"#);
    taken(r#"{"e":"depthUpdate","U":5,"u":9}"#); // optional fields default
                                                 // Legacy trade: b/a are order ids, the trade id is t.
    let legacy = r#"{"e":"trade","E":2,"s":"ETHUSDT","t":7,"p":"1.5","q":"2","b":70,"a":71,"T":1,"m":true,"M":true}"#;
    let StreamEvent::Trade(t) = taken(legacy) else {
        panic!()
    };
    assert_eq!(t.id, 7);
    // The stream name decides the kind, as in the serde path.
    taken(&combined("btcusdt@trade", AGG));
    taken(&combined("bnbbtc@aggTrade", TRADE));
}

#[test]
fn reads_every_decimal_form_as_fx_parse_does() {
    for v in [
        "0",
        "7",
        "1.",
        "1.5",
        "-1",
        "+1",
        ".5",
        "-0.25",
        "0.00000001",
        "61837.63000000",
        "0.0024",
        "007.5",
        "1.1234567800",
        "9999999999.99999999",
        "92233720368.54775807",
    ] {
        let t = format!(r#"{{"u":1,"s":"X","b":"{v}","B":"1","a":"1","A":"1"}}"#);
        let StreamEvent::BookTicker(b) = taken(&t) else {
            panic!()
        };
        assert_eq!(b.bid, Fx::parse(v).unwrap(), "{v}");
    }
    // What Fx::parse rejects, or serde reads differently, is left to serde.
    for v in [
        "",
        ".",
        "-",
        "1e5",
        "1.123456789",
        "1,5",
        "92233720368.54775808",
        "99999999999",
        "1.0000000a",
        "\\u0031",
        "1 ",
        " 1",
    ] {
        declined(&format!(
            r#"{{"u":1,"s":"X","b":"{v}","B":"1","a":"1","A":"1"}}"#
        ));
    }
    declined(r#"{"u":1,"s":"X","b":1,"B":"1","a":"1","A":"1"}"#);
}

#[test]
fn declines_what_it_does_not_fully_understand() {
    for t in [
        // Escapes and control characters in strings.
        r#"{"u":1,"s":"BTC\u0055SDT","b":"1","B":"1","a":"1","A":"1"}"#,
        "{\"u\":1,\"s\":\"BTC\tUSDT\",\"b\":\"1\",\"B\":\"1\",\"a\":\"1\",\"A\":\"1\"}",
        // Unknown, duplicate and missing keys.
        r#"{"u":1,"s":"X","b":"1","B":"1","a":"1","A":"1","x":0}"#,
        r#"{"u":1,"u":2,"s":"X","b":"1","B":"1","a":"1","A":"1"}"#,
        r#"{"u":1,"s":"X","b":"1","B":"1","a":"1"}"#,
        r#"{"e":"depthUpdate","U":5}"#,
        r#"{"e":"trade","s":"X","p":"1","q":"1"}"#,
        r#"{"e":"trade","s":"X","p":"1","q":"1","m":true,"code":1}"#,
        // Integers serde reads differently or rejects.
        r#"{"u":-1,"s":"X","b":"1","B":"1","a":"1","A":"1"}"#,
        r#"{"u":01,"s":"X","b":"1","B":"1","a":"1","A":"1"}"#,
        r#"{"u":1.0,"s":"X","b":"1","B":"1","a":"1","A":"1"}"#,
        r#"{"u":1e3,"s":"X","b":"1","B":"1","a":"1","A":"1"}"#,
        r#"{"u":12345678901234567890,"s":"X","b":"1","B":"1","a":"1","A":"1"}"#,
        r#"{"e":"trade","E":-5,"s":"X","p":"1","q":"1","m":true}"#,
        r#"{"e":"trade","E":9223372036854775808,"s":"X","p":"1","q":"1","m":true}"#,
        r#"{"e":"trade","s":"X","p":"1","q":"1","m":1}"#,
        // Levels that are not exactly [price, qty].
        r#"{"e":"depthUpdate","U":1,"u":2,"b":[["1","2","3"]]}"#,
        r#"{"e":"depthUpdate","U":1,"u":2,"b":[["1"]]}"#,
        r#"{"e":"depthUpdate","U":1,"u":2,"b":[["1","2"],]}"#,
        r#"{"e":"depthUpdate","U":1,"u":2,"b":null}"#,
        // Malformed or trailing input.
        r#"{"u":1,"s":"X","b":"1","B":"1","a":"1","A":"1"}x"#,
        r#"{"u":1,"s":"X","b":"1","B":"1","a":"1","A":"1",}"#,
        r#"{"u":1,"s":"X","b":"1","B":"1","a":"1","A":"1""#,
        "",
        "{",
        // Other kinds and envelopes: serde's job.
        r#"{"e":"kline","E":1,"s":"X","k":{}}"#,
        r#"{"e":"serverShutdown","E":17}"#,
        r#"{"result":null,"id":1}"#,
        r#"{"code":2,"msg":"Invalid request"}"#,
        r#"{"lastUpdateId":160,"bids":[],"asks":[]}"#,
        r#"{"stream":"bnbbtc@depth5","data":{"lastUpdateId":1,"bids":[],"asks":[]}}"#,
        r#"{"stream":"btcusdt@kline_1m","data":{"e":"kline"}}"#,
        r#"{"data":{"u":1},"stream":"btcusdt@bookTicker"}"#,
    ] {
        declined(t);
        // The public decoder still answers exactly as serde does.
        let (a, b) = (wire::parse_stream(t), parse_stream_serde(t));
        assert_eq!(a.is_ok(), b.is_ok(), "{t}");
        if let (Ok(a), Ok(b)) = (a, b) {
            assert_eq!(a, b);
        }
    }
    let t = combined("btcusdt@bookTicker", TICKER) + ",";
    declined(&t);
    declined(&format!(
        r#"{{"stream":"btcusdt@bookTicker","data":{TICKER},"x":1}}"#
    ));
}

#[test]
fn eight_digit_swar_matches_a_plain_loop() {
    assert_eq!(eight_digits(b"12345678"), Some(12_345_678));
    assert_eq!(eight_digits(b"00000000"), Some(0));
    assert_eq!(eight_digits(b"99999999"), Some(99_999_999));
    assert_eq!(eight_digits(b"00000001"), Some(1));
    for pos in 0..8 {
        for bad in [b'/', b':', b'.', b' ', b'"', b'a', 0x80, 0xff, 0x00] {
            let mut d = *b"12345678";
            d[pos] = bad;
            assert_eq!(eight_digits(&d), None, "{pos} {bad}");
        }
    }
    // A deterministic sweep over varied digit patterns.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let n = x % 100_000_000;
        let s = format!("{n:08}");
        assert_eq!(eight_digits(s.as_bytes()), Some(n));
    }
}
