//! Backtesting on klines: each kline becomes four moments of a synthetic
//! market that the real paper venue matches against.
//!
//! **The model.** A kline's path is open → low → high → close when it
//! closed up (or flat), open → high → low → close when it closed down (the
//! usual assumption: the nearer extreme first is unknowable from OHLC, so
//! the candle's direction decides). The four moments are spread evenly over
//! the kline's time span. At each moment `p`:
//!
//! 1. the book is replaced by `levels` bids at `p - tick, p - 2 tick, ...`
//!    and asks at `p + tick, ...`, each with `level_qty` base (ample: a
//!    MARKET order pays one tick of spread and no slippage); the venue's
//!    `on_depth` sees it, so queues at prices no longer in the book clear;
//! 2. one public trade prints at `p` for a quarter of the kline's volume,
//!    the aggressor being the side the price moved to (a sell on the way
//!    down). Resting orders fill as the paper venue rules (at their own
//!    price, as makers, up to the trade's quantity): a buy when the price
//!    trades below it, a sell above it, or at its price once the volume
//!    queued ahead of it has traded. The synthetic book never holds volume
//!    at a moment's own price, so in practice an order away from the touch
//!    has no queue ahead and fills when the path *reaches* its price (one
//!    tick optimistic against a real queue). Zero-volume klines (an
//!    exchange halt) print no trades and fill nothing;
//! 3. the strategy sees the trade, the book ticker and the top of the book
//!    (LIVE), then the forming kline so far (`KlineOpen`, with the close
//!    at `p`) or, at the last moment, `KlineClosed`.
//!
//! Intents are carried out at once against the book of that moment, so a
//! MARKET order decided on a close fills one tick away from the close, and
//! a stop seen at the low fills at the low (pessimistic for stops: the
//! real path reached the stop price first).

use super::{Backtest, Setup};
use crate::domain::{Kline, Millis, Side, Trade};
use crate::fixed::Fx;
use crate::klines_csv::KlineRow;
use crate::market::book::OrderBook;
use crate::strategy::{MarketEvent, Strategy};
use rust_decimal::Decimal;

/// Synthetic book parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct KlineModel {
    /// Levels per side.
    pub levels: usize,
    /// Base quantity at each level.
    pub level_qty: Decimal,
}

impl Default for KlineModel {
    fn default() -> Self {
        KlineModel {
            levels: 5,
            level_qty: Decimal::from(1_000_000),
        }
    }
}

/// The four prices a kline is assumed to visit, in order.
pub fn path(k: &Kline) -> [Fx; 4] {
    if k.close >= k.open {
        [k.open, k.low, k.high, k.close]
    } else {
        [k.open, k.high, k.low, k.close]
    }
}

/// Klines from a kline file's rows (`klines_csv`), `interval_ms` long.
/// Prices are read back from the rows' shortest float text, which is the
/// text the file held (the files carry at most 8 decimals).
pub fn from_rows(rows: &[KlineRow], interval_ms: Millis) -> Result<Vec<Kline>, String> {
    let fx = |v: f64, what: &str, t: i64| {
        Fx::parse(&format!("{v}")).map_err(|e| format!("kline at {t}: {what} {v}: {e}"))
    };
    rows.iter()
        .map(|r| {
            let b = &r.bar;
            Ok(Kline {
                open_time: b.time,
                close_time: b.time + interval_ms - 1,
                open: fx(b.open, "open", b.time)?,
                high: fx(b.high, "high", b.time)?,
                low: fx(b.low, "low", b.time)?,
                close: Fx::parse(&r.close_text).or_else(|_| fx(b.close, "close", b.time))?,
                volume: format!("{}", b.volume)
                    .parse()
                    .map_err(|e| format!("kline at {}: volume: {e}", b.time))?,
                quote_volume: Decimal::ZERO,
                trades: 0,
                closed: true,
            })
        })
        .collect()
}

fn synthetic_book(p: Fx, tick: Fx, m: &KlineModel, update_id: u64) -> OrderBook {
    let qty = Fx::from_decimal(m.level_qty).unwrap_or(Fx(100_000_000));
    let mut bids = Vec::with_capacity(m.levels);
    let mut asks = Vec::with_capacity(m.levels);
    for i in 1..=m.levels as i64 {
        let b = Fx(p.0 - i * tick.0);
        if b.0 > 0 {
            bids.push((b, qty));
        }
        asks.push((Fx(p.0 + i * tick.0), qty));
    }
    let mut book = OrderBook::new();
    book.load(&bids, &asks, update_id);
    book
}

impl Backtest {
    /// Plays one kline (see the module docs).
    pub fn kline(&mut self, k: &Kline, m: &KlineModel) {
        let tick = Fx::from_decimal(self.setup.filters.tick_size)
            .filter(|t| t.0 > 0)
            .unwrap_or(Fx(1));
        let pts = path(k);
        let span = (k.close_time - k.open_time).max(0);
        let qty = (k.volume / Decimal::from(4)).round_dp(8);
        let qty = Fx::from_decimal(qty).unwrap_or_default();
        let mut prev = pts[0];
        let mut forming = Kline {
            high: pts[0],
            low: pts[0],
            close: pts[0],
            closed: false,
            ..k.clone()
        };
        for (i, &p) in pts.iter().enumerate() {
            let t = k.open_time + span * i as i64 / 3;
            self.advance(t);
            self.book_id += 1;
            self.set_book(synthetic_book(p, tick, m, self.book_id));
            if !qty.is_zero() {
                self.trade_id += 1;
                let aggressor = if p < prev { Side::Sell } else { Side::Buy };
                let trade = Trade {
                    symbol: self.setup.symbol.clone(),
                    id: self.trade_id,
                    price: p,
                    qty,
                    time: self.now,
                    event_time: self.now,
                    aggressor,
                };
                self.trade(&trade);
            }
            prev = p;
            let book = self.books.book();
            let (Some((b, bq)), Some((a, aq))) = (book.best_bid(), book.best_ask()) else {
                continue;
            };
            let top = |side: &crate::market::book::BookSide| {
                side.top(m.levels)
                    .into_iter()
                    .map(|(p, q)| (p.to_decimal(), q.to_decimal()))
                    .collect::<Vec<_>>()
            };
            let depth = MarketEvent::Depth {
                bids: top(&book.bids),
                asks: top(&book.asks),
                live: true,
            };
            self.market(&MarketEvent::BookTicker {
                bid: b.to_decimal(),
                bid_qty: bq.to_decimal(),
                ask: a.to_decimal(),
                ask_qty: aq.to_decimal(),
            });
            self.market(&depth);
            forming.high = forming.high.max(p);
            forming.low = forming.low.min(p);
            forming.close = p;
            if i < 3 {
                self.market(&MarketEvent::KlineOpen(forming.clone()));
            } else {
                self.market(&MarketEvent::KlineClosed(k.clone()));
            }
        }
    }
}

/// Runs `strategy` over `klines` and returns the finished backtest.
pub fn run(
    setup: Setup,
    strategy: Box<dyn Strategy>,
    klines: &[Kline],
    m: &KlineModel,
) -> Backtest {
    let mut b = Backtest::new(setup, strategy);
    for k in klines {
        b.kline(k, m);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::testkit::kline;

    #[test]
    fn the_path_visits_the_nearer_extreme_by_direction() {
        let up = kline(0, "100", "110", "95", "105");
        let fx = |s: &str| Fx::parse(s).unwrap();
        assert_eq!(path(&up), [fx("100"), fx("95"), fx("110"), fx("105")]);
        let down = kline(0, "100", "110", "95", "97");
        assert_eq!(path(&down), [fx("100"), fx("110"), fx("95"), fx("97")]);
    }

    #[test]
    fn the_synthetic_book_brackets_the_price() {
        let m = KlineModel {
            levels: 2,
            level_qty: Decimal::from(7),
        };
        let b = synthetic_book(Fx::parse("100").unwrap(), Fx::parse("0.01").unwrap(), &m, 1);
        assert_eq!(b.best_bid().unwrap().0, Fx::parse("99.99").unwrap());
        assert_eq!(b.best_ask().unwrap().0, Fx::parse("100.01").unwrap());
        assert_eq!(b.bids.len() + b.asks.len(), 4);
    }
}
