//! The strategy host: the engine's strategy instances. Each is a catalog
//! strategy behind an [`Instance`] (its ids, orders and position); the
//! host feeds it the market events of its symbol and interval and its own
//! order events, and carries its intents out through the same path as a
//! user's order: filters (in `Instance::prepare`) -> risk -> journal
//! intent -> venue, via [`Trading::submit`]. The strategy never sees the
//! venue, the network or the wall clock.
//!
//! An instance that keeps being refused, or whose intents loop, stops
//! with ERROR and the reason; the other instances and the app go on. A
//! halt (kill switch, daily loss) stops them all.
//!
//! This module holds the lifecycle (create, start, stop, edit, delete,
//! load, resume); `carry` feeds instances and carries their intents out;
//! `rows` builds the pane's rows.

use super::strategy_view::StrategyStatus;
use super::trading::Trading;
use crate::config::StrategiesCfg;
use crate::domain::{Interval, Millis};
use crate::journal::StrategyRecord;
use crate::market::MarketState;
use crate::strategy::{catalog, Instance, Intent, MarketEvent};
use crate::trading::filters::SymbolFilters;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, VecDeque};

mod carry;
mod rows;

pub use rows::Markets;

/// Refusals in a row after which an instance stops with ERROR.
const MAX_REFUSALS: u32 = 10;
/// Intents one event may cause (a strategy answering its own refusals
/// forever is a bug, not a market).
const MAX_INTENTS_PER_EVENT: usize = 200;
/// Finished orders each instance keeps in memory.
const KEEP_CLOSED: usize = 200;

struct Hosted {
    rec: StrategyRecord,
    interval: Interval,
    status: StrategyStatus,
    inst: Option<Instance>,
    refusals: u32,
    /// Intents held back by the orders-per-second limit, sent on the next
    /// event in their order.
    deferred: VecDeque<Intent>,
    /// Open time of the first closed kline it saw live (history before it
    /// may warm it up; nothing from then on is fed twice).
    live_from: Option<Millis>,
}

impl Hosted {
    /// A listed instance that is not running (loaded or just created).
    fn stopped(rec: StrategyRecord, interval: Interval) -> Hosted {
        Hosted {
            rec,
            interval,
            status: StrategyStatus::Stopped,
            inst: None,
            refusals: 0,
            deferred: VecDeque::new(),
            live_from: None,
        }
    }
}

pub struct Host {
    items: BTreeMap<u64, Hosted>,
    cfg: StrategiesCfg,
    default_interval: Interval,
    /// Instances to start once the account is reconciled.
    pending: Vec<u64>,
    /// Instances whose strategy panicked, to stop after the current call.
    panicked: Vec<(u64, String)>,
    /// Instances started since the engine last asked, for their history.
    started: Vec<(u64, String, Interval)>,
    /// The set of running instances changed (streams may need to change).
    running_changed: bool,
}

/// What a strategy command did, for the notice line.
type Said = Result<String, String>;

impl Host {
    pub fn new(cfg: StrategiesCfg, default_interval: Interval) -> Host {
        Host {
            items: BTreeMap::new(),
            cfg,
            default_interval,
            pending: Vec::new(),
            panicked: Vec::new(),
            started: Vec::new(),
            running_changed: false,
        }
    }

    /// True once after the set of running instances changed: only then do
    /// the streams and extra markets need another look.
    pub fn take_running_changed(&mut self) -> bool {
        std::mem::take(&mut self.running_changed)
    }

    /// Asks for another look at streams (a stream change could not be sent).
    pub fn mark_running_changed(&mut self) {
        self.running_changed = true;
    }

    /// `(id, symbol, interval)` of the instances started since the last
    /// call: the engine fetches their kline history for [`Host::warm_up`].
    pub fn take_started(&mut self) -> Vec<(u64, String, Interval)> {
        std::mem::take(&mut self.started)
    }

    /// Feeds an instance the closed klines from before it started (those
    /// older than the first it saw live).
    pub fn warm_up(&mut self, id: u64, klines: &[crate::domain::Kline], now: Millis) {
        let Some(h) = self.items.get_mut(&id) else {
            return;
        };
        if h.status != StrategyStatus::Running {
            return;
        }
        let Some(inst) = h.inst.as_mut() else { return };
        let cutoff = h.live_from.unwrap_or(Millis::MAX);
        let old: Vec<&crate::domain::Kline> = klines
            .iter()
            .filter(|k| k.close_time < now && k.open_time < cutoff)
            .collect();
        let n = old.len();
        if let Err(msg) =
            crate::strategy::guard::run(|| old.into_iter().for_each(|k| inst.warm_up(k)))
        {
            h.status = StrategyStatus::Error(format!("the strategy panicked: {msg}"));
            self.panicked.push((id, msg));
            return;
        }
        tracing::info!(id, klines = n, "strategy warmed up on kline history");
    }

    /// Lists the journal's instances, stopped; those that were running
    /// start again once the account is reconciled, with `resume_on_start`.
    pub fn load(&mut self, t: &mut Trading) {
        let recs = match t.journal_mut().strategies() {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "strategy instances not loaded");
                return;
            }
        };
        for rec in recs {
            let interval = Interval::parse(&rec.interval).unwrap_or(self.default_interval);
            if rec.running && self.cfg.resume_on_start {
                self.pending.push(rec.id);
            }
            self.items.insert(rec.id, Hosted::stopped(rec, interval));
        }
    }

    /// Starts the instances waiting to resume (the account is reconciled).
    pub fn resume_pending(&mut self, t: &mut Trading, mk: &Markets, now: Millis) {
        for id in std::mem::take(&mut self.pending) {
            match self.start(id, t, mk, now) {
                Ok(text) => t.notify(false, format!("OK: {text} (resumed)"), now),
                Err(why) => t.notify(true, format!("strategy #{id} not resumed: {why}"), now),
            }
        }
    }

    pub fn any_running(&self) -> bool {
        self.items
            .values()
            .any(|h| h.status == StrategyStatus::Running)
    }

    /// Symbols of the running instances.
    pub fn running_symbols(&self) -> std::collections::BTreeSet<String> {
        self.items
            .values()
            .filter(|h| h.status == StrategyStatus::Running)
            .map(|h| h.rec.symbol.clone())
            .collect()
    }

    /// The 1 s tick: every running instance sees time pass.
    pub fn on_timer(&mut self, t: &mut Trading, mk: &Markets, now: Millis) {
        let ids: Vec<u64> = self
            .items
            .iter()
            .filter(|(_, h)| h.status == StrategyStatus::Running && mk.get(&h.rec.symbol).is_some())
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.feed(id, &MarketEvent::Timer, t, mk, now);
        }
    }

    /// Kline intervals the running instances of `symbol` need streamed.
    pub fn intervals(&self, symbol: &str) -> Vec<Interval> {
        let mut v: Vec<Interval> = self
            .items
            .values()
            .filter(|h| h.status == StrategyStatus::Running && h.rec.symbol == symbol)
            .map(|h| h.interval)
            .collect();
        v.sort_by_key(|i| i.as_str());
        v.dedup();
        v
    }

    pub fn create(
        &mut self,
        name: &str,
        symbol: &str,
        interval: Option<Interval>,
        params: &str,
        now: Millis,
        t: &mut Trading,
    ) -> Result<u64, String> {
        let info = catalog::find(name)?;
        let params = catalog::parse_params(info.name, params)?;
        let symbol = symbol.trim().to_uppercase();
        if t.symbol_info(&symbol).is_none() {
            return Err(format!("{symbol} is not listed by the exchange"));
        }
        let id = self.items.keys().max().map_or(1, |m| m + 1);
        let interval = interval.unwrap_or(self.default_interval);
        let rec = StrategyRecord {
            id,
            name: info.name.to_string(),
            symbol,
            interval: interval.as_str().to_string(),
            params: params.to_string(),
            running: false,
            note: None,
            created_ms: now,
            updated_ms: now,
        };
        t.journal_mut()
            .save_strategy(&rec)
            .map_err(|e| format!("the journal refused it: {e}"))?;
        self.items.insert(id, Hosted::stopped(rec, interval));
        Ok(id)
    }

    fn persist(&mut self, id: u64, t: &mut Trading, now: Millis) {
        if let Some(h) = self.items.get_mut(&id) {
            h.rec.running = h.status == StrategyStatus::Running;
            h.rec.updated_ms = now;
            if let Err(e) = t.journal_mut().save_strategy(&h.rec) {
                tracing::error!(id, error = %e, "strategy instance not saved");
            }
        }
    }

    pub fn start(&mut self, id: u64, t: &mut Trading, mk: &Markets, now: Millis) -> Said {
        let h = self
            .items
            .get_mut(&id)
            .ok_or(format!("no strategy #{id}"))?;
        if h.status == StrategyStatus::Running {
            return Ok(format!("strategy #{id} is already running"));
        }
        if t.is_halted() {
            return Err("trading is halted; resume first".into());
        }
        let info = t
            .symbol_info(&h.rec.symbol)
            .cloned()
            .ok_or(format!("{} is not listed by the exchange", h.rec.symbol))?;
        let params = catalog::parse_params(&h.rec.name, &h.rec.params)?;
        let strategy = catalog::build(&h.rec.name, &h.rec.symbol, &params)?;
        let filters = SymbolFilters::from_json(&info.filters);
        let dust = filters.step_size;
        let mut inst = Instance::new(
            &tag(id),
            &h.rec.symbol,
            &info.base,
            &info.quote,
            dust,
            strategy,
        );
        // Ids never repeat across sessions: the sequence starts at the clock.
        inst.start_ids_at(now as u64);
        // Its position and P&L go on from its earlier sessions' fills.
        let prefix = format!("tt-{}-", tag(id));
        let mut restored = 0;
        if let Ok(fills) = t.journal_mut().fills(&crate::journal::FillFilter {
            symbol: Some(h.rec.symbol.clone()),
            ..Default::default()
        }) {
            for f in fills
                .iter()
                .filter(|f| f.client_order_id.starts_with(&prefix))
            {
                inst.restore_fill(f);
                restored += 1;
            }
        }
        if restored > 0 {
            tracing::info!(
                id,
                fills = restored,
                "strategy position restored from the journal"
            );
        }
        h.inst = Some(inst);
        h.status = StrategyStatus::Running;
        self.running_changed = true;
        h.rec.note = None;
        h.refusals = 0;
        h.deferred.clear();
        h.live_from = None;
        self.started.push((id, h.rec.symbol.clone(), h.interval));
        let text = format!("strategy #{id} {} on {} started", h.rec.name, h.rec.symbol);
        self.persist(id, t, now);
        t.set_collect(true);
        // A first look at the market, so it need not wait for the next event.
        if mk.get(&self.items[&id].rec.symbol).is_some() {
            self.feed(id, &MarketEvent::Timer, t, mk, now);
        }
        Ok(text)
    }

    /// Stops an instance (cancelling its open orders when configured).
    pub fn stop(&mut self, id: u64, why: &str, t: &mut Trading, mk: &Markets, now: Millis) -> Said {
        let h = self
            .items
            .get_mut(&id)
            .ok_or(format!("no strategy #{id}"))?;
        if h.status != StrategyStatus::Running {
            return Ok(format!("strategy #{id} is not running"));
        }
        h.status = StrategyStatus::Stopped;
        self.running_changed = true;
        h.rec.note = Some(why.to_string());
        h.deferred.clear();
        self.wind_down(id, t, mk, now);
        self.persist(id, t, now);
        // Events keep flowing to stopped instances: their cancels and late
        // fills still update their orders and P&L.
        Ok(format!("strategy #{id} stopped ({why})"))
    }

    /// Cancels the instance's open orders when configured.
    fn wind_down(&mut self, id: u64, t: &mut Trading, mk: &Markets, now: Millis) {
        if !self.cfg.cancel_on_stop {
            return;
        }
        let Some(h) = self.items.get(&id) else { return };
        let Some(inst) = &h.inst else { return };
        let symbol = h.rec.symbol.clone();
        let ids = inst.cancel_ids(&Intent::CancelAll);
        for cid in ids {
            t.cancel(symbol.clone(), cid, mk.of(&symbol), now);
        }
    }

    fn fail(&mut self, id: u64, why: String, t: &mut Trading, mk: &Markets, now: Millis) {
        if let Some(h) = self.items.get_mut(&id) {
            tracing::error!(id, name = %h.rec.name, reason = %why, "strategy stopped with an error");
            t.notify(
                true,
                format!("strategy #{id} {} stopped: {why}", h.rec.name),
                now,
            );
            h.status = StrategyStatus::Error(why.clone());
            self.running_changed = true;
            h.rec.note = Some(why);
        }
        self.wind_down(id, t, mk, now);
        self.persist(id, t, now);
        // Events keep flowing to stopped instances: their cancels and late
        // fills still update their orders and P&L.
    }

    pub fn edit(&mut self, id: u64, params: &str, t: &mut Trading, now: Millis) -> Said {
        let h = self
            .items
            .get_mut(&id)
            .ok_or(format!("no strategy #{id}"))?;
        let merged = format!("{} {params}", h.rec.params);
        let p = catalog::parse_params(&h.rec.name, &merged)?;
        h.rec.params = p.to_string();
        let running = h.status == StrategyStatus::Running;
        self.persist(id, t, now);
        Ok(if running {
            format!("strategy #{id} parameters saved; they apply at its next start")
        } else {
            format!("strategy #{id} parameters saved")
        })
    }

    pub fn delete(&mut self, id: u64, t: &mut Trading) -> Said {
        let h = self.items.get(&id).ok_or(format!("no strategy #{id}"))?;
        if h.status == StrategyStatus::Running {
            return Err(format!("strategy #{id} is running; stop it first"));
        }
        t.journal_mut()
            .delete_strategy(id)
            .map_err(|e| format!("the journal refused it: {e}"))?;
        self.items.remove(&id);
        Ok(format!("strategy #{id} deleted"))
    }

    /// A halt stops every instance.
    pub fn on_halt(&mut self, t: &mut Trading, mk: &Markets, now: Millis) {
        let running: Vec<u64> = self
            .items
            .iter()
            .filter(|(_, h)| h.status == StrategyStatus::Running)
            .map(|(id, _)| *id)
            .collect();
        for id in running {
            let _ = self.stop(id, "trading halted", t, mk, now);
        }
    }

    /// Carries out one strategy command and says what happened.
    pub fn command(
        &mut self,
        c: crate::engine::Command,
        t: &mut Trading,
        mk: &Markets,
        now: Millis,
    ) {
        use crate::engine::Command;
        let said = match c {
            Command::StrategyCreate {
                name,
                symbol,
                interval,
                params,
                start,
            } => match self.create(&name, &symbol, interval, &params, now, t) {
                Ok(id) if start => self.start(id, t, mk, now),
                Ok(id) => Ok(format!(
                    "strategy #{id} {name} on {symbol} created (stopped)"
                )),
                Err(e) => Err(e),
            },
            Command::StrategyStart(id) => self.start(id, t, mk, now),
            Command::StrategyStop(id) => self.stop(id, "stopped by the user", t, mk, now),
            Command::StrategyEdit { id, params } => self.edit(id, &params, t, now),
            Command::StrategyDelete(id) => self.delete(id, t),
            _ => return,
        };
        match said {
            Ok(text) => t.notify(false, format!("OK: {text}"), now),
            Err(why) => t.notify(true, format!("REFUSED: {why}"), now),
        }
    }
}

/// The tag an instance's client order ids carry.
pub fn tag(id: u64) -> String {
    format!("s{id}")
}

fn market_mid(market: &MarketState, symbol: &str) -> Option<Decimal> {
    (market.symbol == symbol && market.sync.is_live())
        .then(|| market.sync.book().mid().map(|m| m.to_decimal()))
        .flatten()
}
