//! One full frame of the trading screen at 200x50 into ratatui's
//! TestBackend: the realistic market picture of the UI tests (live book,
//! trades of both sides, candles, ticker, log lines), drawn with changing
//! data each iteration so nothing is cached.
//!
//! `full_frame_200x50` uses the default settings (EMA lines on). The
//! `overlays` cases turn everything on (EMA, Bollinger, MACD pane): with
//! the live candle moving every frame (the series are recomputed each
//! time, the worst case) and with only the book moving (the overlay cache
//! is hit, as on most frames of a real session).

#[path = "../tests/ui_fixture/mod.rs"]
mod ui_fixture;

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::hint::black_box;
use tradeterm::config::SubPane;

fn bench(c: &mut Criterion, name: &str, all_overlays: bool, move_candle: bool) {
    let mut view = ui_fixture::view();
    let logs = ui_fixture::logs();
    let mut ui = ui_fixture::ui();
    if all_overlays {
        ui.overlays.ema = true;
        ui.overlays.bb = true;
        ui.overlays.sub = SubPane::Macd;
    }
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let mut n: i64 = 0;
    c.bench_function(name, |b| {
        b.iter(|| {
            // Move the market a little so every frame differs.
            n += 1;
            if move_candle {
                if let Some(k) = view.candles.last_mut() {
                    k.close.0 += if n % 2 == 0 { 1_000_000 } else { -1_000_000 };
                }
            }
            if let Some(l) = view.book.bids.first_mut() {
                l.1 .0 += 1;
            }
            view.seq += 1;
            term.draw(|f| tradeterm::ui::draw(f, &mut ui, &view, &logs))
                .unwrap();
            black_box(term.backend().buffer().area);
        })
    });
}

fn render(c: &mut Criterion) {
    bench(c, "render/full_frame_200x50", false, true);
    bench(c, "render/full_frame_200x50_overlays", true, true);
    bench(c, "render/full_frame_200x50_overlays_cached", true, false);
}

criterion_group!(benches, render);
criterion_main!(benches);
