//! The seeded order-flow model that continues the market after the real
//! recording ends.
//!
//! Every 100 ms batch draws a few random actions: limit orders added near
//! the touch (sometimes inside the spread), cancels near the touch, and
//! market orders that consume the best levels (which is what moves the
//! price). A slowly drifting "fair" price biases which side acts, so the
//! price wanders plausibly instead of diffusing without bound. The book is
//! kept within `[MIN_LEVELS, MAX_LEVELS]` per side and never crossed. Floats
//! are only used for the random draws; every price and quantity is snapped
//! back to exact ticks and steps of the symbol.

use super::rng::Rng;
use crate::domain::Side;
use crate::fixed::Fx;
use crate::market::OrderBook;

/// Fewer levels than this on a side and the model adds depth.
pub const MIN_LEVELS: usize = 200;
/// More than this and the farthest levels are cancelled.
pub const MAX_LEVELS: usize = 1000;
/// Upper bound on prunes per batch so a large replayed book shrinks
/// gradually rather than in one huge diff.
const MAX_PRUNE_PER_BATCH: usize = 8;

/// A best bid/ask change, recorded with the book id it happened at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopChange {
    pub update_id: u64,
    pub bid: (Fx, Fx),
    pub ask: (Fx, Fx),
}

/// A trade produced by a market order: price, qty and the taker's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fill {
    pub price: Fx,
    pub qty: Fx,
    pub aggressor: Side,
}

/// Best bid and best ask (price, qty), either side possibly empty.
type Top = (Option<(Fx, Fx)>, Option<(Fx, Fx)>);

/// Level changes applied to a book as one diff batch: every change costs
/// one update id; the diff keeps the final quantity per price.
#[derive(Debug)]
pub struct BookTx<'a> {
    pub book: &'a mut OrderBook,
    pub first_id: u64,
    pub bids: Vec<(Fx, Fx)>,
    pub asks: Vec<(Fx, Fx)>,
    pub tops: Vec<TopChange>,
    pub fills: Vec<Fill>,
    top: Top,
}

impl<'a> BookTx<'a> {
    pub fn begin(book: &'a mut OrderBook) -> Self {
        let top = (book.best_bid(), book.best_ask());
        BookTx {
            first_id: book.last_update_id + 1,
            book,
            bids: Vec::new(),
            asks: Vec::new(),
            tops: Vec::new(),
            fills: Vec::new(),
            top,
        }
    }

    /// Number of level changes (ids used) so far.
    pub fn changes(&self) -> u64 {
        self.book.last_update_id + 1 - self.first_id
    }

    /// Sets the absolute quantity of a level (zero removes it).
    pub fn set(&mut self, side: Side, price: Fx, qty: Fx) {
        self.book.set(side, price, qty);
        self.book.last_update_id += 1;
        let diff = match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        };
        match diff.iter_mut().find(|l| l.0 == price) {
            Some(l) => l.1 = qty,
            None => diff.push((price, qty)),
        }
        let top = (self.book.best_bid(), self.book.best_ask());
        if top != self.top {
            self.top = top;
            if let (Some(bid), Some(ask)) = top {
                self.tops.push(TopChange {
                    update_id: self.book.last_update_id,
                    bid,
                    ask,
                });
            }
        }
    }

    pub fn fill(&mut self, price: Fx, qty: Fx, aggressor: Side) {
        self.fills.push(Fill {
            price,
            qty,
            aggressor,
        });
    }
}

/// Per-symbol model state.
#[derive(Clone, Debug)]
pub struct Model {
    rng: Rng,
    fair: f64,
    tick: Fx,
    step: Fx,
    mean_add: f64,
    mean_trade: f64,
}

/// Per-batch volatility of the fair price (about 1% per hour).
const FAIR_VOL: f64 = 0.000_05;

impl Model {
    /// `mid` seeds the fair price; `mean_trade` is the mean market order
    /// size in base units (from the recording).
    pub fn new(rng: Rng, tick: Fx, step: Fx, mid: f64, mean_trade: f64) -> Model {
        Model {
            rng,
            fair: mid,
            tick,
            step,
            mean_add: mean_trade * 6.0,
            mean_trade,
        }
    }

    fn qty(&mut self, mean: f64) -> Fx {
        let steps = (self.rng.exp(mean) / self.step.to_f64()).round().max(1.0);
        Fx(steps as i64 * self.step.0)
    }

    fn ticks(&self, n: i64) -> i64 {
        n * self.tick.0
    }

    /// Runs one 100 ms batch against the book.
    pub fn step(&mut self, tx: &mut BookTx) {
        self.ensure_depth(tx);
        let (Some((bid, _)), Some((ask, _))) = (tx.book.best_bid(), tx.book.best_ask()) else {
            return;
        };
        let mid = (bid.to_f64() + ask.to_f64()) / 2.0;
        self.fair *= (FAIR_VOL * self.rng.normal()).exp();
        self.fair = self.fair.clamp(mid * 0.998, mid * 1.002);
        let p_up = (0.5 + 0.25 * (self.fair - mid) / (mid * 0.000_5)).clamp(0.15, 0.85);
        let actions = 1 + self.rng.below(8);
        for _ in 0..actions {
            let r = self.rng.f64();
            if r < 0.45 {
                self.add(tx, p_up);
            } else if r < 0.85 {
                self.cancel(tx, p_up);
            } else {
                self.trade(tx, p_up);
            }
        }
        self.ensure_depth(tx);
        self.prune(tx);
    }

    fn add(&mut self, tx: &mut BookTx, p_up: f64) {
        let (Some((bid, _)), Some((ask, _))) = (tx.book.best_bid(), tx.book.best_ask()) else {
            return;
        };
        let side = if self.rng.chance(p_up) {
            Side::Buy
        } else {
            Side::Sell
        };
        let spread = (ask.0 - bid.0) / self.tick.0;
        let price = if spread > 1 && self.rng.chance(0.3 + 0.1 * spread.min(5) as f64) {
            // Anywhere inside the spread: a wide spread closes in a few adds.
            let k = 1 + self.rng.below((spread - 1) as u64) as i64;
            match side {
                Side::Buy => Fx(bid.0 + self.ticks(k)),
                Side::Sell => Fx(ask.0 - self.ticks(k)),
            }
        } else {
            // Distance from the touch: about half a basis point of the price
            // on average, but at least a few ticks for coarse tick sizes.
            let k = if self.rng.chance(0.3) {
                0
            } else {
                let mean = (0.5e-4 * bid.to_f64() / self.tick.to_f64()).max(3.0);
                self.rng.exp(mean).round() as i64
            };
            match side {
                Side::Buy => Fx(bid.0 - self.ticks(k)),
                Side::Sell => Fx(ask.0 + self.ticks(k)),
            }
        };
        if price.0 <= 0 {
            return;
        }
        let add = self.qty(self.mean_add);
        let qty = match side {
            Side::Buy => tx.book.bids.qty_at(price),
            Side::Sell => tx.book.asks.qty_at(price),
        };
        tx.set(side, price, Fx(qty.0 + add.0));
    }

    fn cancel(&mut self, tx: &mut BookTx, p_up: f64) {
        // Liquidity thins on the side the price is heading to.
        let side = if self.rng.chance(p_up) {
            Side::Sell
        } else {
            Side::Buy
        };
        let book_side = match side {
            Side::Buy => &tx.book.bids,
            Side::Sell => &tx.book.asks,
        };
        let len = book_side.len();
        if len <= MIN_LEVELS {
            return;
        }
        let k = self.rng.geometric(0.3, len.min(30) as u64 - 1) as usize;
        let Some((price, qty)) = book_side.iter_best().nth(k) else {
            return;
        };
        let left = if self.rng.chance(0.5) {
            Fx::ZERO
        } else {
            let keep = (qty.0 / self.step.0) as f64 * (0.1 + 0.8 * self.rng.f64());
            Fx((keep.round() as i64).max(1) * self.step.0)
        };
        tx.set(side, price, left);
    }

    fn trade(&mut self, tx: &mut BookTx, p_up: f64) {
        let aggressor = if self.rng.chance(p_up) {
            Side::Buy
        } else {
            Side::Sell
        };
        let maker = match aggressor {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        };
        let levels = match maker {
            Side::Buy => tx.book.bids.top(4),
            Side::Sell => tx.book.asks.top(4),
        };
        let Some(&(_, best_qty)) = levels.first() else {
            return;
        };
        let mut left = if self.rng.chance(0.12) {
            best_qty
        } else {
            self.qty(self.mean_trade)
        };
        // Never empty a side; depth is restored before the next batch.
        for &(price, qty) in levels.iter().take(levels.len().saturating_sub(1).max(1)) {
            if left.is_zero() {
                break;
            }
            let take = left.min(qty);
            tx.fill(price, take, aggressor);
            tx.set(maker, price, Fx(qty.0 - take.0));
            left = Fx(left.0 - take.0);
        }
    }

    /// Adds levels behind the worst one when a side is thin (or seeds an
    /// empty side next to the other), never crossing the book.
    fn ensure_depth(&mut self, tx: &mut BookTx) {
        for side in [Side::Buy, Side::Sell] {
            let (len, worst, other_best) = match side {
                Side::Buy => (
                    tx.book.bids.len(),
                    tx.book.bids.iter_best().last(),
                    tx.book.best_ask(),
                ),
                Side::Sell => (
                    tx.book.asks.len(),
                    tx.book.asks.iter_best().last(),
                    tx.book.best_bid(),
                ),
            };
            if len >= MIN_LEVELS {
                continue;
            }
            let dir = if side == Side::Buy { -1 } else { 1 };
            let mut price = match (worst, other_best) {
                (Some((p, _)), _) => p.0,
                (None, Some((p, _))) => p.0,
                (None, None) => (self.fair / self.tick.to_f64()).round() as i64 * self.tick.0,
            };
            for _ in 0..(MIN_LEVELS - len).min(20) {
                let k = 1 + self.rng.below(20) as i64;
                price += dir * self.ticks(k);
                if price <= 0 {
                    break;
                }
                let q = self.qty(self.mean_add);
                tx.set(side, Fx(price), q);
            }
        }
    }

    fn prune(&mut self, tx: &mut BookTx) {
        for side in [Side::Buy, Side::Sell] {
            for _ in 0..MAX_PRUNE_PER_BATCH {
                let worst = match side {
                    Side::Buy if tx.book.bids.len() > MAX_LEVELS => tx.book.bids.iter_best().last(),
                    Side::Sell if tx.book.asks.len() > MAX_LEVELS => {
                        tx.book.asks.iter_best().last()
                    }
                    _ => None,
                };
                let Some((price, _)) = worst else { break };
                tx.set(side, price, Fx::ZERO);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(s: &str) -> Fx {
        Fx::parse(s).unwrap()
    }

    fn start_book() -> OrderBook {
        let mut b = OrderBook::new();
        let bids: Vec<(Fx, Fx)> = (0..300)
            .map(|i| (Fx(fx("100").0 - i * 1_000_000), fx("1")))
            .collect();
        let asks: Vec<(Fx, Fx)> = (0..1500)
            .map(|i| (Fx(fx("100.01").0 + i * 1_000_000), fx("2")))
            .collect();
        b.load(&bids, &asks, 1000);
        b
    }

    fn run(seed: u64, batches: usize, book: &mut OrderBook) -> Vec<u64> {
        let (tick, step) = (fx("0.01"), fx("0.0001"));
        let mut m = Model::new(Rng::new(seed), tick, step, 100.0, 0.5);
        let mut ids = Vec::new();
        for _ in 0..batches {
            let before = book.last_update_id;
            let mut tx = BookTx::begin(book);
            m.step(&mut tx);
            let n = tx.changes();
            let (first, tops, fills) = (tx.first_id, tx.tops.clone(), tx.fills.clone());
            let diff: Vec<_> = tx.bids.iter().chain(&tx.asks).copied().collect();
            assert_eq!(first, before + 1);
            assert_eq!(book.last_update_id, before + n, "each change costs one id");
            assert!(!book.is_crossed(), "crossed at {}", book.last_update_id);
            assert!(book.bids.len() >= MIN_LEVELS / 2 && book.asks.len() >= MIN_LEVELS / 2);
            for t in &tops {
                assert!(t.update_id > before && t.update_id <= book.last_update_id);
                assert!(t.bid.0 < t.ask.0);
            }
            for (p, q) in diff {
                assert_eq!(p.0 % tick.0, 0, "price on tick");
                assert_eq!(q.0 % step.0, 0, "qty on step");
            }
            for f in fills {
                assert!(f.qty.0 > 0 && f.qty.0 % step.0 == 0);
            }
            ids.push(book.last_update_id);
        }
        ids
    }

    #[test]
    fn keeps_the_book_sane_over_many_batches() {
        let mut book = start_book();
        let ids = run(42, 20_000, &mut book);
        assert!(ids.windows(2).all(|w| w[0] <= w[1]));
        assert!(book.asks.len() <= MAX_LEVELS && book.bids.len() <= MAX_LEVELS);
        let mid = book.mid().unwrap().to_f64();
        assert!((50.0..200.0).contains(&mid), "mid wandered to {mid}");
        assert_ne!(mid, 100.005, "the price moves");
    }

    #[test]
    fn same_seed_same_states_other_seed_differs() {
        let (mut a, mut b, mut c) = (start_book(), start_book(), start_book());
        let ia = run(7, 2_000, &mut a);
        let ib = run(7, 2_000, &mut b);
        let ic = run(8, 2_000, &mut c);
        assert_eq!(ia, ib);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(ia, ic);
    }

    #[test]
    fn tx_merges_repeated_levels_and_reports_top_changes() {
        let mut book = start_book();
        let mut tx = BookTx::begin(&mut book);
        tx.set(Side::Buy, fx("100.005"), fx("1"));
        tx.set(Side::Buy, fx("100.005"), fx("3"));
        tx.set(Side::Buy, fx("99.5"), fx("2"));
        assert_eq!(tx.changes(), 3);
        assert_eq!(
            tx.bids,
            vec![(fx("100.005"), fx("3")), (fx("99.5"), fx("2"))]
        );
        assert_eq!(tx.tops.len(), 2, "best price then best qty changed");
        assert_eq!(tx.tops[1].update_id, 1002);
    }
}
