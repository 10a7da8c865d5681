//! Order-book work: applying the real capture's diffs to the real
//! snapshot, and a 20-level depthUpdate parsed and applied.

mod common;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use tradeterm::domain::DepthUpdate;
use tradeterm::exchange::wire::{self, StreamEvent};
use tradeterm::market::OrderBook;

fn depth(text: &str) -> DepthUpdate {
    match wire::parse_stream(text).unwrap() {
        StreamEvent::Depth(d) => d,
        other => panic!("not depth: {other:?}"),
    }
}

fn book(c: &mut Criterion) {
    let lines = common::btc_lines();
    let snap = common::snapshot(&lines);
    let mut base = OrderBook::new();
    base.load(&snap.bids, &snap.asks, snap.last_update_id);
    // Every diff the live book applies (the straddling one onwards).
    let diffs: Vec<DepthUpdate> = lines
        .iter()
        .filter(|l| l.json.contains("@depth@100ms"))
        .map(|l| depth(&l.json))
        .filter(|d| d.final_id > snap.last_update_id)
        .collect();
    let levels: usize = diffs.iter().map(|d| d.bids.len() + d.asks.len()).sum();

    let mut g = c.benchmark_group("book");
    g.throughput(Throughput::Elements(levels as u64));
    g.bench_function(format!("apply_real_diffs_{levels}_levels"), |b| {
        b.iter_batched_ref(
            || base.clone(),
            |book| {
                for d in &diffs {
                    book.apply_levels(&d.bids, &d.asks);
                    book.last_update_id = d.final_id;
                }
                assert!(!book.is_crossed());
            },
            BatchSize::LargeInput,
        )
    });

    // depth20: two messages alternating inserts/removes/updates near the
    // touch, parsed and applied as BookSync does (apply, crossed check).
    let msgs = [common::depth20(&snap, 0), common::depth20(&snap, 1)];
    g.throughput(Throughput::Elements(2));
    let mut live = base.clone();
    g.bench_function("depth20_parse_apply/parse_stream", |b| {
        b.iter(|| {
            for m in &msgs {
                let d = depth(black_box(m));
                live.apply_levels(&d.bids, &d.asks);
                assert!(!live.is_crossed());
            }
        })
    });
    let mut live = base.clone();
    g.bench_function("depth20_parse_apply/serde", |b| {
        b.iter(|| {
            for m in &msgs {
                let StreamEvent::Depth(d) = wire::parse_stream_serde(black_box(m)).unwrap() else {
                    unreachable!()
                };
                live.apply_levels(&d.bids, &d.asks);
                assert!(!live.is_crossed());
            }
        })
    });

    g.throughput(Throughput::Elements(1));
    g.bench_function("best_bid_ask", |b| {
        b.iter(|| (black_box(&base).best_bid(), black_box(&base).best_ask()))
    });
    g.bench_function("top20_both_sides", |b| {
        b.iter(|| (black_box(&base).bids.top(20), black_box(&base).asks.top(20)))
    });
    g.finish();
}

criterion_group!(benches, book);
criterion_main!(benches);
