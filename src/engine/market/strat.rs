//! The market engine's side of the strategy host: market events of the
//! current symbol go to the running instances, order events drained from
//! the trading side go to their owners, strategy commands are carried
//! out, and the kline streams the instances need are subscribed.

use super::Engine;
use crate::domain::{Interval, Kline};
use crate::engine::Command;
use crate::exchange::rest::now_ms;
use crate::exchange::ws::{self, WsCommand};
use crate::strategy::MarketEvent;

/// Depth levels per side shown to strategies.
const DEPTH_LEVELS: usize = 20;

impl Engine {
    /// A market event for the instances trading the current symbol.
    pub(super) fn strat_market(&mut self, ev: MarketEvent, interval: Option<Interval>) {
        if !self.strategies.any_running() {
            return;
        }
        let Some(t) = self.trading.as_mut() else {
            return;
        };
        self.strategies
            .on_market(&ev, interval, t, &self.market, now_ms());
        self.strat_after_trading();
    }

    /// The book's top levels after a change (only built when someone runs).
    pub(super) fn strat_depth(&mut self) {
        if !self.strategies.any_running() {
            return;
        }
        let sync = &self.market.sync;
        let side = |v: Vec<(crate::fixed::Fx, crate::fixed::Fx)>| {
            v.into_iter()
                .map(|(p, q)| (p.to_decimal(), q.to_decimal()))
                .collect()
        };
        let ev = MarketEvent::Depth {
            bids: side(sync.book().bids.top(DEPTH_LEVELS)),
            asks: side(sync.book().asks.top(DEPTH_LEVELS)),
            live: sync.is_live(),
        };
        self.strat_market(ev, None);
    }

    pub(super) fn strat_kline(&mut self, interval: Interval, k: &Kline) {
        let ev = if k.closed {
            MarketEvent::KlineClosed(k.clone())
        } else {
            MarketEvent::KlineOpen(k.clone())
        };
        self.strat_market(ev, Some(interval));
    }

    /// After anything the trading side did: order events to their
    /// instances, a halt stops them all, instances waiting to resume start.
    pub(super) fn strat_after_trading(&mut self) {
        let Some(t) = self.trading.as_mut() else {
            return;
        };
        let now = now_ms();
        if t.is_reconciled() {
            self.strategies.resume_pending(t, &self.market, now);
        }
        let evs = t.take_events();
        if !evs.is_empty() {
            self.strategies.on_trade_events(evs, t, &self.market, now);
        }
        if t.is_halted() && self.strategies.any_running() {
            self.strategies.on_halt(t, &self.market, now);
        }
        self.strat_streams();
    }

    pub(super) fn strat_command(&mut self, c: Command) {
        let Some(t) = self.trading.as_mut() else {
            tracing::warn!("strategy command ignored: trading is off");
            return;
        };
        self.strategies.command(c, t, &self.market, now_ms());
        self.strat_after_trading();
    }

    /// The market streams plus a kline stream per interval the running
    /// instances of this symbol need; resubscribes when that set changes.
    pub(super) fn strat_streams(&mut self) {
        let mut want = ws::market_streams(&self.market.symbol, self.market.candles.interval);
        let s = self.market.symbol.to_lowercase();
        for iv in self.strategies.intervals(&self.market.symbol) {
            let k = format!("{s}@kline_{}", iv.as_str());
            if !want.contains(&k) {
                want.push(k);
            }
        }
        if want != self.streams {
            self.streams = want.clone();
            if self.ws_cmd.try_send(WsCommand::SetStreams(want)).is_err() {
                tracing::warn!("stream change not sent; retried on the next event");
                self.streams.clear();
            }
        }
    }
}
