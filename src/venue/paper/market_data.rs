//! Market data drives the venue: trades fill resting orders (queue-aware),
//! trigger stops and mark the liquidity they consumed (see `book_walk`);
//! depth changes shrink the queue ahead.

use super::PaperVenue;
use crate::domain::{Millis, Side, Trade};
use crate::fixed::Fx;
use crate::market::book::OrderBook;
use crate::trading::account::AccountEvent;
use rust_decimal::Decimal;
use std::cmp::Reverse;

impl PaperVenue {
    /// A public trade of `t.symbol`; `book` is the symbol's current book
    /// (a triggered stop may take from it). Returns the account events.
    pub fn on_trade(&mut self, t: &Trade, book: &OrderBook, now: Millis) -> Vec<AccountEvent> {
        self.out.clear();
        let price = t.price.to_decimal();
        self.state.last_price.insert(t.symbol.clone(), price);
        let taken = self.taken.entry(t.symbol.clone()).or_default();
        taken.sync(book);
        taken.trade(t.aggressor, t.price, t.qty);
        self.maker_fills(&t.symbol, price, t.qty.to_decimal(), t.aggressor, now);
        self.trigger_stops(&t.symbol, price, book, now);
        self.finish(now)
    }

    /// The symbol's book changed (`book` is the book after the update):
    /// where the quantity at a resting order's price fell below its
    /// `queue_ahead`, orders ahead were cancelled, so the queue shrinks to
    /// that quantity. Growth is ignored: new orders queue behind ours. The
    /// liquidity our taker orders took is forgotten, as the exchange's book
    /// never knew of it. Call it after every applied diff and after a
    /// resync snapshot.
    pub fn on_depth(&mut self, symbol: &str, book: &OrderBook) {
        self.taken
            .entry(symbol.to_string())
            .or_default()
            .reset(book.last_update_id);
        for o in self.state.open.values_mut() {
            if o.symbol != symbol || !o.is_resting() || o.queue_ahead.is_zero() {
                continue;
            }
            let level = Fx::from_decimal(o.price).unwrap_or_default();
            let at = match o.side {
                Side::Buy => book.bids.qty_at(level),
                Side::Sell => book.asks.qty_at(level),
            }
            .to_decimal();
            if at < o.queue_ahead {
                o.queue_ahead = at;
            }
        }
    }

    /// Fills resting orders from one trade, best price first, then time.
    fn maker_fills(
        &mut self,
        symbol: &str,
        price: Decimal,
        qty: Decimal,
        aggressor: Side,
        now: Millis,
    ) {
        let mut ids: Vec<(Side, Decimal, i64)> = self
            .state
            .open
            .values()
            .filter(|o| o.symbol == symbol && o.is_resting())
            .map(|o| (o.side, o.price, o.order_id))
            .collect();
        ids.sort_by_key(|&(side, p, id)| match side {
            Side::Buy => (0, Reverse(p), Decimal::ZERO, id),
            Side::Sell => (1, Reverse(Decimal::ZERO), p, id),
        });
        // What of the trade is left to fill our orders: each traded unit
        // fills at most one of them.
        let mut pool = qty;
        for (_, _, id) in ids {
            let Some(o) = self.state.open.get_mut(&id) else {
                continue;
            };
            let through = match o.side {
                Side::Buy => price < o.price,
                Side::Sell => price > o.price,
            };
            let at = price == o.price && aggressor != o.side;
            let fillable = if through {
                o.queue_ahead = Decimal::ZERO;
                pool
            } else if at {
                let eaten = o.queue_ahead.min(qty);
                o.queue_ahead -= eaten;
                (qty - eaten).min(pool)
            } else {
                continue;
            };
            let f = fillable.min(o.remaining());
            if f <= Decimal::ZERO {
                continue;
            }
            pool -= f;
            let (list, at_price) = (o.order_list_id, o.price);
            self.fill(id, at_price, f, true, false, now);
            if list >= 0 {
                self.end_list(list, id, now);
            }
        }
    }

    /// Stops whose trigger the last price met start working as LIMIT.
    fn trigger_stops(&mut self, symbol: &str, last: Decimal, book: &OrderBook, now: Millis) {
        let ids: Vec<i64> = self
            .state
            .open
            .values()
            .filter(|o| o.symbol == symbol && o.is_stop() && !o.working && o.triggers_at(last))
            .map(|o| o.order_id)
            .collect();
        for id in ids {
            let Some(o) = self.state.open.get_mut(&id) else {
                continue; // the other leg of an OCO ended it
            };
            o.working = true;
            o.updated_ms = now;
            let list = o.order_list_id;
            tracing::debug!(order = id, %last, "paper stop triggered");
            if list >= 0 {
                self.end_list(list, id, now);
            }
            self.execute_limit(id, book, now);
        }
    }
}
