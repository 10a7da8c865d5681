//! Building the [`View`] the market engine publishes each frame: a
//! snapshot of the market, connection, trading and strategy state, cut to
//! what the screen shows.

use super::Engine;
use crate::engine::view::{BookView, View, VIEW_CANDLES, VIEW_LEVELS, VIEW_TRADES};
use std::sync::Arc;

impl Engine {
    pub(super) fn view(&self) -> View {
        let m = &self.market;
        let sync = &m.sync;
        let live = sync.is_live();
        let (pd, qd) = m
            .info
            .as_ref()
            .map(|i| (i.price_decimals(), i.qty_decimals()))
            .unwrap_or((2, 5));
        View {
            seq: self.seq,
            mode: Some(self.s.mode),
            rest_url: self.s.rest_url.clone(),
            ws_url: self.s.ws_url.clone(),
            symbol: m.symbol.clone(),
            symbols: self.symbols.clone(),
            watchlist: Arc::new(self.s.watchlist.clone()),
            price_decimals: pd,
            qty_decimals: qd,
            conn: Some(self.conn.clone()),
            rest: crate::engine::view::RestState {
                used_weight_1m: self.rest.used_weight(),
                weight_limit_1m: self.weight_limit,
                backoff_secs: self
                    .rest
                    .backoff_remaining()
                    .map(|d| d.as_secs_f64().ceil() as u64),
                last_error: self.last_rest_error.clone(),
            },
            book: BookView {
                status: sync.status(),
                resyncs: sync.resyncs(),
                last_update_id: sync.last_update_id(),
                bids: if live {
                    sync.book().bids.top(VIEW_LEVELS)
                } else {
                    Vec::new()
                },
                asks: if live {
                    sync.book().asks.top(VIEW_LEVELS)
                } else {
                    Vec::new()
                },
                snapshots: self.snapshots_fetched,
            },
            book_ticker: m.book_ticker.clone(),
            ticker: m.ticker.clone(),
            trades: m.trades.iter().take(VIEW_TRADES).cloned().collect(),
            interval: Some(m.candles.interval),
            candles: m.candles.tail(VIEW_CANDLES).to_vec(),
            latency_ms: self.latency_ms,
            clock_offset_ms: self.clock_offset_ms,
            messages: self.messages,
            trading: self
                .trading
                .as_ref()
                .map(|t| t.view(&self.market, self.s.mode.badge())),
            trading_error: self.trading_error.clone(),
            strategies: self.strategies.rows(
                &crate::engine::strategies::Markets {
                    primary: &self.market,
                    extra: &self.extra,
                },
                &self
                    .trading
                    .as_ref()
                    .map(|t| t.venue_name())
                    .unwrap_or_default(),
            ),
        }
    }
}
