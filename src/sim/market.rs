//! The market core: one book, id sequence, trade tape and candle set per
//! symbol, advanced in *market time* (ms since the sim started, i.e. the
//! recording's clock; the driver maps it to wall time by `speed`).
//!
//! Each symbol first replays its real capture (book from the recorded REST
//! snapshot, recorded diffs with their real `U`/`u`, recorded bookTicker and
//! trade messages), then continues with the seeded [`Model`] in 100 ms
//! batches. Everything here is pure and deterministic: the same seed gives
//! the same sequence of book states and events however the caller chunks
//! time. Wall-clock stamps (`E`, `T`) are passed in by the caller. No I/O;
//! the transport serialises the [`Emit`]s. A future matching engine would
//! act on `SymbolSim::book` through [`BookTx`] the same way the model does.

use super::bus::StreamNames;
use super::data::{self, SymbolSpec};
use super::depth::SecondAggregator;
use super::history::HistoryStore;
use super::klines::{KlineBook, KlineUpdate};
use super::model::{BookTx, Fill, Model};
use super::replay::{self, Capture, ReplayEvent};
use super::rng::Rng;
use super::stats::{self, LastTrade, Stats24h};
use crate::domain::{BookTicker, DepthSnapshot, DepthUpdate, Interval, Trade};
use crate::fixed::Fx;
use crate::market::OrderBook;
use std::collections::VecDeque;
use std::sync::Arc;

/// Model batch length and diff-stream granularity (`@depth@100ms`).
pub const BATCH_MS: u64 = 100;
const TRADE_TAPE: usize = 1000;
/// Past book states kept for the stale-snapshot fault.
const RING: usize = 8;

/// Something to publish on the streams.
#[derive(Clone, Debug)]
pub enum Emit {
    /// A 100 ms diff batch (`@depth@100ms`).
    Depth(DepthUpdate),
    /// A 1 s aggregate of 10 batches (`@depth`).
    Depth1s(DepthUpdate),
    BookTicker(BookTicker),
    Trade {
        trade: Trade,
        agg_id: u64,
    },
    Kline(KlineUpdate),
    Ticker(Box<Stats24h>),
}

/// Whether anyone listens to a stream (so unobserved payloads are skipped).
pub type Wants<'a> = &'a dyn Fn(&str) -> bool;

/// Where a step's output goes: the wall-clock stamp for `E`/`T`, the
/// subscription filter and the events.
pub struct Cx<'a> {
    pub wall: i64,
    pub wants: Wants<'a>,
    pub out: &'a mut Vec<Emit>,
}

/// One simulated symbol.
#[derive(Debug)]
pub struct SymbolSim {
    pub spec: &'static SymbolSpec,
    pub names: StreamNames,
    pub book: OrderBook,
    pub klines: KlineBook,
    capture: &'static Capture,
    cursor: usize,
    seed: u64,
    model: Option<Model>,
    next_batch: u64,
    next_tick: u64,
    epoch: i64,
    last_trade_id: u64,
    next_agg_id: u64,
    last_price: Fx,
    last_qty: Fx,
    tape: VecDeque<Trade>,
    second: SecondAggregator,
    ring: VecDeque<OrderBook>,
}

impl SymbolSim {
    pub fn new(symbol: &str, seed: u64, epoch: i64) -> Result<SymbolSim, String> {
        let spec = data::spec(symbol).ok_or_else(|| format!("unknown symbol {symbol}"))?;
        let capture = replay::capture(symbol)?;
        let snap = &capture.snapshot;
        let mut book = OrderBook::new();
        book.load(&snap.bids, &snap.asks, snap.last_update_id);
        let first_trade = capture.events.iter().find_map(|r| match &r.event {
            ReplayEvent::Trade(t) => Some(t),
            _ => None,
        });
        // A traded price, so it sits on the tick grid (a mid may not).
        let price = first_trade
            .map(|t| t.price)
            .or(book.best_bid().map(|b| b.0))
            .unwrap_or_default();
        let first_trade = first_trade.map(|t| t.id);
        let history = Arc::new(HistoryStore::new(symbol, epoch)?);
        let last_trade_id = first_trade.unwrap_or(1).saturating_sub(1);
        let mut s = SymbolSim {
            spec,
            names: StreamNames::new(&spec.lower),
            klines: KlineBook::new(history, epoch, price),
            book,
            capture,
            cursor: 0,
            seed,
            model: None,
            next_batch: 0,
            next_tick: 1000,
            epoch,
            last_trade_id,
            next_agg_id: last_trade_id / 2,
            last_price: price,
            last_qty: Fx::ZERO,
            tape: VecDeque::with_capacity(TRADE_TAPE),
            second: SecondAggregator::default(),
            ring: VecDeque::with_capacity(RING),
        };
        s.sample_ring();
        Ok(s)
    }

    pub fn symbol(&self) -> &str {
        &self.spec.info.symbol
    }

    /// Market time of this symbol's next event.
    pub fn next_due(&self) -> u64 {
        let ev = match self.capture.events.get(self.cursor) {
            Some(r) => r.at_ms,
            None => self.next_batch,
        };
        ev.min(self.next_tick)
    }

    /// Whether the recording is over and the model drives the book.
    pub fn is_modelled(&self) -> bool {
        self.model.is_some()
    }

    /// Processes the single next event (a replayed message, a model batch or
    /// the 1 s tick) if it is due at or before `to`.
    pub fn step(&mut self, to: u64, cx: &mut Cx) -> bool {
        let due = self.next_due();
        if due > to {
            return false;
        }
        let next_event = match self.capture.events.get(self.cursor) {
            Some(r) => r.at_ms,
            None => self.next_batch,
        };
        if self.next_tick == due && next_event > due {
            self.tick(due, cx);
            return true;
        }
        if let Some(r) = self.capture.events.get(self.cursor) {
            self.cursor += 1;
            match &r.event {
                ReplayEvent::Depth(d) => {
                    self.book.apply_levels(&d.bids, &d.asks);
                    self.book.last_update_id = d.final_id;
                    self.emit_depth(d.clone(), cx);
                }
                ReplayEvent::BookTicker(b) => {
                    if (cx.wants)(&self.names.book_ticker) {
                        cx.out.push(Emit::BookTicker(b.clone()));
                    }
                }
                ReplayEvent::Trade(t) => {
                    let fill = Fill {
                        price: t.price,
                        qty: t.qty,
                        aggressor: t.aggressor,
                    };
                    self.trade(due, fill, Some(t.id), cx)
                }
            }
            if self.cursor == self.capture.events.len() {
                self.next_batch = (r.at_ms / BATCH_MS + 1) * BATCH_MS;
            }
            return true;
        }
        self.batch(due, cx);
        self.next_batch += BATCH_MS;
        true
    }

    fn batch(&mut self, at: u64, cx: &mut Cx) {
        let (tick, step) = (self.spec.info.tick_size, self.spec.info.step_size);
        let mid = self.book.mid().unwrap_or(self.last_price).to_f64();
        let (seed, mean) = (self.seed, self.capture.mean_trade_qty);
        let sym = self.spec.info.symbol.clone();
        let model = self
            .model
            .get_or_insert_with(|| Model::new(Rng::derive(seed, &sym), tick, step, mid, mean));
        let mut tx = BookTx::begin(&mut self.book);
        model.step(&mut tx);
        if tx.changes() == 0 {
            return;
        }
        let diff = DepthUpdate {
            symbol: sym.clone(),
            event_time: cx.wall,
            first_id: tx.first_id,
            final_id: tx.book.last_update_id,
            bids: std::mem::take(&mut tx.bids),
            asks: std::mem::take(&mut tx.asks),
        };
        let (tops, fills) = (std::mem::take(&mut tx.tops), std::mem::take(&mut tx.fills));
        if (cx.wants)(&self.names.book_ticker) {
            cx.out.extend(tops.into_iter().map(|t| {
                Emit::BookTicker(BookTicker {
                    symbol: sym.clone(),
                    update_id: t.update_id,
                    bid: t.bid.0,
                    bid_qty: t.bid.1,
                    ask: t.ask.0,
                    ask_qty: t.ask.1,
                })
            }));
        }
        for f in fills {
            self.trade(at, f, None, cx);
        }
        self.emit_depth(diff, cx);
    }

    fn emit_depth(&mut self, mut d: DepthUpdate, cx: &mut Cx) {
        d.event_time = cx.wall;
        let keep = (cx.wants)(&self.names.depth);
        if let Some(agg) = self.second.push(&d, keep) {
            cx.out.push(Emit::Depth1s(agg));
        }
        if (cx.wants)(&self.names.depth_fast) {
            cx.out.push(Emit::Depth(d));
        }
    }

    /// Emits the pending `@depth` aggregate now (also used on pause so a
    /// 1 s client can catch up with the frozen book).
    pub fn flush_depth1s(&mut self, wall: i64, out: &mut Vec<Emit>) {
        if let Some(mut agg) = self.second.flush() {
            agg.event_time = wall;
            out.push(Emit::Depth1s(agg));
        }
    }

    fn trade(&mut self, at: u64, f: Fill, id: Option<u64>, cx: &mut Cx) {
        self.roll(at, cx);
        let id = id.unwrap_or(self.last_trade_id + 1);
        self.last_trade_id = id;
        self.next_agg_id += 1;
        self.last_price = f.price;
        self.last_qty = f.qty;
        self.klines.add_trade(f.price, f.qty, f.aggressor, id);
        let trade = Trade {
            symbol: self.spec.info.symbol.clone(),
            id,
            price: f.price,
            qty: f.qty,
            time: cx.wall,
            event_time: cx.wall,
            aggressor: f.aggressor,
        };
        if self.tape.len() == TRADE_TAPE {
            self.tape.pop_front();
        }
        self.tape.push_back(trade.clone());
        if (cx.wants)(&self.names.trade) || (cx.wants)(&self.names.agg_trade) {
            cx.out.push(Emit::Trade {
                trade,
                agg_id: self.next_agg_id,
            });
        }
    }

    fn roll(&mut self, at: u64, cx: &mut Cx) {
        let mut closed = Vec::new();
        self.klines.roll(self.epoch + at as i64, &mut closed);
        for k in closed {
            if (cx.wants)(self.names.kline(k.interval)) {
                cx.out.push(Emit::Kline(k));
            }
        }
    }

    /// The 1 s tick: candle roll-over, kline updates (every 1 s for `1s`,
    /// 2 s for the others, as Binance) and the 24h ticker.
    fn tick(&mut self, at: u64, cx: &mut Cx) {
        self.next_tick += 1000;
        self.roll(at, cx);
        for i in Interval::ALL {
            if (i == Interval::S1 || at.is_multiple_of(2000)) && (cx.wants)(self.names.kline(i)) {
                cx.out.push(Emit::Kline(KlineUpdate {
                    interval: i,
                    candle: self.klines.current(i).clone(),
                    closed: false,
                }));
            }
        }
        if (cx.wants)(&self.names.ticker) {
            cx.out.push(Emit::Ticker(Box::new(self.stats(at))));
        }
    }

    /// Keeps a past book state for the stale-snapshot fault.
    pub fn sample_ring(&mut self) {
        if self.ring.len() == RING {
            self.ring.pop_front();
        }
        self.ring.push_back(self.book.clone());
    }

    pub fn depth(&self, limit: usize) -> DepthSnapshot {
        snapshot_of(&self.book, limit)
    }

    /// The oldest kept book state (a snapshot older than what a client that
    /// subscribed after it has buffered).
    pub fn stale_depth(&self, limit: usize) -> DepthSnapshot {
        snapshot_of(self.ring.front().unwrap_or(&self.book), limit)
    }

    pub fn recent_trades(&self, limit: usize) -> Vec<Trade> {
        let skip = self.tape.len().saturating_sub(limit);
        self.tape.iter().skip(skip).cloned().collect()
    }

    pub fn last_trade_time(&self) -> i64 {
        self.tape.back().map(|t| t.time).unwrap_or(0)
    }

    /// 24h statistics at market time `at` (see `stats.rs`).
    pub fn stats(&self, at: u64) -> Stats24h {
        let now = self.epoch + at as i64;
        let hist = self.klines.history().closed(Interval::H1);
        let last = LastTrade {
            price: self.last_price,
            qty: self.last_qty,
            id: self.last_trade_id,
        };
        let top = (
            self.book.best_bid().unwrap_or_default(),
            self.book.best_ask().unwrap_or_default(),
        );
        stats::rolling_24h(
            self.symbol(),
            now,
            hist,
            &self.klines.live(Interval::H1),
            last,
            top,
        )
    }

    /// `GET /api/v3/avgPrice`: VWAP over the last 5 minutes of 1m candles.
    pub fn avg_price(&self, at: u64) -> Fx {
        let now = self.epoch + at as i64;
        let hist = self.klines.history().closed(Interval::M1);
        stats::vwap_5m(now, hist, &self.klines.live(Interval::M1), self.last_price)
    }
}

fn snapshot_of(book: &OrderBook, limit: usize) -> DepthSnapshot {
    DepthSnapshot {
        last_update_id: book.last_update_id,
        bids: book.bids.top(limit),
        asks: book.asks.top(limit),
    }
}

/// Decodes the embedded captures and kline files (cached for the process)
/// so that building a [`Market`] afterwards is quick.
pub fn preload() -> Result<(), String> {
    for s in data::SYMBOLS {
        replay::capture(s)?;
        super::history::base(s)?;
    }
    Ok(())
}

/// Every simulated symbol, stepped together in market time.
#[derive(Debug)]
pub struct Market {
    pub syms: Vec<SymbolSim>,
    pub epoch: i64,
}

impl Market {
    /// `epoch` is the wall-clock ms of market time 0 (candle times).
    pub fn new(seed: u64, epoch: i64) -> Result<Market, String> {
        let syms = data::SYMBOLS
            .iter()
            .map(|s| SymbolSim::new(s, seed, epoch))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Market { syms, epoch })
    }

    pub fn get(&self, symbol: &str) -> Option<&SymbolSim> {
        self.syms.iter().find(|s| s.symbol() == symbol)
    }

    pub fn next_due(&self) -> u64 {
        self.syms
            .iter()
            .map(SymbolSim::next_due)
            .min()
            .unwrap_or(u64::MAX)
    }

    /// Processes up to `max_steps` events due at or before `to`, in market
    /// time order; returns whether more are due.
    pub fn advance(
        &mut self,
        to: u64,
        wall: i64,
        max_steps: usize,
        wants: Wants,
        out: &mut Vec<(usize, Emit)>,
    ) -> bool {
        let mut buf = Vec::new();
        for _ in 0..max_steps {
            let next = self
                .syms
                .iter()
                .map(SymbolSim::next_due)
                .enumerate()
                .min_by_key(|x| x.1);
            let Some((n, due)) = next else {
                return false;
            };
            if due > to {
                return false;
            }
            let mut cx = Cx {
                wall,
                wants,
                out: &mut buf,
            };
            self.syms[n].step(to, &mut cx);
            out.extend(buf.drain(..).map(|e| (n, e)));
        }
        self.next_due() <= to
    }

    pub fn sample_rings(&mut self) {
        self.syms.iter_mut().for_each(SymbolSim::sample_ring);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(_: &str) -> bool {
        true
    }

    /// Steps through the whole recording and well into the model, checking
    /// the emitted diff ids are contiguous and the book never crosses.
    fn run(seed: u64, until: u64, chunk: u64) -> (Vec<(u64, u64)>, Vec<u64>, OrderBook) {
        let mut m = Market::new(seed, 1_700_000_000_000).unwrap();
        let mut ids = Vec::new();
        let mut trades = Vec::new();
        let mut out = Vec::new();
        let mut t = 0;
        while t < until {
            t = (t + chunk).min(until);
            while m.advance(t, 0, 1000, &all, &mut out) {}
            for (n, e) in out.drain(..) {
                match e {
                    Emit::Depth(d) if n == 0 => ids.push((d.first_id, d.final_id)),
                    Emit::Trade { trade, .. } if n == 0 => trades.push(trade.id),
                    _ => {}
                }
            }
            assert!(!m.syms[0].book.is_crossed() && !m.syms[1].book.is_crossed());
        }
        (ids, trades, m.syms[0].book.clone())
    }

    #[test]
    fn replay_then_model_is_contiguous_and_deterministic() {
        let until = 420_000; // the recording is ~346 s, then the model runs
        let (ids, trades, book) = run(42, until, 5_000);
        assert!(ids.len() > 4000, "{} diffs", ids.len());
        assert!(
            ids.windows(2).all(|w| w[1].0 == w[0].1 + 1),
            "contiguous ids"
        );
        assert!(ids[0].0 <= 50_093_239_219 && ids[0].1 >= 50_093_239_219);
        assert!(trades.windows(2).all(|w| w[1] == w[0] + 1), "trade ids");
        let (ids2, _, book2) = run(42, until, 777);
        assert!(ids == ids2, "chunking does not change the sequence");
        assert!(book == book2);
        let (_, _, book3) = run(43, until, 5_000);
        assert!(book != book3, "another seed, another market");
    }

    #[test]
    fn ticks_emit_klines_and_tickers() {
        let mut m = Market::new(1, 1_700_000_000_000).unwrap();
        let mut out = Vec::new();
        while m.advance(4_000, 5, 1000, &all, &mut out) {}
        let closed = out
            .iter()
            .filter(|(_, e)| matches!(e, Emit::Kline(k) if k.closed))
            .count();
        let tickers: Vec<_> = out
            .iter()
            .filter_map(|(_, e)| match e {
                Emit::Ticker(t) => Some(t),
                _ => None,
            })
            .collect();
        assert!(closed >= 2 * 4, "1s candles close every second");
        assert_eq!(tickers.len(), 2 * 4);
        let t = tickers[0];
        assert!(t.count > 0 && t.volume.0 > 0 && t.low <= t.high && t.first_id <= t.last_id);
        let btc = &m.syms[0];
        assert!(btc.avg_price(4_000).0 > 0);
        assert!(!btc.recent_trades(10).is_empty());
        assert!(btc.stale_depth(5).last_update_id <= btc.depth(5).last_update_id);
    }
}
