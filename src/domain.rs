//! Plain market-data types shared by the exchange adapter, market state, the
//! simulator and the UI. Prices and quantities are exact [`Fx`] values.

use crate::fixed::Fx;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Milliseconds since the Unix epoch, as Binance sends times.
pub type Millis = i64;

/// Order side; for trades, the side of the aggressor (taker).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "BUY",
            Side::Sell => "SELL",
        }
    }
}

/// Kline intervals Binance Spot supports (`1m` minute vs `1M` month).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Interval {
    S1,
    M1,
    M3,
    M5,
    M15,
    M30,
    H1,
    H2,
    H4,
    H6,
    H8,
    H12,
    D1,
    D3,
    W1,
    Mo1,
}

impl Interval {
    pub const ALL: [Interval; 16] = [
        Interval::S1,
        Interval::M1,
        Interval::M3,
        Interval::M5,
        Interval::M15,
        Interval::M30,
        Interval::H1,
        Interval::H2,
        Interval::H4,
        Interval::H6,
        Interval::H8,
        Interval::H12,
        Interval::D1,
        Interval::D3,
        Interval::W1,
        Interval::Mo1,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Interval::S1 => "1s",
            Interval::M1 => "1m",
            Interval::M3 => "3m",
            Interval::M5 => "5m",
            Interval::M15 => "15m",
            Interval::M30 => "30m",
            Interval::H1 => "1h",
            Interval::H2 => "2h",
            Interval::H4 => "4h",
            Interval::H6 => "6h",
            Interval::H8 => "8h",
            Interval::H12 => "12h",
            Interval::D1 => "1d",
            Interval::D3 => "3d",
            Interval::W1 => "1w",
            Interval::Mo1 => "1M",
        }
    }

    pub fn parse(s: &str) -> Option<Interval> {
        Interval::ALL.into_iter().find(|i| i.as_str() == s)
    }

    /// Nominal length in milliseconds (a month counts as 30 days; only used
    /// for bucketing by the simulator and for chart spacing).
    pub fn millis(self) -> i64 {
        const M: i64 = 60_000;
        match self {
            Interval::S1 => 1_000,
            Interval::M1 => M,
            Interval::M3 => 3 * M,
            Interval::M5 => 5 * M,
            Interval::M15 => 15 * M,
            Interval::M30 => 30 * M,
            Interval::H1 => 60 * M,
            Interval::H2 => 120 * M,
            Interval::H4 => 240 * M,
            Interval::H6 => 360 * M,
            Interval::H8 => 480 * M,
            Interval::H12 => 720 * M,
            Interval::D1 => 1440 * M,
            Interval::D3 => 3 * 1440 * M,
            Interval::W1 => 7 * 1440 * M,
            Interval::Mo1 => 30 * 1440 * M,
        }
    }

    /// The next longer (`+1`) or shorter (`-1`) interval, saturating.
    pub fn step(self, dir: i32) -> Interval {
        let idx = Interval::ALL.iter().position(|i| *i == self).unwrap_or(1) as i32;
        let n = (idx + dir).clamp(0, Interval::ALL.len() as i32 - 1);
        Interval::ALL[n as usize]
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One price level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Level {
    pub price: Fx,
    pub qty: Fx,
}

/// A `depthUpdate` event: absolute quantities for the levels that changed
/// between update ids `first_id` (`U`) and `final_id` (`u`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DepthUpdate {
    pub symbol: String,
    pub event_time: Millis,
    pub first_id: u64,
    pub final_id: u64,
    pub bids: Vec<(Fx, Fx)>,
    pub asks: Vec<(Fx, Fx)>,
}

/// A REST `GET /api/v3/depth` snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DepthSnapshot {
    pub last_update_id: u64,
    pub bids: Vec<(Fx, Fx)>,
    pub asks: Vec<(Fx, Fx)>,
}

/// Best bid/ask from the `bookTicker` stream (spot carries no event time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookTicker {
    pub symbol: String,
    pub update_id: u64,
    pub bid: Fx,
    pub bid_qty: Fx,
    pub ask: Fx,
    pub ask_qty: Fx,
}

/// A trade from `@trade` or `@aggTrade`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trade {
    pub symbol: String,
    pub id: u64,
    pub price: Fx,
    pub qty: Fx,
    pub time: Millis,
    pub event_time: Millis,
    /// The side of the taker: `m == true` (buyer is maker) means a SELL.
    pub aggressor: Side,
}

/// One candle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kline {
    pub open_time: Millis,
    pub close_time: Millis,
    pub open: Fx,
    pub high: Fx,
    pub low: Fx,
    pub close: Fx,
    /// Volumes are sums over many trades and can exceed `Fx`'s range
    /// (a month of BTCUSDT quote volume, a day of PEPE base volume).
    pub volume: Decimal,
    pub quote_volume: Decimal,
    pub trades: u64,
    pub closed: bool,
}

/// 24-hour rolling statistics (`@ticker` stream or `GET /api/v3/ticker/24hr`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Ticker24h {
    pub symbol: String,
    pub event_time: Millis,
    pub last: Fx,
    pub change: Fx,
    /// Percent with Binance's own precision (e.g. `-1.234`).
    pub change_pct: Fx,
    pub open: Fx,
    pub high: Fx,
    pub low: Fx,
    pub volume: Decimal,
    pub quote_volume: Decimal,
    pub trades: u64,
}

/// A symbol from exchangeInfo with the filters later issues validate against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolInfo {
    pub symbol: String,
    pub status: String,
    pub base: String,
    pub quote: String,
    pub tick_size: Fx,
    pub step_size: Fx,
    pub min_qty: Fx,
    pub max_qty: Fx,
    pub min_price: Fx,
    pub max_price: Fx,
    pub min_notional: Fx,
    /// Every filter object as Binance sent it, for the trading layer.
    pub filters: Vec<serde_json::Value>,
}

impl SymbolInfo {
    /// Fractional digits to show for prices (from tickSize; 2 if unknown).
    pub fn price_decimals(&self) -> u32 {
        if self.tick_size.is_zero() {
            2
        } else {
            self.tick_size.decimals()
        }
    }

    /// Fractional digits to show for quantities (from stepSize; 5 if unknown).
    pub fn qty_decimals(&self) -> u32 {
        if self.step_size.is_zero() {
            5
        } else {
            self.step_size.decimals()
        }
    }
}
