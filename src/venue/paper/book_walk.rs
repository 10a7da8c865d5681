//! Taking liquidity: walking the opposite side of the book level by level,
//! each level at its own price.
//!
//! The book only changes every 100 ms, so between two depth updates it is
//! stale in two ways that [`Taken`] corrects for the book state with a
//! given update id (a newer book, or a depth update, starts afresh):
//! * paper orders do not change the real book, so two market orders sent
//!   between updates would both take the same top level: what our own
//!   taker orders took is remembered;
//! * public trades arrive before the diff that contains them. A
//!   sell-aggressor trade at `X` proves no bid above `X` was left at that
//!   moment (a taker hits the best bid first) and that `X` lost the trade's
//!   quantity; likewise for buys and asks. So a stop triggered by a trade
//!   never fills at prices the trade itself shows were gone.

use crate::domain::Side;
use crate::fixed::Fx;
use crate::market::book::OrderBook;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// How much a taker order wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Want {
    /// Base quantity.
    Base(Decimal),
    /// Quote amount to spend (buy) or receive (sell), in steps of base.
    Quote(Decimal),
}

/// The result of a walk: fills in book order and whether the order is
/// satisfied (all its base quantity, or its quote amount down to less than
/// one step), as opposed to stopped by the limit price or an empty book.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Walk {
    pub fills: Vec<(Decimal, Decimal)>,
    pub complete: bool,
}

impl Walk {
    pub fn base(&self) -> Decimal {
        self.fills.iter().map(|f| f.1).sum()
    }

    pub fn quote(&self) -> Decimal {
        self.fills.iter().map(|f| f.0 * f.1).sum()
    }
}

/// Liquidity our own taker orders took from one book state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Taken {
    update_id: u64,
    /// (taker side, level price) -> quantity taken.
    levels: BTreeMap<(bool, Fx), Decimal>,
    /// Lowest sell-aggressor trade price: no bids above it are left.
    bid_ceiling: Option<Fx>,
    /// Highest buy-aggressor trade price: no asks below it are left.
    ask_floor: Option<Fx>,
}

impl Taken {
    /// Forgets everything: the book has moved on.
    pub fn reset(&mut self, update_id: u64) {
        *self = Taken {
            update_id,
            ..Taken::default()
        };
    }

    /// Resets when `book` is a different state than the one remembered.
    pub fn sync(&mut self, book: &OrderBook) {
        if book.last_update_id != self.update_id {
            self.reset(book.last_update_id);
        }
    }

    fn get(&self, taker: Side, price: Fx) -> Decimal {
        self.levels
            .get(&(taker == Side::Buy, price))
            .copied()
            .unwrap_or_default()
    }

    /// A public trade seen against this book state (`aggressor` = taker).
    pub fn trade(&mut self, aggressor: Side, price: Fx, qty: Fx) {
        match aggressor {
            Side::Sell => self.bid_ceiling = Some(self.bid_ceiling.map_or(price, |c| c.min(price))),
            Side::Buy => self.ask_floor = Some(self.ask_floor.map_or(price, |f| f.max(price))),
        }
        *self
            .levels
            .entry((aggressor == Side::Buy, price))
            .or_default() += qty.to_decimal();
    }

    /// Whether trades showed this level gone.
    fn traded_away(&self, taker: Side, price: Fx) -> bool {
        match taker {
            Side::Sell => self.bid_ceiling.is_some_and(|c| price > c),
            Side::Buy => self.ask_floor.is_some_and(|f| price < f),
        }
    }

    /// Records a fill at `price` (a price of a book level, so exact in Fx).
    pub fn add(&mut self, taker: Side, price: Decimal, qty: Decimal) {
        if let Some(p) = Fx::from_decimal(price) {
            *self.levels.entry((taker == Side::Buy, p)).or_default() += qty;
        }
    }
}

/// Rounds down onto `step` (8 decimals when there is no step).
pub(crate) fn floor_step(v: Decimal, step: Decimal) -> Decimal {
    if step.is_zero() {
        v.round_dp_with_strategy(8, RoundingStrategy::ToZero)
    } else {
        ((v / step).floor() * step).normalize()
    }
}

/// Walks the side a `taker` order takes from (asks for a buy), best first,
/// up to `limit` (inclusive), minus what `taken` says is already gone.
/// `step` is the base quantity grid for orders by quote amount.
pub(crate) fn walk(
    book: &OrderBook,
    taken: &Taken,
    taker: Side,
    limit: Option<Decimal>,
    want: Want,
    step: Decimal,
) -> Walk {
    let levels = match taker {
        Side::Buy => book.asks.iter_best(),
        Side::Sell => book.bids.iter_best(),
    };
    let mut out = Walk::default();
    let mut left = match want {
        Want::Base(q) | Want::Quote(q) => q,
    };
    if left <= Decimal::ZERO {
        out.complete = true;
        return out;
    }
    for (p_fx, q_fx) in levels {
        let price = p_fx.to_decimal();
        let beyond = match (taker, limit) {
            (Side::Buy, Some(l)) => price > l,
            (Side::Sell, Some(l)) => price < l,
            (_, None) => false,
        };
        if beyond {
            break;
        }
        let avail = q_fx.to_decimal() - taken.get(taker, p_fx);
        if avail <= Decimal::ZERO || taken.traded_away(taker, p_fx) {
            continue;
        }
        let take = match want {
            Want::Base(_) => left.min(avail),
            Want::Quote(_) => floor_step(left / price, step).min(avail),
        };
        if take <= Decimal::ZERO {
            // Quote left buys less than one step: satisfied.
            out.complete = true;
            return out;
        }
        out.fills.push((price, take));
        left -= match want {
            Want::Base(_) => take,
            Want::Quote(_) => price * take,
        };
        if left <= Decimal::ZERO {
            out.complete = true;
            return out;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn fx(s: &str) -> Fx {
        Fx::parse(s).unwrap()
    }

    fn book() -> OrderBook {
        let mut b = OrderBook::new();
        b.load(
            &[(fx("99"), fx("1")), (fx("98"), fx("2"))],
            &[
                (fx("101"), fx("0.5")),
                (fx("102"), fx("1")),
                (fx("104"), fx("3")),
            ],
            10,
        );
        b
    }

    #[test]
    fn walks_levels_at_their_prices() {
        let w = walk(
            &book(),
            &Taken::default(),
            Side::Buy,
            None,
            Want::Base(d("2")),
            d("0.001"),
        );
        assert_eq!(
            w.fills,
            vec![
                (d("101"), d("0.5")),
                (d("102"), d("1")),
                (d("104"), d("0.5"))
            ]
        );
        assert!(w.complete);
        assert_eq!(w.quote(), d("50.5") + d("102") + d("52"));
        let w = walk(
            &book(),
            &Taken::default(),
            Side::Sell,
            None,
            Want::Base(d("5")),
            d("0.001"),
        );
        assert_eq!(w.fills, vec![(d("99"), d("1")), (d("98"), d("2"))]);
        assert!(!w.complete, "the book ran out");
    }

    #[test]
    fn stops_at_the_limit_price() {
        let w = walk(
            &book(),
            &Taken::default(),
            Side::Buy,
            Some(d("102")),
            Want::Base(d("2")),
            d("0.001"),
        );
        assert_eq!(w.base(), d("1.5"));
        assert!(!w.complete);
        let w = walk(
            &book(),
            &Taken::default(),
            Side::Buy,
            Some(d("100")),
            Want::Base(d("2")),
            d("0.001"),
        );
        assert!(w.fills.is_empty());
    }

    #[test]
    fn quote_amounts_buy_whole_steps() {
        // 100 USDT: 0.5 @ 101 = 50.5, then floor(49.5 / 102, 0.001) = 0.485.
        let w = walk(
            &book(),
            &Taken::default(),
            Side::Buy,
            None,
            Want::Quote(d("100")),
            d("0.001"),
        );
        assert_eq!(w.fills, vec![(d("101"), d("0.5")), (d("102"), d("0.485"))]);
        assert!(w.complete);
        assert!(w.quote() <= d("100"));
    }

    #[test]
    fn taken_liquidity_is_not_taken_twice_until_the_book_moves() {
        let b = book();
        let mut t = Taken::default();
        t.sync(&b);
        t.add(Side::Buy, d("101"), d("0.5"));
        t.add(Side::Buy, d("102"), d("0.25"));
        let w = walk(&b, &t, Side::Buy, None, Want::Base(d("1")), d("0.001"));
        assert_eq!(w.fills, vec![(d("102"), d("0.75")), (d("104"), d("0.25"))]);
        // Sells take bids: unaffected.
        let w = walk(&b, &t, Side::Sell, None, Want::Base(d("1")), d("0.001"));
        assert_eq!(w.fills, vec![(d("99"), d("1"))]);
        // A sell-aggressor trade at 98 for 0.5: the 99 bid is gone, 1.5
        // is left at 98; asks are untouched.
        t.trade(Side::Sell, fx("98"), fx("0.5"));
        let w = walk(&b, &t, Side::Sell, None, Want::Base(d("3")), d("0.001"));
        assert_eq!(w.fills, vec![(d("98"), d("1.5"))]);
        let w = walk(&b, &t, Side::Buy, None, Want::Base(d("0.1")), d("0.001"));
        assert_eq!(w.fills, vec![(d("102"), d("0.1"))]);
        let mut b2 = b.clone();
        b2.last_update_id = 11;
        t.sync(&b2);
        let w = walk(&b2, &t, Side::Buy, None, Want::Base(d("1")), d("0.001"));
        assert_eq!(w.fills[0], (d("101"), d("0.5")));
    }
}
