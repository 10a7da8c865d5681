//! A realistic, deterministic market picture and helpers shared by the UI
//! screen tests.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use std::sync::Arc;
use tradeterm::config::{ColorChoice, Config, Mode};
use tradeterm::domain::{BookTicker, Interval, Kline, Side, Ticker24h, Trade};
use tradeterm::engine::{BookView, ConnState, RestState, View};
use tradeterm::fixed::Fx;
use tradeterm::logging::{LogBuffer, LogLine};
use tradeterm::market::BookStatus;
use tradeterm::ui::{Clock, ColorDepth, Theme, UiOptions, UiState};

pub fn fx(s: &str) -> Fx {
    Fx::parse(s).unwrap()
}

/// 2021-10-22T12:00:00Z in ms.
pub const T0: i64 = 1_634_904_000_000;

/// Deterministic pseudo-random numbers (no dependency, no seed drift).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

pub fn view() -> View {
    let mut rng = Lcg(7);
    let tick = 1_000_000; // 0.01 in Fx units
    let best_bid = fx("61837.62").0;
    let best_ask = fx("61837.63").0;
    let bids = (0..50)
        .map(|i| {
            let q = 1_000 * (1 + rng.next(250_000) as i64); // 0.00001 steps
            (Fx(best_bid - i * tick * (1 + rng.next(3) as i64)), Fx(q))
        })
        .collect::<Vec<_>>();
    let mut bids = bids;
    bids.sort_by_key(|l| std::cmp::Reverse(l.0));
    bids.dedup_by_key(|l| l.0);
    let mut asks = (0..50)
        .map(|i| {
            let q = 1_000 * (1 + rng.next(250_000) as i64);
            (Fx(best_ask + i * tick * (1 + rng.next(3) as i64)), Fx(q))
        })
        .collect::<Vec<_>>();
    asks.sort_by_key(|l| l.0);
    asks.dedup_by_key(|l| l.0);
    let trades = (0..60)
        .map(|i| {
            let side = if rng.next(3) == 0 {
                Side::Sell
            } else {
                Side::Buy
            };
            let price = best_bid + (rng.next(5) as i64 - 2) * tick;
            Trade {
                symbol: "BTCUSDT".into(),
                id: 1000 - i as u64,
                price: Fx(price),
                qty: Fx(1_000 * (1 + rng.next(50_000) as i64)),
                time: T0 - i * 1_700,
                event_time: T0 - i * 1_700,
                aggressor: side,
            }
        })
        .collect();
    let mut candles = Vec::new();
    let mut close = fx("61500.00").0;
    for i in 0..60 {
        let open = close;
        let moved = (rng.next(9_001) as i64 - 4_300) * tick / 100 * 100;
        close = open + moved;
        let high = open.max(close) + rng.next(3_000) as i64 * tick / 100 * 100;
        let low = open.min(close) - rng.next(3_000) as i64 * tick / 100 * 100;
        candles.push(Kline {
            open_time: T0 - (60 - i) * 60_000,
            close_time: T0 - (59 - i) * 60_000 - 1,
            open: Fx(open),
            high: Fx(high),
            low: Fx(low),
            close: Fx(close),
            volume: Fx(1_000 * (1 + rng.next(2_000_000) as i64)).to_decimal(),
            quote_volume: Default::default(),
            trades: 100,
            closed: i < 59,
        });
    }
    View {
        seq: 42,
        mode: Some(Mode::Paper),
        rest_url: "https://data-api.binance.vision".into(),
        ws_url: "wss://data-stream.binance.vision:443".into(),
        symbol: "BTCUSDT".into(),
        symbols: Arc::new(
            [
                "BNBUSDT", "BTCUSDT", "ETHBTC", "ETHUSDC", "ETHUSDT", "SOLUSDT", "XRPUSDT",
            ]
            .map(String::from)
            .to_vec(),
        ),
        watchlist: Arc::new(
            ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT"]
                .map(String::from)
                .to_vec(),
        ),
        price_decimals: 2,
        qty_decimals: 5,
        conn: Some(ConnState::Connected),
        rest: RestState {
            used_weight_1m: Some(57),
            weight_limit_1m: Some(6000),
            backoff_secs: None,
            last_error: None,
        },
        book: BookView {
            status: BookStatus::Live,
            resyncs: 1,
            last_update_id: 123_456,
            bids,
            asks,
            snapshots: 2,
        },
        book_ticker: Some(BookTicker {
            symbol: "BTCUSDT".into(),
            update_id: 1,
            bid: fx("61837.62"),
            bid_qty: fx("1.2"),
            ask: fx("61837.63"),
            ask_qty: fx("0.5"),
        }),
        ticker: Some(Ticker24h {
            symbol: "BTCUSDT".into(),
            event_time: T0,
            last: fx("61837.63"),
            change: fx("1234.5"),
            change_pct: fx("2.036"),
            open: fx("60603.13"),
            high: fx("62100"),
            low: fx("60250.5"),
            volume: "21345.12345".parse().unwrap(),
            quote_volume: "1312456789.4567".parse().unwrap(),
            trades: 1_000_000,
        }),
        trades,
        interval: Some(Interval::M1),
        candles,
        latency_ms: Some(12),
        clock_offset_ms: Some(-3),
        messages: 1234,
        trading: None,
    }
}

pub fn logs() -> LogBuffer {
    let b = LogBuffer::new();
    let lines = [
        (
            tracing::Level::INFO,
            "tradeterm::engine",
            "started in paper mode",
        ),
        (
            tracing::Level::DEBUG,
            "tradeterm::exchange::ws",
            "subscribed btcusdt@depth@100ms",
        ),
        (
            tracing::Level::WARN,
            "tradeterm::market",
            "book gap: local 100, first 105; resyncing",
        ),
        (
            tracing::Level::INFO,
            "tradeterm::market",
            "book LIVE at 123456",
        ),
        (
            tracing::Level::ERROR,
            "tradeterm::exchange::rest",
            "HTTP 429: too many requests",
        ),
        (
            tracing::Level::INFO,
            "tradeterm::engine",
            "interval 1m, 60 candles",
        ),
    ];
    for (i, (level, target, msg)) in lines.into_iter().enumerate() {
        b.push(LogLine {
            time: format!("12:00:0{i}.000"),
            level,
            target: target.into(),
            message: msg.into(),
        });
    }
    b
}

/// UI state with the clock pinned, UTC times and a fixed colour depth.
pub fn ui_with(depth: ColorDepth) -> UiState {
    let mut cfg = Config::defaults().ui;
    cfg.color = ColorChoice::Never;
    let mut ui = UiState::new(&UiOptions {
        cfg,
        read_only: false,
    });
    ui.theme = Theme::new(depth);
    ui.clock = Clock::Fixed {
        now: "12:34:56".into(),
        utc_offset_secs: 0,
    };
    ui
}

pub fn ui() -> UiState {
    ui_with(ColorDepth::Ansi256)
}

pub fn render(ui: &mut UiState, view: &View, logs: &LogBuffer, w: u16, h: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| tradeterm::ui::draw(f, ui, view, logs))
        .unwrap();
    term.backend().buffer().clone()
}

/// The screen as text, one line per row, trailing spaces trimmed.
pub fn text(buf: &Buffer) -> String {
    let a = buf.area;
    let mut out = String::new();
    for y in a.top()..a.bottom() {
        let mut line = String::new();
        for x in a.left()..a.right() {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}
