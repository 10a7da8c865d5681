//! A price-ordered limit order book of aggregated levels.
//!
//! Each side is a sorted `Vec<(price, qty)>` with the best price at the
//! *end*, so the levels that change most often (near the touch) are cheap to
//! insert and remove, and the best level is one index away. Prices and
//! quantities are exact [`Fx`] values.

use crate::domain::Side;
use crate::fixed::Fx;

/// One side of the book. Bids ascend (best = highest = last); asks descend
/// (best = lowest = last).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookSide {
    levels: Vec<(Fx, Fx)>,
    is_bid: bool,
}

impl BookSide {
    fn new(is_bid: bool) -> Self {
        BookSide {
            levels: Vec::with_capacity(1024),
            is_bid,
        }
    }

    /// Position of `price` in the vector's sort order.
    #[inline]
    fn search(&self, price: Fx) -> Result<usize, usize> {
        if self.is_bid {
            self.levels.binary_search_by(|(p, _)| p.cmp(&price))
        } else {
            self.levels.binary_search_by(|(p, _)| price.cmp(p))
        }
    }

    /// Sets the absolute quantity at `price`; zero removes the level
    /// (removing an unknown level is normal on Binance and does nothing).
    #[inline]
    pub fn set(&mut self, price: Fx, qty: Fx) {
        match self.search(price) {
            Ok(i) => {
                if qty.is_zero() {
                    self.levels.remove(i);
                } else {
                    self.levels[i].1 = qty;
                }
            }
            Err(i) => {
                if !qty.is_zero() {
                    self.levels.insert(i, (price, qty));
                }
            }
        }
    }

    pub fn best(&self) -> Option<(Fx, Fx)> {
        self.levels.last().copied()
    }

    /// Levels from the best outward.
    pub fn iter_best(&self) -> impl Iterator<Item = (Fx, Fx)> + '_ {
        self.levels.iter().rev().copied()
    }

    pub fn top(&self, n: usize) -> Vec<(Fx, Fx)> {
        self.iter_best().take(n).collect()
    }

    pub fn len(&self) -> usize {
        self.levels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    pub fn qty_at(&self, price: Fx) -> Fx {
        match self.search(price) {
            Ok(i) => self.levels[i].1,
            Err(_) => Fx::ZERO,
        }
    }

    fn clear(&mut self) {
        self.levels.clear();
    }

    /// Replaces the side with `levels` given in any order.
    fn load(&mut self, levels: &[(Fx, Fx)]) {
        self.levels.clear();
        self.levels
            .extend(levels.iter().copied().filter(|(_, q)| !q.is_zero()));
        if self.is_bid {
            self.levels.sort_unstable_by_key(|a| a.0);
        } else {
            self.levels.sort_unstable_by_key(|b| std::cmp::Reverse(b.0));
        }
        self.levels.dedup_by_key(|l| l.0);
    }
}

/// A full two-sided book with the update id it reflects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderBook {
    pub bids: BookSide,
    pub asks: BookSide,
    pub last_update_id: u64,
}

impl Default for OrderBook {
    fn default() -> Self {
        OrderBook {
            bids: BookSide::new(true),
            asks: BookSide::new(false),
            last_update_id: 0,
        }
    }
}

impl OrderBook {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn clear(&mut self) {
        self.bids.clear();
        self.asks.clear();
        self.last_update_id = 0;
    }

    /// Loads a snapshot (REST depth) wholesale.
    pub fn load(&mut self, bids: &[(Fx, Fx)], asks: &[(Fx, Fx)], last_update_id: u64) {
        self.bids.load(bids);
        self.asks.load(asks);
        self.last_update_id = last_update_id;
    }

    #[inline]
    pub fn set(&mut self, side: Side, price: Fx, qty: Fx) {
        match side {
            Side::Buy => self.bids.set(price, qty),
            Side::Sell => self.asks.set(price, qty),
        }
    }

    /// Applies every level of a diff (absolute quantities).
    pub fn apply_levels(&mut self, bids: &[(Fx, Fx)], asks: &[(Fx, Fx)]) {
        for &(p, q) in bids {
            self.bids.set(p, q);
        }
        for &(p, q) in asks {
            self.asks.set(p, q);
        }
    }

    pub fn best_bid(&self) -> Option<(Fx, Fx)> {
        self.bids.best()
    }

    pub fn best_ask(&self) -> Option<(Fx, Fx)> {
        self.asks.best()
    }

    /// True when the best bid is at or above the best ask: never valid for a
    /// consistent book, so it is treated as corruption.
    pub fn is_crossed(&self) -> bool {
        match (self.best_bid(), self.best_ask()) {
            (Some((b, _)), Some((a, _))) => b >= a,
            _ => false,
        }
    }

    /// Spread and mid, when both sides exist.
    pub fn spread(&self) -> Option<Fx> {
        Some(Fx(self.best_ask()?.0 .0 - self.best_bid()?.0 .0))
    }

    pub fn mid(&self) -> Option<Fx> {
        Some(Fx((self.best_ask()?.0 .0 + self.best_bid()?.0 .0) / 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(s: &str) -> Fx {
        Fx::parse(s).unwrap()
    }

    #[test]
    fn keeps_both_sides_ordered_best_first() {
        let mut b = OrderBook::new();
        b.load(
            &[
                (fx("99"), fx("1")),
                (fx("100"), fx("2")),
                (fx("98"), fx("3")),
            ],
            &[(fx("102"), fx("1")), (fx("101"), fx("2"))],
            7,
        );
        assert_eq!(b.best_bid(), Some((fx("100"), fx("2"))));
        assert_eq!(b.best_ask(), Some((fx("101"), fx("2"))));
        assert_eq!(
            b.bids.top(3).iter().map(|l| l.0).collect::<Vec<_>>(),
            vec![fx("100"), fx("99"), fx("98")]
        );
        b.set(Side::Buy, fx("100.5"), fx("4"));
        b.set(Side::Sell, fx("101"), Fx::ZERO);
        assert_eq!(b.best_bid().unwrap().0, fx("100.5"));
        assert_eq!(b.best_ask().unwrap().0, fx("102"));
        assert_eq!(b.spread(), Some(fx("1.5")));
        assert!(!b.is_crossed());
    }

    #[test]
    fn removing_an_unknown_level_is_harmless() {
        let mut b = OrderBook::new();
        b.set(Side::Buy, fx("1"), Fx::ZERO);
        assert!(b.bids.is_empty());
        b.set(Side::Buy, fx("1"), fx("2"));
        b.set(Side::Buy, fx("1"), fx("3"));
        assert_eq!(b.bids.len(), 1);
        assert_eq!(b.bids.qty_at(fx("1")), fx("3"));
    }

    #[test]
    fn detects_a_crossed_book() {
        let mut b = OrderBook::new();
        b.set(Side::Buy, fx("101"), fx("1"));
        b.set(Side::Sell, fx("101"), fx("1"));
        assert!(b.is_crossed());
    }
}
