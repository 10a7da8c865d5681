//! Executing accepted orders: fills and their money, resting, closing,
//! and the OCO rule that one leg's fill or trigger ends the other.

use super::book_walk::{walk, Walk, Want};
use super::order::TradeDetail;
use super::{PaperOrder, PaperVenue, CLOSED_KEPT};
use crate::domain::{Millis, Side};
use crate::fixed::Fx;
use crate::market::book::OrderBook;
use crate::trading::account::AccountEvent;
use crate::trading::order::{OrderStatus, OrderType, TimeInForce};
use rust_decimal::{Decimal, RoundingStrategy};

/// Commission on `amount`, rounded up to 8 decimals (an asset's precision
/// on Binance), so paper never charges less than the exchange could.
pub(crate) fn commission(amount: Decimal, rate: Decimal) -> Decimal {
    (amount * rate)
        .round_dp_with_strategy(8, RoundingStrategy::ToPositiveInfinity)
        .normalize()
}

impl PaperVenue {
    /// (base, quote) of a registered symbol.
    pub(crate) fn assets(&self, symbol: &str) -> (String, String) {
        self.symbols
            .get(symbol)
            .map(|s| (s.base.clone(), s.quote.clone()))
            .unwrap_or_default()
    }

    /// The asset an order of `side` locks and pays with.
    pub(crate) fn lock_asset(&self, symbol: &str, side: Side) -> String {
        let (base, quote) = self.assets(symbol);
        match side {
            Side::Buy => quote,
            Side::Sell => base,
        }
    }

    /// Gives an accepted order its id and files it as open.
    pub(crate) fn insert(&mut self, mut o: PaperOrder) -> i64 {
        let id = self.state.next_order_id;
        self.state.next_order_id += 1;
        o.order_id = id;
        if o.client_order_id.is_empty() {
            // Binance generates an id when none is sent.
            o.client_order_id = format!("paper-{id}");
        }
        self.state.open.insert(id, o);
        id
    }

    pub(crate) fn report(&mut self, oid: i64, exec_type: &str, now: Millis) {
        if let Some(o) = self.state.open.get(&oid) {
            self.out
                .push(AccountEvent::Execution(o.report(exec_type, now)));
        }
    }

    /// Applies one fill of `qty` at `price`. `done` marks the last fill of
    /// an order by quote amount (its base quantity is not known up front).
    pub(crate) fn fill(
        &mut self,
        oid: i64,
        price: Decimal,
        qty: Decimal,
        maker: bool,
        done: bool,
        now: Millis,
    ) {
        let Some(o) = self.state.open.get(&oid) else {
            return;
        };
        let (base, quote) = self.assets(&o.symbol);
        let rate = if maker {
            self.maker_fee
        } else {
            self.taker_fee
        };
        let st = &mut self.state;
        let Some(o) = st.open.get_mut(&oid) else {
            return;
        };
        let amount = (price * qty).normalize();
        let (fee, fee_asset) = match o.side {
            Side::Buy => {
                st.ledger.spend_locked(&quote, amount);
                o.locked = (o.locked - amount).max(Decimal::ZERO).normalize();
                let fee = commission(qty, rate);
                st.ledger.credit(&base, qty - fee);
                (fee, base)
            }
            Side::Sell => {
                st.ledger.spend_locked(&base, qty);
                o.locked = (o.locked - qty).max(Decimal::ZERO).normalize();
                let fee = commission(amount, rate);
                st.ledger.credit(&quote, amount - fee);
                (fee, quote)
            }
        };
        o.executed_qty = (o.executed_qty + qty).normalize();
        o.cum_quote = (o.cum_quote + amount).normalize();
        o.updated_ms = now;
        let filled = done || (!o.qty.is_zero() && o.remaining().is_zero());
        o.status = if filled {
            OrderStatus::Filled
        } else {
            OrderStatus::PartiallyFilled
        };
        let t = TradeDetail {
            trade_id: st.next_trade_id,
            price,
            qty,
            commission: fee,
            commission_asset: fee_asset,
            is_maker: maker,
        };
        st.next_trade_id += 1;
        tracing::debug!(order = o.order_id, %price, %qty, maker, "paper fill");
        self.out
            .push(AccountEvent::Execution(o.trade_report(&t, now)));
        if filled {
            self.retire(oid);
        } else {
            self.release_excess(oid);
        }
    }

    /// Unlocks what an order no longer needs (a buy that filled below its
    /// limit price, an OCO whose other leg is gone).
    pub(crate) fn release_excess(&mut self, oid: i64) {
        let Some(o) = self.state.open.get(&oid) else {
            return;
        };
        if o.kind == OrderType::Market {
            return;
        }
        let need = match o.side {
            Side::Buy => o.remaining() * o.lock_price,
            Side::Sell => o.remaining(),
        };
        if o.locked > need {
            let extra = o.locked - need;
            let asset = self.lock_asset(&o.symbol, o.side);
            if let Some(o) = self.state.open.get_mut(&oid) {
                o.locked = need.normalize();
            }
            self.state.ledger.unlock(&asset, extra);
        }
    }

    /// Moves a finished order out of the open set, unlocking what it held.
    fn retire(&mut self, oid: i64) {
        let Some(mut o) = self.state.open.remove(&oid) else {
            return;
        };
        let asset = self.lock_asset(&o.symbol, o.side);
        self.state.ledger.unlock(&asset, o.locked);
        o.locked = Decimal::ZERO;
        o.queue_ahead = Decimal::ZERO;
        self.state.closed.push_back(o);
        while self.state.closed.len() > CLOSED_KEPT {
            self.state.closed.pop_front();
        }
    }

    /// Ends an open order with a non-trade status (CANCELED, EXPIRED).
    pub(crate) fn close(&mut self, oid: i64, status: OrderStatus, exec_type: &str, now: Millis) {
        let Some(o) = self.state.open.get_mut(&oid) else {
            return;
        };
        o.status = status;
        o.updated_ms = now;
        self.report(oid, exec_type, now);
        self.retire(oid);
    }

    /// Takes the fills of a walk as taker.
    pub(crate) fn take(&mut self, oid: i64, w: &Walk, now: Millis) {
        let Some(o) = self.state.open.get(&oid) else {
            return;
        };
        let (symbol, side, by_quote) = (o.symbol.clone(), o.side, o.qty.is_zero());
        for (i, &(price, qty)) in w.fills.iter().enumerate() {
            self.taken
                .entry(symbol.clone())
                .or_default()
                .add(side, price, qty);
            let done = by_quote && w.complete && i + 1 == w.fills.len();
            self.fill(oid, price, qty, false, done, now);
        }
    }

    /// A working LIMIT (or triggered stop): take what crosses up to the
    /// price, then rest, expire (IOC) or, for FOK, all or nothing.
    pub(crate) fn execute_limit(&mut self, oid: i64, book: &OrderBook, now: Millis) {
        let Some(o) = self.state.open.get(&oid) else {
            return;
        };
        let (symbol, side, price, left, tif) =
            (o.symbol.clone(), o.side, o.price, o.remaining(), o.tif);
        let taken = self.taken.entry(symbol).or_default();
        taken.sync(book);
        let w = walk(
            book,
            taken,
            side,
            Some(price),
            Want::Base(left),
            Decimal::ZERO,
        );
        if tif == Some(TimeInForce::Fok) && !w.complete {
            self.close(oid, OrderStatus::Expired, "EXPIRED", now);
            return;
        }
        self.take(oid, &w, now);
        if !self.state.open.contains_key(&oid) {
            return;
        }
        if tif == Some(TimeInForce::Ioc) {
            self.close(oid, OrderStatus::Expired, "EXPIRED", now);
        } else {
            self.rest(oid, book);
        }
    }

    /// Puts an order on the virtual book behind the volume already at its
    /// price.
    pub(crate) fn rest(&mut self, oid: i64, book: &OrderBook) {
        let Some(o) = self.state.open.get_mut(&oid) else {
            return;
        };
        let level = Fx::from_decimal(o.price).unwrap_or_default();
        let ahead = match o.side {
            Side::Buy => book.bids.qty_at(level),
            Side::Sell => book.asks.qty_at(level),
        };
        o.working = true;
        o.queue_ahead = ahead.to_decimal();
    }

    /// An OCO leg filled (even partly) or triggered: the other leg expires
    /// (Binance: EXPIRED) and the list is done. The locked funds, held by
    /// the limit leg, pass to a triggered stop leg.
    /// `oid` may already be filled and gone.
    pub(crate) fn end_list(&mut self, list_id: i64, oid: i64, now: Millis) {
        let Some(list) = self.state.lists.remove(&list_id) else {
            return;
        };
        let other = if list.legs[0] == oid {
            list.legs[1]
        } else {
            list.legs[0]
        };
        let moved = self
            .state
            .open
            .get_mut(&other)
            .map(|o| std::mem::take(&mut o.locked))
            .unwrap_or_default();
        self.close(other, OrderStatus::Expired, "EXPIRED", now);
        if let Some(o) = self.state.open.get_mut(&oid) {
            o.locked += moved;
            o.lock_price = o.price;
        }
        self.release_excess(oid);
        self.out.push(AccountEvent::ListStatus {
            symbol: list.symbol,
            list_client_order_id: list.list_client_order_id,
            order_list_id: list.order_list_id,
            list_status: "ALL_DONE".into(),
            list_order_status: "ALL_DONE".into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commission_rounds_up_to_eight_decimals() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(commission(d("76.0602972"), d("0.001")), d("0.07606030"));
        assert_eq!(commission(d("0.00123"), d("0.001")), d("0.00000123"));
        assert_eq!(commission(d("5"), d("0")), d("0"));
    }
}
