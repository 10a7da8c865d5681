//! Real payloads shared by the benchmarks: taken from the embedded
//! BTCUSDT capture and the fixtures, or built from their real values.
#![allow(dead_code)] // each bench uses a subset

use tradeterm::capture::{self, CaptureLine};
use tradeterm::domain::DepthSnapshot;
use tradeterm::exchange::wire;

pub fn btc_lines() -> Vec<CaptureLine> {
    capture::lines(capture::BTCUSDT_CAPTURE).expect("embedded capture")
}

fn first_with(lines: &[CaptureLine], stream: &str) -> String {
    let needle = format!("{{\"stream\":\"{stream}\"");
    lines
        .iter()
        .find(|l| l.json.starts_with(&needle))
        .map(|l| l.json.clone())
        .expect("stream present in capture")
}

/// The median-sized real depthUpdate of the capture (most are small).
pub fn real_depth(lines: &[CaptureLine]) -> String {
    let mut d: Vec<&String> = lines
        .iter()
        .map(|l| &l.json)
        .filter(|j| j.contains("@depth@100ms"))
        .collect();
    d.sort_by_key(|j| j.len());
    d[d.len() / 2].clone()
}

pub fn real_book_ticker(lines: &[CaptureLine]) -> String {
    first_with(lines, "btcusdt@bookTicker")
}

pub fn real_trade(lines: &[CaptureLine]) -> String {
    first_with(lines, "btcusdt@trade")
}

/// The recorded REST snapshot (1000 levels a side).
pub fn snapshot(lines: &[CaptureLine]) -> DepthSnapshot {
    let line = lines
        .iter()
        .find(|l| l.json.starts_with("{\"lastUpdateId\""))
        .expect("snapshot line");
    wire::parse_depth_snapshot(&line.json).unwrap()
}

/// A combined-stream aggTrade built from the first real REST aggTrade
/// (same a/p/q/f/l/T/m/M fields as the stream event).
pub fn agg_trade() -> String {
    let rest =
        include_str!("../../tests/fixtures/binance/real_rest_aggTrades_BTCUSDT_2021-10-22.json");
    let v: serde_json::Value = serde_json::from_str(rest).unwrap();
    let a = &v[0];
    format!(
        r#"{{"stream":"btcusdt@aggTrade","data":{{"e":"aggTrade","E":{},"s":"BTCUSDT","a":{},"p":{},"q":{},"f":{},"l":{},"T":{},"m":{},"M":{}}}}}"#,
        a["T"].as_i64().unwrap() + 1,
        a["a"],
        a["p"],
        a["q"],
        a["f"],
        a["l"],
        a["T"],
        a["m"],
        a["M"]
    )
}

/// The real raw kline event wrapped as the combined stream delivers it.
pub fn kline() -> String {
    let raw =
        include_str!("../../tests/fixtures/binance/real_ws_kline_BTCUSDT_5m_raw_2021-09-14.json");
    format!(r#"{{"stream":"btcusdt@kline_5m","data":{}}}"#, raw.trim())
}

/// A 20-levels-a-side depthUpdate on the snapshot's top 20 real prices.
/// Variant 0 sets every level; variant 1 deletes every 4th level and
/// changes the rest, so alternating them inserts, removes and updates.
pub fn depth20(snap: &DepthSnapshot, variant: u64) -> String {
    let side = |levels: &[(tradeterm::fixed::Fx, tradeterm::fixed::Fx)]| {
        levels
            .iter()
            .take(20)
            .enumerate()
            .map(|(i, (p, q))| {
                let q = match variant {
                    0 => *q,
                    _ if i % 4 == 0 => tradeterm::fixed::Fx::ZERO,
                    _ => tradeterm::fixed::Fx(q.0 + 1_000),
                };
                format!("[\"{}\",\"{}\"]", p.fmt_dp(8), q.fmt_dp(8))
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let id = snap.last_update_id + 1 + variant;
    format!(
        r#"{{"stream":"btcusdt@depth@100ms","data":{{"e":"depthUpdate","E":1723161255408,"s":"BTCUSDT","U":{id},"u":{id},"b":[{}],"a":[{}]}}}}"#,
        side(&snap.bids),
        side(&snap.asks)
    )
}
