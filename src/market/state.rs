//! Everything known about one symbol's market, folded from stream events
//! and REST responses.

use super::book_sync::{BookSync, DiffOutcome, SnapshotOutcome};
use super::candles::CandleSeries;
use crate::domain::{
    BookTicker, DepthSnapshot, DepthUpdate, Interval, Kline, SymbolInfo, Ticker24h, Trade,
};
use std::collections::VecDeque;

/// How many trades the tape keeps.
pub const TAPE_LEN: usize = 500;
/// How many candles a series keeps.
pub const CANDLES_LEN: usize = 1000;

#[derive(Clone, Debug)]
pub struct MarketState {
    pub symbol: String,
    pub info: Option<SymbolInfo>,
    pub sync: BookSync,
    pub ticker: Option<Ticker24h>,
    /// Best bid/ask from the bookTicker stream.
    pub book_ticker: Option<BookTicker>,
    /// Newest first.
    pub trades: VecDeque<Trade>,
    pub candles: CandleSeries,
}

impl MarketState {
    pub fn new(symbol: &str, interval: Interval) -> Self {
        MarketState {
            symbol: symbol.to_string(),
            info: None,
            sync: BookSync::new(),
            ticker: None,
            book_ticker: None,
            trades: VecDeque::with_capacity(TAPE_LEN),
            candles: CandleSeries::new(interval, CANDLES_LEN),
        }
    }

    pub fn on_depth(&mut self, d: DepthUpdate) -> DiffOutcome {
        self.sync.on_diff(d)
    }

    pub fn on_snapshot(&mut self, s: &DepthSnapshot) -> SnapshotOutcome {
        self.sync.on_snapshot(s)
    }

    pub fn on_book_ticker(&mut self, b: BookTicker) {
        // Out-of-order updates (lower id) never replace a newer touch.
        if let Some(cur) = &self.book_ticker {
            if b.update_id != 0 && b.update_id < cur.update_id {
                return;
            }
        }
        self.book_ticker = Some(b);
    }

    pub fn on_trade(&mut self, t: Trade) {
        if self.trades.len() == TAPE_LEN {
            self.trades.pop_back();
        }
        self.trades.push_front(t);
    }

    pub fn on_kline(&mut self, interval: Interval, k: Kline) {
        if interval == self.candles.interval {
            self.candles.update(k);
        }
    }

    pub fn on_ticker(&mut self, t: Ticker24h) {
        self.ticker = Some(t);
    }

    /// Switches the chart interval; history must be fetched again.
    pub fn set_interval(&mut self, interval: Interval) {
        self.candles = CandleSeries::new(interval, CANDLES_LEN);
    }

    /// Best bid and ask: from the synced book when live (it is the more
    /// complete source), else from bookTicker.
    pub fn best(&self) -> Option<(crate::fixed::Fx, crate::fixed::Fx)> {
        if self.sync.is_live() {
            let b = self.sync.book();
            if let (Some(bid), Some(ask)) = (b.best_bid(), b.best_ask()) {
                return Some((bid.0, ask.0));
            }
        }
        self.book_ticker.as_ref().map(|t| (t.bid, t.ask))
    }
}
