//! Decoding single market-data messages (real payloads, see common/).
//! `parse_stream` is what the client calls (fast scanner, serde fallback);
//! `serde` is the general decoder alone, for comparison.

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use tradeterm::exchange::wire;

fn parse(c: &mut Criterion) {
    let lines = common::btc_lines();
    let snap = common::snapshot(&lines);
    let cases = [
        ("depthUpdate_real", common::real_depth(&lines)),
        ("depthUpdate_20", common::depth20(&snap, 0)),
        ("bookTicker", common::real_book_ticker(&lines)),
        ("trade", common::real_trade(&lines)),
        ("aggTrade", common::agg_trade()),
        ("kline", common::kline()),
    ];
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Elements(1));
    for (name, text) in &cases {
        assert!(wire::parse_stream(text).is_ok(), "{name}");
        g.bench_function(format!("{name}/parse_stream"), |b| {
            b.iter(|| wire::parse_stream(black_box(text)).unwrap())
        });
        g.bench_function(format!("{name}/serde"), |b| {
            b.iter(|| wire::parse_stream_serde(black_box(text)).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
