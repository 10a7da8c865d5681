//! The market engine's side of the strategy host: market events go to the
//! running instances of their symbol, order events drained from the
//! trading side go to their owners, strategy commands are carried out,
//! and the streams the instances need (kline intervals, other symbols)
//! are subscribed.

use super::Engine;
use crate::domain::{Interval, Kline};
use crate::engine::strategies::Markets;
use crate::engine::Command;
use crate::exchange::rest::now_ms;
use crate::exchange::ws::{self, WsCommand};
use crate::strategy::MarketEvent;

/// Depth levels per side shown to strategies.
pub(super) const DEPTH_LEVELS: usize = 20;

/// A book ticker as strategies see it.
pub(super) fn ticker_event(b: &crate::domain::BookTicker) -> MarketEvent {
    MarketEvent::BookTicker {
        bid: b.bid.to_decimal(),
        bid_qty: b.bid_qty.to_decimal(),
        ask: b.ask.to_decimal(),
        ask_qty: b.ask_qty.to_decimal(),
    }
}

/// A kline as strategies see it: closed (final) or still forming.
pub(super) fn kline_event(k: &Kline) -> MarketEvent {
    if k.closed {
        MarketEvent::KlineClosed(k.clone())
    } else {
        MarketEvent::KlineOpen(k.clone())
    }
}

impl Engine {
    /// A market event of the symbol on screen.
    pub(super) fn strat_market(&mut self, ev: MarketEvent, interval: Option<Interval>) {
        let symbol = self.market.symbol.clone();
        self.strat_market_of(&symbol, ev, interval);
    }

    /// A market event of `symbol` for the instances trading it.
    pub(super) fn strat_market_of(
        &mut self,
        symbol: &str,
        ev: MarketEvent,
        interval: Option<Interval>,
    ) {
        if !self.strategies.any_running() {
            return;
        }
        let Some(t) = self.trading.as_mut() else {
            return;
        };
        let mk = Markets {
            primary: &self.market,
            extra: &self.extra,
        };
        self.strategies
            .on_market(&ev, symbol, interval, t, &mk, now_ms());
        self.strat_after_trading();
    }

    /// The 1 s tick: time passes for every instance; failed snapshots of
    /// other symbols are asked again.
    pub(super) fn strat_tick(&mut self) {
        self.retry_extras();
        let Some(t) = self.trading.as_mut() else {
            return;
        };
        let mk = Markets {
            primary: &self.market,
            extra: &self.extra,
        };
        self.strategies.on_timer(t, &mk, now_ms());
        self.strat_after_trading();
    }

    /// The book's top levels after a change (only built when someone runs).
    pub(super) fn strat_depth(&mut self) {
        if !self.strategies.any_running() {
            return;
        }
        let ev = super::extra::depth_event(&self.market);
        self.strat_market(ev, None);
    }

    /// After anything the trading side did: order events to their
    /// instances, a halt stops them all, instances waiting to resume start.
    pub(super) fn strat_after_trading(&mut self) {
        let Some(t) = self.trading.as_mut() else {
            return;
        };
        let now = now_ms();
        let mk = Markets {
            primary: &self.market,
            extra: &self.extra,
        };
        self.strategies.reap(t, &mk, now);
        if t.is_reconciled() {
            self.strategies.resume_pending(t, &mk, now);
        }
        let evs = t.take_events();
        if !evs.is_empty() {
            self.strategies.on_trade_events(evs, t, &mk, now);
        }
        if t.is_halted() && self.strategies.any_running() {
            self.strategies.on_halt(t, &mk, now);
        }
        // Instances just started get their interval's history first.
        for (id, sym, iv) in self.strategies.take_started() {
            let (rest, n) = (self.rest.clone(), self.s.klines_history);
            self.spawn_rest(async move {
                super::Reply::StrategyHistory(id, rest.klines(&sym, iv, n).await)
            });
        }
        if self.strategies.take_running_changed() {
            self.sync_extras();
        }
    }

    pub(super) fn strat_command(&mut self, c: Command) {
        let Some(t) = self.trading.as_mut() else {
            tracing::warn!("strategy command ignored: trading is off");
            return;
        };
        let mk = Markets {
            primary: &self.market,
            extra: &self.extra,
        };
        self.strategies.command(c, t, &mk, now_ms());
        self.strat_after_trading();
    }

    /// The screen's streams, a kline stream per interval its instances
    /// need, and the streams of every other symbol an instance trades;
    /// resubscribes when that set changes.
    pub(super) fn strat_streams(&mut self) {
        let mut want = ws::market_streams(&self.market.symbol, self.market.candles.interval);
        let s = self.market.symbol.to_lowercase();
        for iv in self.strategies.intervals(&self.market.symbol) {
            let k = format!("{s}@kline_{}", iv.as_str());
            if !want.contains(&k) {
                want.push(k);
            }
        }
        for sym in self.extra.keys() {
            want.extend(super::extra::streams(sym, &self.strategies.intervals(sym)));
        }
        if want != self.streams {
            self.streams = want.clone();
            if self.ws_cmd.try_send(WsCommand::SetStreams(want)).is_err() {
                tracing::warn!("stream change not sent; retried on the next event");
                self.streams.clear();
                self.strategies.mark_running_changed();
            }
        }
    }
}
