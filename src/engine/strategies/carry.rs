//! Feeding instances and carrying their intents out: market and order
//! events reach the instances that own them; their intents go through
//! filters -> risk -> journal -> venue, deferred while the orders-per-second
//! limit is full; refusals in a row, intent loops and panics stop an
//! instance with ERROR.

use super::{market_mid, Host, Markets, KEEP_CLOSED, MAX_INTENTS_PER_EVENT, MAX_REFUSALS};
use crate::domain::{Interval, Millis};
use crate::engine::strategy_view::StrategyStatus;
use crate::engine::trading::{TradeEvent, Trading};
use crate::strategy::{Env, Instance, Intent, MarketEvent};
use crate::trading::filters::SymbolFilters;
use std::collections::VecDeque;

impl Host {
    /// A market event of `market`'s symbol; kline events carry their interval.
    pub fn on_market(
        &mut self,
        ev: &MarketEvent,
        symbol: &str,
        interval: Option<Interval>,
        t: &mut Trading,
        mk: &Markets,
        now: Millis,
    ) {
        let ids: Vec<u64> = self
            .items
            .iter()
            .filter(|(_, h)| {
                h.status == StrategyStatus::Running
                    && h.rec.symbol == symbol
                    && interval.is_none_or(|i| i == h.interval)
            })
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.feed(id, ev, t, mk, now);
        }
    }

    pub(super) fn feed(
        &mut self,
        id: u64,
        ev: &MarketEvent,
        t: &mut Trading,
        mk: &Markets,
        now: Millis,
    ) {
        if let (MarketEvent::KlineClosed(k), Some(h)) = (ev, self.items.get_mut(&id)) {
            h.live_from.get_or_insert(k.open_time);
        }
        let held: Vec<Intent> = self
            .items
            .get_mut(&id)
            .map(|h| h.deferred.drain(..).collect())
            .unwrap_or_default();
        if !held.is_empty() {
            self.carry(id, held, t, mk, now);
        }
        let intents = match self.with_env(id, t, now, |inst, env| inst.on_market(ev, env)) {
            Some(i) => i,
            None => return,
        };
        self.carry(id, intents, t, mk, now);
    }

    /// Order events: each goes to the instance that owns the order.
    pub fn on_trade_events(
        &mut self,
        evs: Vec<TradeEvent>,
        t: &mut Trading,
        mk: &Markets,
        now: Millis,
    ) {
        for ev in evs {
            let cid = match &ev {
                TradeEvent::Execution(r) => r
                    .orig_client_order_id
                    .clone()
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(|| r.client_order_id.clone()),
                TradeEvent::Fill(f) => f.client_order_id.clone(),
                TradeEvent::Refused {
                    client_order_id, ..
                } => client_order_id.clone(),
            };
            let owner = self
                .items
                .iter()
                .find(|(_, h)| {
                    h.inst
                        .as_ref()
                        .is_some_and(|i| i.owns(&cid) || i.owns(exec_cid(&ev)))
                })
                .map(|(id, _)| *id);
            let Some(id) = owner else { continue };
            let intents = self.with_env(id, t, now, |inst, env| match &ev {
                TradeEvent::Execution(r) => inst
                    .on_execution(r, env)
                    .map(|(_, i)| i)
                    .unwrap_or_default(),
                TradeEvent::Fill(f) => inst.on_fill(f, env).unwrap_or_default(),
                TradeEvent::Refused {
                    client_order_id,
                    reason,
                } => inst.submit_failed(client_order_id, reason, env),
            });
            if let Some(i) = intents {
                if self
                    .items
                    .get(&id)
                    .is_some_and(|h| h.status == StrategyStatus::Running)
                {
                    self.carry(id, i, t, mk, now);
                }
            }
            if let Some(inst) = self.items.get_mut(&id).and_then(|h| h.inst.as_mut()) {
                inst.trim_closed(KEEP_CLOSED);
            }
        }
    }

    /// Runs `f` on the instance with the account as it is now. A panic in
    /// the strategy marks the instance for [`Host::reap`] and gives `None`.
    pub(super) fn with_env<T>(
        &mut self,
        id: u64,
        t: &Trading,
        now: Millis,
        f: impl FnOnce(&mut Instance, &Env) -> T,
    ) -> Option<T> {
        let h = self.items.get_mut(&id)?;
        if h.status != StrategyStatus::Running && self.panicked.iter().any(|(i, _)| *i == id) {
            return None;
        }
        let inst = h.inst.as_mut()?;
        let info = t.symbol_info(&h.rec.symbol)?;
        let filters = SymbolFilters::from_json(&info.filters);
        let env = Env {
            now_ms: now,
            filters: &filters,
            base_free: t.free(&info.base),
            quote_free: t.free(&info.quote),
        };
        match crate::strategy::guard::run(|| f(inst, &env)) {
            Ok(v) => Some(v),
            Err(msg) => {
                h.status = StrategyStatus::Error(format!("the strategy panicked: {msg}"));
                self.panicked.push((id, msg));
                None
            }
        }
    }

    /// Stops (ERROR, orders cancelled) the instances whose strategy panicked.
    pub fn reap(&mut self, t: &mut Trading, mk: &Markets, now: Millis) {
        for (id, msg) in std::mem::take(&mut self.panicked) {
            self.fail(id, format!("the strategy panicked: {msg}"), t, mk, now);
        }
    }

    /// Carries out intents (and the intents their refusals cause).
    pub(super) fn carry(
        &mut self,
        id: u64,
        intents: Vec<Intent>,
        t: &mut Trading,
        mk: &Markets,
        now: Millis,
    ) {
        let mut queue: VecDeque<Intent> = intents.into();
        let mut done = 0;
        while let Some(i) = queue.pop_front() {
            done += 1;
            if done > MAX_INTENTS_PER_EVENT {
                return self.fail(
                    id,
                    "too many orders for one market event".into(),
                    t,
                    mk,
                    now,
                );
            }
            if self
                .items
                .get(&id)
                .is_none_or(|h| h.status != StrategyStatus::Running)
            {
                return;
            }
            // Held back while another order would exceed the
            // orders-per-second limit: they keep their order, and nothing is
            // refused for it.
            let held = self.items.get(&id).is_some_and(|h| !h.deferred.is_empty());
            // And while the symbol's book is not live: an order could not
            // be valued against the market (risk), nor filled on paper.
            let sym = self.items[&id].rec.symbol.clone();
            let blind = market_mid(mk.of(&sym), &sym).is_none();
            if matches!(i, Intent::Place(_)) && (held || blind || !t.rate_available(now)) {
                if let Some(h) = self.items.get_mut(&id) {
                    h.deferred.push_back(i);
                    h.deferred.extend(queue.drain(..));
                }
                return;
            }
            match &i {
                Intent::Place(p) => {
                    let sym = self.items[&id].rec.symbol.clone();
                    let mid = market_mid(mk.of(&sym), &sym);
                    let open = t.open_orders_of(&self.items[&id].rec.symbol) as u32;
                    let prepared = self.with_env(id, t, now, |inst, env| {
                        match inst.prepare(p, env, mid, open) {
                            Ok(req) => Ok(req),
                            Err(r) => Err(inst.refused(&p.key, &r.to_string(), env)),
                        }
                    });
                    match prepared {
                        Some(Ok(req)) => {
                            let cid = req.client_order_id.clone();
                            match t.submit(req, mk.of(&sym), now) {
                                Ok(()) => self.refused_reset(id),
                                Err(why) => {
                                    let more = self
                                        .with_env(id, t, now, |inst, env| {
                                            inst.submit_failed(&cid, &why, env)
                                        })
                                        .unwrap_or_default();
                                    if self.refused(id, &why, t, mk, now) {
                                        return;
                                    }
                                    queue.extend(more);
                                }
                            }
                        }
                        Some(Err(more)) => {
                            if self.refused(id, "order refused by the symbol's filters", t, mk, now)
                            {
                                return;
                            }
                            queue.extend(more);
                        }
                        None => {}
                    }
                }
                Intent::Cancel { .. } | Intent::CancelAll => {
                    let Some(h) = self.items.get(&id) else { return };
                    let Some(inst) = &h.inst else { return };
                    let symbol = h.rec.symbol.clone();
                    for cid in inst.cancel_ids(&i) {
                        t.cancel(symbol.clone(), cid, mk.of(&symbol), now);
                    }
                }
            }
        }
    }

    pub(super) fn refused_reset(&mut self, id: u64) {
        if let Some(h) = self.items.get_mut(&id) {
            h.refusals = 0;
        }
    }

    /// Counts a refusal; true when the instance was stopped for it.
    pub(super) fn refused(
        &mut self,
        id: u64,
        why: &str,
        t: &mut Trading,
        mk: &Markets,
        now: Millis,
    ) -> bool {
        let Some(h) = self.items.get_mut(&id) else {
            return true;
        };
        h.refusals += 1;
        tracing::warn!(id, name = %h.rec.name, reason = %why, "strategy order refused");
        if h.refusals >= MAX_REFUSALS {
            self.fail(
                id,
                format!("{MAX_REFUSALS} orders refused in a row; last: {why}"),
                t,
                mk,
                now,
            );
            return true;
        }
        false
    }
}

fn exec_cid(ev: &TradeEvent) -> &str {
    match ev {
        TradeEvent::Execution(r) => &r.client_order_id,
        _ => "",
    }
}
