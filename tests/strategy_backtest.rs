//! The four built-in strategies backtested against real data through the
//! real paper venue: swing, grid and DCA on the 1h klines in `data/`,
//! scalping on the recorded BTCUSDT capture. Each run must trade, must be
//! reproducible (a second run gives the same orders and fills), and must
//! keep the books straight: balances equal the start plus what the fills
//! moved, each fill conserves `quote + base × price` except its fee, no
//! free balance ever goes negative, and no strategy sells base it did not
//! buy. Windows are kept to a couple of thousand klines (debug builds).

use rust_decimal::Decimal;
use std::sync::OnceLock;
use tradeterm::capture::{CaptureEvent, BTCUSDT_CAPTURE};
use tradeterm::domain::{Kline, Side};
use tradeterm::strategy::backtest::{self, klines::KlineModel, Backtest, Report, Setup};
use tradeterm::strategy::catalog;
use tradeterm::trading::filters::SymbolFilters;

const HOUR: i64 = 3_600_000;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn filters(symbol: &str) -> SymbolFilters {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/binance/real_rest_exchangeInfo_BTCUSDT_ETHUSDT_2023-08-13.json"
    ))
    .unwrap();
    let info = tradeterm::exchange::wire::parse_exchange_info(&text).unwrap();
    let s = info.symbols.iter().find(|s| s.symbol == symbol).unwrap();
    SymbolFilters::from_json(&s.filters)
}

fn setup(symbol: &str, base: &str, quote_balance: &str) -> Setup {
    Setup {
        symbol: symbol.into(),
        base: base.into(),
        quote: "USDT".into(),
        filters: filters(symbol),
        maker_fee: d("0.001"),
        taker_fee: d("0.001"),
        base_balance: d("0.5"),
        quote_balance: d(quote_balance),
        tag: "bt1".into(),
    }
}

fn klines(file: &str) -> Vec<Kline> {
    let path = format!("{}/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let rows = tradeterm::klines_csv::read(std::path::Path::new(&path)).unwrap();
    backtest::klines::from_rows(&rows, HOUR).unwrap()
}

fn btc_1h() -> &'static [Kline] {
    static K: OnceLock<Vec<Kline>> = OnceLock::new();
    K.get_or_init(|| klines("BTCUSDT_spot_1h_2022-01-01_2025-12-02.csv.gz"))
}

fn eth_1h() -> &'static [Kline] {
    static K: OnceLock<Vec<Kline>> = OnceLock::new();
    K.get_or_init(|| klines("ETHUSDT_spot_1h_2022-01-01_2025-12-02.csv.gz"))
}

fn run_klines(s: Setup, name: &str, params: &str, k: &[Kline]) -> Backtest {
    let p = catalog::parse_params(name, params).unwrap();
    let strategy = catalog::build(name, &s.symbol, &p).unwrap();
    backtest::klines::run(s, strategy, k, &KlineModel::default())
}

/// The bookkeeping every run must satisfy.
fn check_books(r: &Report, s: &Setup) {
    let (mut base, mut quote) = (s.base_balance, s.quote_balance);
    let mut own_base = Decimal::ZERO;
    for f in &r.fills {
        let fee_base = if f.commission_asset == s.base {
            f.commission
        } else {
            Decimal::ZERO
        };
        let fee_quote = if f.commission_asset == s.quote {
            f.commission
        } else {
            Decimal::ZERO
        };
        let (db, dq) = match f.side {
            Side::Buy => (f.qty - fee_base, -f.quote_qty - fee_quote),
            Side::Sell => (-f.qty - fee_base, f.quote_qty - fee_quote),
        };
        assert_eq!(f.quote_qty, f.price * f.qty, "fill {}", f.trade_id);
        // Value at the fill price is conserved except the fee.
        assert_eq!(
            dq + db * f.price,
            -(fee_quote + fee_base * f.price),
            "fill {}",
            f.trade_id
        );
        base += db;
        quote += dq;
        own_base += db;
        assert!(
            own_base >= Decimal::ZERO,
            "sold base it did not buy at fill {}",
            f.trade_id
        );
    }
    assert_eq!(
        r.final_base.free + r.final_base.locked,
        base,
        "base balance"
    );
    assert_eq!(
        r.final_quote.free + r.final_quote.locked,
        quote,
        "quote balance"
    );
    assert!(
        r.lowest_free.0 >= Decimal::ZERO && r.lowest_free.1 >= Decimal::ZERO,
        "{:?}",
        r.lowest_free
    );
    assert!(r.final_base.locked >= Decimal::ZERO && r.final_quote.locked >= Decimal::ZERO);
    // The strategy's position is what it bought net of what it sold.
    assert_eq!(r.position.qty, own_base);
}

/// Runs twice and checks the second run repeats the first exactly.
fn twice(run: impl Fn() -> Backtest) -> Report {
    let a = run().report();
    let b = run().report();
    assert_eq!(a.fills, b.fills, "fills differ between runs");
    assert_eq!(a.orders, b.orders, "orders differ between runs");
    assert_eq!(a.refusals, b.refusals);
    assert_eq!(a.final_quote, b.final_quote);
    println!("{a}");
    a
}

#[test]
fn swing_trades_btc_1h_reproducibly() {
    let k = &btc_1h()[..2000];
    let s = setup("BTCUSDT", "BTC", "10000");
    let r = twice(|| run_klines(s.clone(), "swing", "", k));
    check_books(&r, &s);
    assert!(r.round_trips.len() >= 5, "{}", r.round_trips.len());
    assert!(
        r.fills.iter().all(|f| !f.is_maker),
        "swing trades at market"
    );
    assert!(r.refusals.is_empty(), "{:?}", r.refusals.first());
    // Entries are 10 % of free quote, never more.
    let first = &r.orders[0];
    assert_eq!(first.quote_qty, Some(d("1000")));
}

#[test]
fn swing_with_atr_and_trailing_stops_trades_eth_1h() {
    let k = &eth_1h()[..2000];
    let s = setup("ETHUSDT", "ETH", "5000");
    let params =
        "size_mode=quote size=500 stop_loss_pct=0 take_profit_pct=0 atr_stop=2 trailing_pct=4";
    let r = twice(|| run_klines(s.clone(), "swing", params, k));
    check_books(&r, &s);
    assert!(r.round_trips.len() >= 5, "{}", r.round_trips.len());
    assert!(r
        .orders
        .iter()
        .filter(|o| o.side == Side::Buy)
        .all(|o| o.quote_qty == Some(d("500"))));
}

#[test]
fn grid_trades_btc_1h_reproducibly() {
    let k = &btc_1h()[..1000];
    let s = setup("BTCUSDT", "BTC", "20000");
    let params = "levels=12 spacing=geometric order_quote=500 auto_pct=10";
    let r = twice(|| run_klines(s.clone(), "grid", params, k));
    check_books(&r, &s);
    assert!(
        r.fills.iter().filter(|f| f.is_maker).count() >= 10,
        "resting grid orders filled"
    );
    let pairs = r
        .state
        .indicators
        .iter()
        .find(|i| i.0 == "pairs done")
        .unwrap();
    assert!(pairs.1.parse::<u32>().unwrap() >= 3, "{pairs:?}");
    // Grid sells only rest above a level it bought at (or the initial buy).
    assert!(r.refusals.is_empty(), "{:?}", r.refusals.first());
}

#[test]
fn dca_trades_eth_1h_reproducibly() {
    let k = &eth_1h()[..2000];
    let s = setup("ETHUSDT", "ETH", "20000");
    let params = "interval_ms=86400000 quote_amount=100 dip_pct=5 take_profit_pct=8";
    let r = twice(|| run_klines(s.clone(), "dca", params, k));
    check_books(&r, &s);
    let buys = r.orders.iter().filter(|o| o.side == Side::Buy).count();
    // 2000 hours hold 83 scheduled days, plus dip buys.
    assert!(buys >= 83, "{buys}");
    assert!(
        r.orders.iter().any(|o| o.side == Side::Sell),
        "a take-profit happened"
    );
}

fn btc_capture() -> &'static [CaptureEvent] {
    static E: OnceLock<Vec<CaptureEvent>> = OnceLock::new();
    E.get_or_init(|| backtest::capture::decode(BTCUSDT_CAPTURE).unwrap())
}

#[test]
fn scalping_trades_the_real_btc_capture_reproducibly() {
    let s = setup("BTCUSDT", "BTC", "10000");
    let params = "order_quote=200 tp_ticks=3 sl_ticks=200 max_hold_ms=30000 requote_ms=3000 min_imbalance=0.55";
    let run = || {
        let p = catalog::parse_params("scalping", params).unwrap();
        let strategy = catalog::build("scalping", "BTCUSDT", &p).unwrap();
        backtest::capture::run(s.clone(), strategy, btc_capture(), 20)
    };
    let r = twice(run);
    check_books(&r, &s);
    let entries = r.fills.iter().filter(|f| f.side == Side::Buy).count();
    assert!(entries >= 2, "{entries}");
    assert!(r.fills.iter().any(|f| f.side == Side::Sell));
    assert!(
        r.fills
            .iter()
            .filter(|f| f.side == Side::Buy)
            .all(|f| f.is_maker),
        "entries are maker"
    );
    assert!(
        r.orders.len() > entries,
        "stale quotes were cancelled and re-quoted"
    );
}

#[test]
fn scalping_trades_btc_1m_klines_reproducibly() {
    // The synthetic book is symmetric (bid share 0.5) with a two-tick
    // spread: thresholds that let it quote there.
    let path = format!(
        "{}/data/BTCUSDT_spot_1m_2024-12-01_2024-12-30_CET.csv.gz",
        env!("CARGO_MANIFEST_DIR")
    );
    let rows = tradeterm::klines_csv::read(std::path::Path::new(&path)).unwrap();
    let k = backtest::klines::from_rows(&rows[..1500], 60_000).unwrap();
    let s = setup("BTCUSDT", "BTC", "10000");
    let params = "min_imbalance=0.5 max_spread=2 tp_ticks=2000 sl_ticks=5000 max_hold_ms=600000";
    let r = twice(|| run_klines(s.clone(), "scalping", params, &k));
    check_books(&r, &s);
    assert!(r.round_trips.len() >= 5, "{}", r.round_trips.len());
    assert!(r
        .fills
        .iter()
        .filter(|f| f.side == Side::Buy)
        .all(|f| f.is_maker));
}
