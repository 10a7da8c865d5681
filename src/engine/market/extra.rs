//! Markets beside the one on screen: a strategy instance may trade another
//! symbol. Each such symbol gets its own [`MarketState`] (book synced by
//! the same Binance procedure, ticker, trades, klines of the instances'
//! intervals) on the engine's one stream connection, so its instances and
//! the paper venue see that symbol's market exactly as the screen's.

use super::{Engine, Reply};
use crate::domain::{DepthSnapshot, Interval};
use crate::exchange::rest::{now_ms, RestError};
use crate::exchange::wire::StreamEvent;
use crate::market::book_sync::{DiffOutcome, SnapshotOutcome};
use crate::market::MarketState;
use crate::strategy::MarketEvent;

/// Streams of an extra symbol: what strategies use (no 24 h ticker).
pub(super) fn streams(symbol: &str, intervals: &[Interval]) -> Vec<String> {
    let s = symbol.to_lowercase();
    let mut v = vec![
        format!("{s}@depth@100ms"),
        format!("{s}@bookTicker"),
        format!("{s}@trade"),
    ];
    v.extend(
        intervals
            .iter()
            .map(|i| format!("{s}@kline_{}", i.as_str())),
    );
    v
}

/// The symbol a stream event is about.
pub(super) fn symbol_of(ev: &StreamEvent) -> Option<&str> {
    Some(match ev {
        StreamEvent::Depth(d) => &d.symbol,
        StreamEvent::BookTicker(b) => &b.symbol,
        StreamEvent::Trade(t) => &t.symbol,
        StreamEvent::Kline { symbol, .. } => symbol,
        StreamEvent::Ticker(t) => &t.symbol,
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

impl Engine {
    /// Keeps one extra market per symbol a running instance trades (other
    /// than the one on screen), and the streams they need.
    pub(super) fn sync_extras(&mut self) {
        let mut want = self.strategies.running_symbols();
        want.remove(&self.market.symbol);
        self.extra.retain(|s, _| want.contains(s));
        for s in want {
            if !self.extra.contains_key(&s) {
                tracing::info!(symbol = %s, "streaming a strategy's symbol");
                let m = MarketState::new(&s, self.market.candles.interval);
                self.extra.insert(s, m);
            }
        }
        self.strat_streams();
    }

    fn fetch_extra_snapshot(&self, symbol: &str) {
        let (rest, sym, limit) = (self.rest.clone(), symbol.to_string(), self.s.snapshot_limit);
        self.spawn_rest(async move {
            let r = rest.depth(&sym, limit).await;
            Reply::ExtraSnapshot(sym, r)
        });
    }

    pub(super) fn on_extra_snapshot(
        &mut self,
        symbol: String,
        res: Result<DepthSnapshot, RestError>,
    ) {
        let Some(m) = self.extra.get_mut(&symbol) else {
            return;
        };
        match res {
            Ok(snap) => match m.on_snapshot(&snap) {
                SnapshotOutcome::Synced { last_update_id, .. } => {
                    tracing::info!(symbol = %symbol, last_update_id, "strategy symbol's order book live")
                }
                SnapshotOutcome::Stale { first_buffered, .. } if first_buffered > 0 => {
                    self.fetch_extra_snapshot(&symbol)
                }
                SnapshotOutcome::Resync(_) => self.fetch_extra_snapshot(&symbol),
                _ => {}
            },
            Err(e) => {
                tracing::warn!(symbol = %symbol, error = %e, "depth snapshot failed; retrying");
                self.extra_retry.insert(symbol);
            }
        }
    }

    /// Snapshots that failed are asked again on the strategy tick.
    pub(super) fn retry_extras(&mut self) {
        for s in std::mem::take(&mut self.extra_retry) {
            if self
                .extra
                .get(&s)
                .is_some_and(|m| m.sync.awaiting_snapshot())
            {
                self.fetch_extra_snapshot(&s);
            }
        }
    }

    /// A stream event of an extra symbol.
    pub(super) fn on_extra_stream(&mut self, symbol: String, event: StreamEvent) {
        let now = now_ms();
        let Some(m) = self.extra.get_mut(&symbol) else {
            return;
        };
        let ev = match event {
            StreamEvent::Depth(d) => match m.on_depth(d) {
                DiffOutcome::Applied => {
                    if let Some(t) = self.trading.as_mut() {
                        t.on_book(m, now);
                    }
                    Some((depth_event(m), None))
                }
                DiffOutcome::Buffered { fetch_snapshot } => {
                    if fetch_snapshot {
                        self.fetch_extra_snapshot(&symbol);
                    }
                    None
                }
                DiffOutcome::Resync(reason) => {
                    tracing::warn!(symbol = %symbol, %reason, "strategy symbol's order book resync");
                    self.fetch_extra_snapshot(&symbol);
                    None
                }
                DiffOutcome::Ignored => None,
            },
            StreamEvent::BookTicker(b) => {
                let ev = super::strat::ticker_event(&b);
                m.on_book_ticker(b);
                Some((ev, None))
            }
            StreamEvent::Trade(tr) => {
                if let Some(t) = self.trading.as_mut() {
                    t.on_trade(&tr, m, now);
                }
                m.on_trade(tr.clone());
                Some((MarketEvent::Trade(tr), None))
            }
            StreamEvent::Kline {
                interval, kline, ..
            } => {
                let ev = super::strat::kline_event(&kline);
                m.on_kline(interval, kline);
                Some((ev, Some(interval)))
            }
            _ => None,
        };
        if let Some((ev, interval)) = ev {
            self.strat_market_of(&symbol, ev, interval);
        }
    }
}

/// The top levels of `m`'s book as a strategy sees them.
pub(super) fn depth_event(m: &MarketState) -> MarketEvent {
    let side = |v: Vec<(crate::fixed::Fx, crate::fixed::Fx)>| {
        v.into_iter()
            .map(|(p, q)| (p.to_decimal(), q.to_decimal()))
            .collect()
    };
    MarketEvent::Depth {
        bids: side(m.sync.book().bids.top(super::strat::DEPTH_LEVELS)),
        asks: side(m.sync.book().asks.top(super::strat::DEPTH_LEVELS)),
        live: m.sync.is_live(),
    }
}
