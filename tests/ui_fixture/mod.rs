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
use tradeterm::engine::{
    BookView, ConnState, Notice, PositionRow, RestState, RoundTripRow, StrategyRow, StrategyStatus,
    TradingView, View,
};
use tradeterm::fixed::Fx;
use tradeterm::logging::{LogBuffer, LogLine};
use tradeterm::market::BookStatus;
use tradeterm::strategy::StrategyState;
use tradeterm::trading::account::{Balance, Fill};
use tradeterm::trading::filters::SymbolFilters;
use tradeterm::trading::order::{Order, OrderStatus, OrderType, TimeInForce};
use tradeterm::ui::{Clock, ColorDepth, Theme, UiOptions, UiState};

pub fn fx(s: &str) -> Fx {
    Fx::parse(s).unwrap()
}

/// An exact decimal from text (never through f64).
pub fn d(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
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
        rest_url: "http://127.0.0.1:9000".into(),
        ws_url: "ws://127.0.0.1:9000".into(),
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
        trading_error: None,
        strategies: Vec::new(),
    }
}

/// BTCUSDT's filters as Binance sends them (tick 0.01, step 0.00001,
/// NOTIONAL min 5, PERCENT_PRICE_BY_SIDE 5x / 0.2x, 200 orders).
pub fn btc_filters() -> SymbolFilters {
    SymbolFilters {
        min_price: d("0.01"),
        max_price: d("1000000"),
        tick_size: d("0.01"),
        min_qty: d("0.00001"),
        max_qty: d("9000"),
        step_size: d("0.00001"),
        market_min_qty: d("0"),
        market_max_qty: d("169.00949758"),
        market_step_size: d("0"),
        min_notional: d("5"),
        max_notional: d("9000000"),
        apply_min_to_market: true,
        apply_max_to_market: false,
        percent_price: Some([d("5"), d("0.2"), d("5"), d("0.2")]),
        max_num_orders: Some(200),
    }
}

// A table row of the fixture, one argument per column.
#[allow(clippy::too_many_arguments)]
fn order(
    n: u32,
    symbol: &str,
    side: Side,
    kind: OrderType,
    price: Option<&str>,
    qty: &str,
    status: OrderStatus,
    executed: &str,
) -> Order {
    Order {
        client_order_id: format!("tt-man-{n}"),
        exchange_id: Some(1000 + n as i64),
        symbol: symbol.into(),
        side,
        kind,
        tif: (kind != OrderType::Market).then_some(TimeInForce::Gtc),
        price: price.map(d),
        stop_price: None,
        qty: Some(d(qty)),
        quote_qty: None,
        status,
        executed_qty: d(executed),
        cum_quote: d("0"),
        updated_ms: T0 - (n as i64) * 60_000,
    }
}

fn fill(n: i64, side: Side, price: &str, qty: &str, fee: &str, asset: &str, maker: bool) -> Fill {
    Fill {
        symbol: "BTCUSDT".into(),
        trade_id: 500 + n,
        order_id: 1000 + n,
        client_order_id: format!("tt-man-{n}"),
        side,
        price: d(price),
        qty: d(qty),
        quote_qty: d(price) * d(qty),
        commission: d(fee),
        commission_asset: asset.into(),
        is_maker: maker,
        time: T0 - n * 45_000,
    }
}

/// A paper account with open orders on two symbols, fills, positions and a
/// winning and a losing round trip.
pub fn trading_view() -> TradingView {
    use OrderStatus::*;
    use OrderType::*;
    TradingView {
        venue: "paper".into(),
        can_trade: true,
        reconciled: true,
        resolving: 0,
        blocked_reason: None,
        halted: None,
        open_orders: vec![
            order(
                1,
                "BTCUSDT",
                Side::Buy,
                Limit,
                Some("61000.00"),
                "0.01",
                New,
                "0",
            ),
            order(
                2,
                "BTCUSDT",
                Side::Sell,
                Limit,
                Some("62500"),
                "0.01",
                PartiallyFilled,
                "0.004",
            ),
            order(
                3,
                "ETHUSDT",
                Side::Buy,
                Limit,
                Some("3800.5"),
                "0.5",
                New,
                "0",
            ),
        ],
        recent_orders: vec![
            order(
                4,
                "BTCUSDT",
                Side::Buy,
                Market,
                None,
                "0.02",
                Filled,
                "0.02",
            ),
            order(
                5,
                "BTCUSDT",
                Side::Sell,
                LimitMaker,
                Some("63000"),
                "0.01",
                Canceled,
                "0",
            ),
        ],
        fills: vec![
            fill(2, Side::Sell, "62500", "0.004", "0.25", "USDT", true),
            fill(4, Side::Buy, "61837.63", "0.02", "0.00002", "BTC", false),
        ],
        balances: vec![
            Balance {
                asset: "USDT".into(),
                free: d("10000"),
                locked: d("610"),
            },
            Balance {
                asset: "BTC".into(),
                free: d("0.5"),
                locked: d("0.006"),
            },
        ],
        positions: vec![
            PositionRow {
                symbol: "BTCUSDT".into(),
                qty: d("0.506"),
                avg_entry: d("60000"),
                mark: Some(d("61837.625")),
                unrealized_pnl: d("929.838"),
                realized_pnl: d("12.34"),
                fees: d("1.2345"),
            },
            PositionRow {
                symbol: "ETHUSDT".into(),
                qty: d("0"),
                avg_entry: d("0"),
                mark: None,
                unrealized_pnl: d("0"),
                realized_pnl: d("-6.95"),
                fees: d("0.39"),
            },
        ],
        round_trips: vec![
            RoundTripRow {
                symbol: "BTCUSDT".into(),
                qty: d("0.01"),
                entry_avg: d("60000"),
                exit_avg: d("61200"),
                pnl: d("11.88"),
                return_pct: d("1.98"),
                opened_ms: T0 - 3_600_000,
                closed_ms: T0 - 600_000,
            },
            RoundTripRow {
                symbol: "ETHUSDT".into(),
                qty: d("0.5"),
                entry_avg: d("3900"),
                exit_avg: d("3890"),
                pnl: d("-6.95"),
                return_pct: d("-0.36"),
                opened_ms: T0 - 7_200_000,
                closed_ms: T0 - 5_400_000,
            },
        ],
        daily_realized_pnl: d("4.93"),
        maker_fee: d("0.0008"),
        taker_fee: d("0.001"),
        filters: Some(btc_filters()),
        base_asset: "BTC".into(),
        quote_asset: "USDT".into(),
        notice: Some(Notice {
            error: false,
            client_order_id: None,
            text: "order tt-man-2 accepted".into(),
            time_ms: T0 - 30_000,
        }),
        notices: Vec::new(),
    }
}

/// The market fixture with the paper account attached.
pub fn view_trading() -> View {
    View {
        trading: Some(trading_view()),
        ..view()
    }
}

/// Three strategy instances: a running swing on BTCUSDT with indicators,
/// signal and a last action; a stopped grid on ETHUSDT (never started: no
/// state); a dca stopped by an error, with its reason.
pub fn strategy_rows() -> Vec<StrategyRow> {
    let swing = StrategyRow {
        id: 1,
        name: "swing".into(),
        symbol: "BTCUSDT".into(),
        interval: Interval::M1,
        venue: "paper".into(),
        status: StrategyStatus::Running,
        note: None,
        params: "atr_period=14 atr_stop=0 fast=12 overbought=70 rsi_period=14 size=10 \
                 size_mode=pct slow=26 stop_loss_pct=3 take_profit_pct=6 trailing_pct=0"
            .into(),
        tag: "s1".into(),
        position: d("0.01617"),
        avg_entry: d("61820.10"),
        realized_pnl: d("12.5"),
        unrealized_pnl: d("-0.35"),
        open_orders: 1,
        fills: 3,
        state: Some(StrategyState {
            name: "swing".into(),
            symbol: "BTCUSDT".into(),
            indicators: vec![
                ("EMA 12".into(), "61810.42".into()),
                ("EMA 26".into(), "61750.07".into()),
                ("RSI 14".into(), "55.3".into()),
                ("ATR 14".into(), "42.18".into()),
            ],
            signal: "LONG".into(),
            last_action: Some("BUY 1000 USDT: EMA 12 crossed above EMA 26, RSI 55.3".into()),
            last_action_ms: Some(T0 - 120_000),
        }),
    };
    let grid = StrategyRow {
        id: 2,
        name: "grid".into(),
        symbol: "ETHUSDT".into(),
        interval: Interval::M5,
        venue: "paper".into(),
        status: StrategyStatus::Stopped,
        note: Some("stopped by the user".into()),
        params: "auto_pct=10 initial_buy=true levels=10 lower=3500 on_exit=keep \
                 order_quote=100 spacing=arithmetic upper=4200"
            .into(),
        tag: "s2".into(),
        position: d("0"),
        avg_entry: d("0"),
        realized_pnl: d("4.2"),
        unrealized_pnl: d("0"),
        open_orders: 0,
        fills: 6,
        state: None,
    };
    let dca = StrategyRow {
        id: 3,
        name: "dca".into(),
        symbol: "BTCUSDT".into(),
        interval: Interval::H1,
        venue: "paper".into(),
        status: StrategyStatus::Error("insufficient balance: 50 USDT needed, 3.20 free".into()),
        note: Some("stopped: insufficient balance: 50 USDT needed, 3.20 free".into()),
        params: "dip_pct=0 interval_ms=86400000 max_quote=0 quote_amount=50 take_profit_pct=0"
            .into(),
        tag: "s3".into(),
        position: d("0.00081"),
        avg_entry: d("61700"),
        realized_pnl: d("0"),
        unrealized_pnl: d("0.11"),
        open_orders: 0,
        fills: 1,
        state: Some(StrategyState {
            name: "dca".into(),
            symbol: "BTCUSDT".into(),
            indicators: vec![
                ("buys".into(), "1".into()),
                ("spent".into(), "50".into()),
                ("last buy".into(), "61700".into()),
            ],
            signal: "WAIT: cannot buy: insufficient balance".into(),
            last_action: Some("BUY 50 USDT: scheduled buy 1".into()),
            last_action_ms: Some(T0 - 3_600_000),
        }),
    };
    vec![swing, grid, dca]
}

/// The trading fixture with [`strategy_rows`].
pub fn view_strategies() -> View {
    View {
        strategies: strategy_rows(),
        ..view_trading()
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

/// Types `s` one character at a time.
pub fn keys(u: &mut tradeterm::ui::UiState, v: &View, s: &str) {
    for c in s.chars() {
        tradeterm::ui::handle_key(u, ch(c), v);
    }
}

/// Where `needle` starts on screen (column, row).
pub fn find(buf: &ratatui::buffer::Buffer, needle: &str) -> (u16, u16) {
    let s = text(buf);
    let (y, line) = s
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not on screen\n{s}"));
    let x = line[..line.find(needle).unwrap()].chars().count();
    (x as u16, y as u16)
}

pub fn has_all(s: &str, needles: &[&str]) {
    for n in needles {
        assert!(s.contains(n), "missing {n:?} in\n{s}");
    }
}
