//! Backtesting on a recorded Binance capture (`data/`, read by
//! `crate::capture`): the real depth stream kept in sync with the client's
//! own `BookSync` (snapshot + diffs), the real trades and book tickers.
//!
//! As the engine will: every applied diff goes to the venue's `on_depth`
//! and to the strategy as `Depth` (top levels, LIVE); while the book is
//! not live the strategy sees `Depth { live: false }` and trades are not
//! matched (the paper venue must not fill against a book it cannot
//! trust); every trade of a live book goes to the venue's `on_trade`, then
//! to the strategy; book tickers go to the strategy as they come. Time is
//! the exchange's event time of depth and trade messages (spot book
//! tickers carry none and keep the current time).
//!
//! Caveat of the data, not the model: book tickers are real time while
//! depth diffs come every 100 ms, so a quote at the ticker's bid can sit at
//! a price the depth book does not hold yet (it then starts with no queue
//! ahead of it).

use super::{Backtest, Setup};
use crate::capture::{self as cap, CaptureEvent};
use crate::exchange::wire::StreamEvent;
use crate::market::book_sync::DiffOutcome;
use crate::strategy::{MarketEvent, Strategy};

/// Decodes a gzip capture (`crate::capture::BTCUSDT_CAPTURE`, ...).
pub fn decode(gz: &[u8]) -> Result<Vec<CaptureEvent>, String> {
    let lines = cap::lines(gz).map_err(|e| format!("capture: {e}"))?;
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| cap::decode(&l.json).map_err(|e| format!("capture line {}: {e}", i + 1)))
        .collect()
}

impl Backtest {
    /// Plays one capture event; `depth_levels` levels per side go to the
    /// strategy's `Depth` events.
    pub fn capture_event(&mut self, ev: &CaptureEvent, depth_levels: usize) {
        match ev {
            CaptureEvent::Snapshot(s) => {
                self.sync_mut().on_snapshot(s);
                self.after_depth(depth_levels);
            }
            CaptureEvent::Stream(StreamEvent::Depth(d)) => {
                self.advance(d.event_time);
                let applied = matches!(self.sync_mut().on_diff(d.clone()), DiffOutcome::Applied);
                if applied || !self.sync_mut().is_live() {
                    self.after_depth(depth_levels);
                }
            }
            CaptureEvent::Stream(StreamEvent::Trade(t)) => {
                self.advance(t.time);
                if self.sync_mut().is_live() {
                    self.trade(t);
                }
            }
            CaptureEvent::Stream(StreamEvent::BookTicker(b)) => {
                self.market(&MarketEvent::BookTicker {
                    bid: b.bid.to_decimal(),
                    bid_qty: b.bid_qty.to_decimal(),
                    ask: b.ask.to_decimal(),
                    ask_qty: b.ask_qty.to_decimal(),
                });
            }
            CaptureEvent::Stream(_) => {}
        }
    }

    /// The book changed: the venue learns it, then the strategy.
    fn after_depth(&mut self, n: usize) {
        let live = self.sync_mut().is_live();
        let ev = if live {
            let book = self.books.book();
            self.venue.on_depth(&self.setup.symbol, book);
            let top = |side: &crate::market::book::BookSide| {
                side.top(n)
                    .into_iter()
                    .map(|(p, q)| (p.to_decimal(), q.to_decimal()))
                    .collect()
            };
            MarketEvent::Depth {
                bids: top(&book.bids),
                asks: top(&book.asks),
                live: true,
            }
        } else {
            MarketEvent::Depth {
                bids: Vec::new(),
                asks: Vec::new(),
                live: false,
            }
        };
        self.market(&ev);
    }
}

/// Runs `strategy` over decoded capture events.
pub fn run(
    setup: Setup,
    strategy: Box<dyn Strategy>,
    events: &[CaptureEvent],
    depth_levels: usize,
) -> Backtest {
    let mut b = Backtest::new(setup, strategy);
    for ev in events {
        b.capture_event(ev, depth_levels);
    }
    b
}
