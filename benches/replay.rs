//! The whole real capture (decompressed beforehand) through the client's
//! decoders, BookSync and MarketState, as the live client would see it.

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tradeterm::capture::{self, CaptureEvent, CaptureLine};
use tradeterm::domain::Interval;
use tradeterm::exchange::wire::StreamEvent;
use tradeterm::market::MarketState;

/// Dispatches one line the way the engine folds stream events.
fn feed(state: &mut MarketState, json: &str) {
    match capture::decode(json).unwrap() {
        CaptureEvent::Snapshot(s) => {
            state.on_snapshot(&s);
        }
        CaptureEvent::Stream(StreamEvent::Depth(d)) => {
            state.on_depth(d);
        }
        CaptureEvent::Stream(StreamEvent::BookTicker(t)) => state.on_book_ticker(t),
        CaptureEvent::Stream(StreamEvent::Trade(t)) => state.on_trade(t),
        CaptureEvent::Stream(StreamEvent::Kline {
            interval, kline, ..
        }) => state.on_kline(interval, kline),
        CaptureEvent::Stream(StreamEvent::Ticker(t)) => state.on_ticker(t),
        CaptureEvent::Stream(_) => {}
    }
}

fn run(symbol: &str, lines: &[CaptureLine]) -> MarketState {
    let mut state = MarketState::new(symbol, Interval::M1);
    for l in lines {
        feed(&mut state, &l.json);
    }
    state
}

fn replay(c: &mut Criterion) {
    let btc = common::btc_lines();
    let eth = capture::lines(capture::ETHUSDT_CAPTURE).unwrap();
    for (symbol, lines) in [("BTCUSDT", &btc), ("ETHUSDT", &eth)] {
        let s = run(symbol, lines);
        assert!(s.sync.is_live() && s.sync.resyncs() == 0);
    }
    let mut g = c.benchmark_group("replay");
    g.sample_size(20);
    g.throughput(Throughput::Elements(btc.len() as u64));
    g.bench_function(format!("btcusdt_{}_msgs", btc.len()), |b| {
        b.iter(|| run("BTCUSDT", &btc))
    });
    g.bench_function("btcusdt_decode_only", |b| {
        b.iter(|| {
            btc.iter()
                .map(|l| capture::decode(&l.json).unwrap())
                .filter(|e| matches!(e, CaptureEvent::Stream(StreamEvent::Depth(_))))
                .count()
        })
    });
    g.throughput(Throughput::Elements(eth.len() as u64));
    g.bench_function(format!("ethusdt_{}_msgs", eth.len()), |b| {
        b.iter(|| run("ETHUSDT", &eth))
    });
    g.finish();
}

criterion_group!(benches, replay);
criterion_main!(benches);
