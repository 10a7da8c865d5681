//! The read-only picture of the market that the engine publishes and the
//! UI renders. Cheap to clone (bounded sizes), never shared mutably.

use crate::config::Mode;
use crate::domain::{BookTicker, Interval, Kline, Ticker24h, Trade};
use crate::fixed::Fx;
use crate::market::BookStatus;
use std::sync::Arc;

/// Levels per side published to the UI (the UI shows `ui.book_depth` of them).
pub const VIEW_LEVELS: usize = 50;
/// Trades published to the UI, newest first.
pub const VIEW_TRADES: usize = 200;
/// Candles published to the UI.
pub const VIEW_CANDLES: usize = 500;

/// State of the market-data stream connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnState {
    Connecting,
    Connected,
    /// Lost or never reached; retrying after `retry_in_secs`.
    Retrying {
        host: String,
        reason: String,
        retry_in_secs: u64,
        attempt: u32,
    },
}

/// REST health: weight used and any ban or back-off in force.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RestState {
    /// Last `X-MBX-USED-WEIGHT-1M`.
    pub used_weight_1m: Option<u32>,
    /// Weight limit per minute from exchangeInfo.
    pub weight_limit_1m: Option<u32>,
    /// Nothing is sent until this many seconds have passed (429/418).
    pub backoff_secs: Option<u64>,
    /// Last REST error shown to the user.
    pub last_error: Option<String>,
}

/// The book as the UI sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookView {
    pub status: BookStatus,
    pub resyncs: u32,
    pub last_update_id: u64,
    /// Best first; empty unless `status == Live`.
    pub bids: Vec<(Fx, Fx)>,
    pub asks: Vec<(Fx, Fx)>,
    /// Depth snapshots fetched so far (stale ones are fetched again).
    pub snapshots: u32,
}

impl Default for BookView {
    fn default() -> Self {
        BookView {
            status: BookStatus::Syncing,
            resyncs: 0,
            last_update_id: 0,
            bids: Vec::new(),
            asks: Vec::new(),
            snapshots: 0,
        }
    }
}

/// Everything the UI draws about the market and the connection.
#[derive(Clone, Debug, Default)]
pub struct View {
    /// Increases with every published change.
    pub seq: u64,
    pub mode: Option<Mode>,
    pub rest_url: String,
    pub ws_url: String,
    pub symbol: String,
    /// All tradable symbols from exchangeInfo (for completion), sorted.
    pub symbols: Arc<Vec<String>>,
    /// Watchlist from config, offered first.
    pub watchlist: Arc<Vec<String>>,
    pub price_decimals: u32,
    pub qty_decimals: u32,
    pub conn: Option<ConnState>,
    pub rest: RestState,
    pub book: BookView,
    pub book_ticker: Option<BookTicker>,
    pub ticker: Option<Ticker24h>,
    /// Newest first.
    pub trades: Vec<Trade>,
    pub interval: Option<Interval>,
    /// Oldest first; the last may be open.
    pub candles: Vec<Kline>,
    /// Receive time minus event time `E` of the latest event, ms.
    pub latency_ms: Option<i64>,
    /// Server time minus local time, ms (positive: local clock is behind).
    pub clock_offset_ms: Option<i64>,
    /// Messages received on the stream connection since start.
    pub messages: u64,
    /// The account; `None` when trading is off (`--read-only`).
    pub trading: Option<super::trading_view::TradingView>,
    /// Why trading could not start (journal locked or corrupt, no WebSocket
    /// API endpoint...), for callers that must not wait for it.
    pub trading_error: Option<String>,
    /// Strategy instances, by id.
    pub strategies: Vec<super::strategy_view::StrategyRow>,
}

impl View {
    /// Best bid and ask for the header: the live book, else bookTicker.
    pub fn best(&self) -> Option<(Fx, Fx)> {
        if let (Some(b), Some(a)) = (self.book.bids.first(), self.book.asks.first()) {
            return Some((b.0, a.0));
        }
        self.book_ticker.as_ref().map(|t| (t.bid, t.ask))
    }
}
