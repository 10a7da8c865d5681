//! One running strategy and the bookkeeping around it that every runner
//! needs, so the engine and the backtest share it instead of each keeping
//! its own: client order ids from the instance tag and the intent's key,
//! the map back from ids to keys, the instance's own orders and their
//! states, its own position (from its own fills only), and the [`Ctx`] it
//! is called with.
//!
//! What stays with the runner: time, balances and symbol filters (passed
//! in as an [`Env`] on each call), risk checks, the venue, the journal.
//! A runner's loop, per event:
//!
//! 1. `on_market` (or `on_execution` for a venue report of one of
//!    [`Instance::owns`]'s orders) gives intents;
//! 2. for `Intent::Place`: [`Instance::prepare`] gives the rounded, checked
//!    order request (or a filter refusal: report it with
//!    [`Instance::refused`]); pass it through risk to the venue; if the
//!    venue refuses it outright, [`Instance::submit_failed`];
//! 3. for cancels: [`Instance::cancel_ids`] names the orders to cancel;
//! 4. carry out the intents any of these calls return, in order.

use super::intent::{self, Intent, Place};
use super::{Ctx, MarketEvent, OwnOrder, OwnPosition, Strategy, StrategyState};
use crate::domain::Millis;
use crate::portfolio::{no_rates, Pair, Portfolio};
use crate::trading::account::{ExecutionReport, Fill, OrderRequest};
use crate::trading::filters::{FilterRefusal, SymbolFilters};
use crate::trading::order::{Order, OrderStatus, Report};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What the runner knows at the time of a call.
#[derive(Clone, Copy, Debug)]
pub struct Env<'a> {
    pub now_ms: Millis,
    pub filters: &'a SymbolFilters,
    /// Free balances of the account.
    pub base_free: Decimal,
    pub quote_free: Decimal,
}

pub struct Instance {
    tag: String,
    symbol: String,
    base: String,
    quote: String,
    strategy: Box<dyn Strategy>,
    seq: u64,
    /// Client order id to key, for every order this instance placed.
    keys: BTreeMap<String, String>,
    orders: BTreeMap<String, Order>,
    /// Client order ids in placement order.
    placed: Vec<String>,
    /// The open ones among them, in placement order (a long run has
    /// thousands of finished orders; each call only needs these).
    open: Vec<String>,
    /// This instance's fills only: its position and P&L.
    portfolio: Portfolio,
}

impl Instance {
    /// `tag` goes into client order ids (at most 8 letters and digits are
    /// kept); `dust` is the quantity at or below which the position counts
    /// as flat (the lot step: what a base-asset fee leaves behind).
    pub fn new(
        tag: &str,
        symbol: &str,
        base: &str,
        quote: &str,
        dust: Decimal,
        strategy: Box<dyn Strategy>,
    ) -> Instance {
        let mut portfolio = Portfolio::new();
        portfolio.set_pair(symbol, Pair::new(base, quote));
        portfolio.set_dust(symbol, dust);
        Instance {
            tag: tag.into(),
            symbol: symbol.into(),
            base: base.into(),
            quote: quote.into(),
            strategy,
            seq: 0,
            keys: BTreeMap::new(),
            orders: BTreeMap::new(),
            placed: Vec::new(),
            open: Vec::new(),
            portfolio,
        }
    }

    /// Numbers the next client order id from `seq`. A runner that
    /// restarts should start past any id it used before (the engine time in
    /// ms at start-up will do), so ids never repeat across runs.
    pub fn start_ids_at(&mut self, seq: u64) {
        self.seq = self.seq.max(seq);
    }

    pub fn tag(&self) -> &str {
        &self.tag
    }

    pub fn symbol(&self) -> &str {
        &self.symbol
    }

    pub fn strategy(&self) -> &dyn Strategy {
        self.strategy.as_ref()
    }

    pub fn state(&self) -> StrategyState {
        self.strategy.state()
    }

    /// The instance's fills folded: position, realized P&L, round trips.
    pub fn portfolio(&self) -> &Portfolio {
        &self.portfolio
    }

    pub fn position(&self) -> OwnPosition {
        self.portfolio
            .position(&self.symbol)
            .map(|p| OwnPosition {
                qty: p.qty,
                avg_entry: p.avg_entry,
            })
            .unwrap_or_default()
    }

    /// Whether the order with this client id is one of this instance's.
    pub fn owns(&self, client_order_id: &str) -> bool {
        self.keys.contains_key(client_order_id)
    }

    pub fn key_of(&self, client_order_id: &str) -> Option<&str> {
        self.keys.get(client_order_id).map(String::as_str)
    }

    /// Every order placed, in placement order, in its latest state.
    pub fn orders(&self) -> impl Iterator<Item = &Order> {
        self.placed.iter().filter_map(|c| self.orders.get(c))
    }

    /// Open (not terminal) orders, oldest first, with their keys.
    pub fn open_orders(&self) -> Vec<OwnOrder> {
        self.open
            .iter()
            .filter_map(|c| self.orders.get(c))
            .map(|o| OwnOrder {
                key: self
                    .keys
                    .get(&o.client_order_id)
                    .cloned()
                    .unwrap_or_default(),
                order: o.clone(),
            })
            .collect()
    }

    /// Drops a finished order from `open`.
    fn close_if_done(&mut self, cid: &str) {
        if self.orders.get(cid).is_some_and(|o| o.status.is_terminal()) {
            self.open.retain(|c| c != cid);
        }
    }

    /// Forgets finished orders beyond the newest `keep` (a long-running
    /// instance; the journal has them all).
    pub fn trim_closed(&mut self, keep: usize) {
        let closed: Vec<String> = self
            .orders()
            .filter(|o| o.status.is_terminal())
            .map(|o| o.client_order_id.clone())
            .collect();
        let drop = closed.len().saturating_sub(keep);
        for cid in &closed[..drop] {
            self.orders.remove(cid);
            self.keys.remove(cid);
        }
        self.placed.retain(|c| self.orders.contains_key(c));
    }

    fn call(
        &mut self,
        env: &Env,
        f: impl FnOnce(&mut dyn Strategy, &Ctx) -> Vec<Intent>,
    ) -> Vec<Intent> {
        let open = self.open_orders();
        let ctx = Ctx {
            now_ms: env.now_ms,
            symbol: &self.symbol,
            base_asset: &self.base,
            quote_asset: &self.quote,
            filters: env.filters,
            base_free: env.base_free,
            quote_free: env.quote_free,
            position: self.position(),
            open_orders: &open,
        };
        f(self.strategy.as_mut(), &ctx)
    }

    /// Folds a fill from an earlier session (the journal) into the
    /// instance's position without telling the strategy: after a restart it
    /// manages the position it had, instead of starting flat.
    pub fn restore_fill(&mut self, f: &Fill) {
        self.portfolio.apply_fill(f, &no_rates);
    }

    /// History before the start (indicators only; see `Strategy::warm_up`).
    pub fn warm_up(&mut self, closed: &crate::domain::Kline) {
        self.strategy.warm_up(closed);
    }

    pub fn on_market(&mut self, ev: &MarketEvent, env: &Env) -> Vec<Intent> {
        self.call(env, |s, ctx| s.on_market(ev, ctx))
    }

    /// The order request for a `Place`, rounded and checked by the symbol
    /// filters, with a fresh client order id; it is recorded as this
    /// instance's order (status INTENT) until the venue answers.
    /// `reference_price`: mid or last price; `open_orders`: the symbol's
    /// open orders across the account (MAX_NUM_ORDERS).
    pub fn prepare(
        &mut self,
        p: &Place,
        env: &Env,
        reference_price: Option<Decimal>,
        open_orders: u32,
    ) -> Result<OrderRequest, FilterRefusal> {
        let cid = intent::client_order_id(&self.tag, &p.key, self.seq + 1);
        let req = intent::to_request(
            &self.symbol,
            p,
            env.filters,
            reference_price,
            open_orders,
            cid.clone(),
            &self.tag,
        )?;
        self.seq += 1;
        self.keys.insert(cid.clone(), p.key.clone());
        self.orders
            .insert(cid.clone(), Order::intent(&req, env.now_ms));
        self.placed.push(cid.clone());
        self.open.push(cid);
        Ok(req)
    }

    /// An intent that never became an order (filters, risk): the strategy
    /// is told under its key.
    pub fn refused(&mut self, key: &str, reason: &str, env: &Env) -> Vec<Intent> {
        self.call(env, |s, ctx| s.on_refused(key, reason, ctx))
    }

    /// The venue refused a prepared order outright (no order exists): it
    /// is marked REJECTED and the strategy is told.
    pub fn submit_failed(&mut self, client_order_id: &str, reason: &str, env: &Env) -> Vec<Intent> {
        let Some(key) = self.keys.get(client_order_id).cloned() else {
            return Vec::new();
        };
        if let Some(o) = self.orders.get_mut(client_order_id) {
            o.apply(&Report {
                status: OrderStatus::Rejected,
                exchange_id: None,
                executed_qty: Decimal::ZERO,
                cum_quote: Decimal::ZERO,
                time_ms: env.now_ms,
            });
        }
        self.close_if_done(client_order_id);
        self.refused(&key, reason, env)
    }

    /// The client ids of the open orders an intent cancels (none for
    /// `Place`, or for a key with no open order).
    pub fn cancel_ids(&self, i: &Intent) -> Vec<String> {
        let open = self.open_orders().into_iter();
        match i {
            Intent::Place(_) => Vec::new(),
            Intent::Cancel { key } => open
                .filter(|o| &o.key == key)
                .map(|o| o.order.client_order_id)
                .collect(),
            Intent::CancelAll => open.map(|o| o.order.client_order_id).collect(),
        }
    }

    /// A fill of one of this instance's orders learnt outside an execution
    /// report (an order response's fills, a reconcile): folded into the
    /// position and told to the strategy once per trade id. `None` when
    /// the order is not this instance's or the fill was already counted.
    pub fn on_fill(&mut self, f: &Fill, env: &Env) -> Option<Vec<Intent>> {
        let key = self.keys.get(&f.client_order_id)?.clone();
        self.portfolio.apply_fill(f, &no_rates)?;
        Some(self.call(env, |s, ctx| s.on_fill(&key, f, ctx)))
    }

    /// A venue report about one of this instance's orders (`None` if it is
    /// not one): folds the fill into the position (once per trade id) and
    /// the order's state, then tells the strategy — the fill first, then
    /// the order's new state. Returns the new fill, if any, and the
    /// strategy's intents.
    pub fn on_execution(
        &mut self,
        r: &ExecutionReport,
        env: &Env,
    ) -> Option<(Option<Fill>, Vec<Intent>)> {
        let cid = r
            .orig_client_order_id
            .as_ref()
            .filter(|c| self.owns(c))
            .unwrap_or(&r.client_order_id);
        let key = self.keys.get(cid)?.clone();
        let cid = cid.clone();
        let mut out = Vec::new();
        let fill = r.fill().and_then(|f| {
            out.extend(self.on_fill(&f, env)?);
            Some(f)
        });
        let report = Report {
            status: r.status,
            exchange_id: Some(r.order_id),
            executed_qty: r.cum_qty,
            cum_quote: r.cum_quote,
            time_ms: r.transact_time,
        };
        let changed = self.orders.get_mut(&cid).is_some_and(|o| o.apply(&report));
        self.close_if_done(&cid);
        if changed {
            if let Some(o) = self.orders.get(&cid).cloned() {
                out.extend(self.call(env, |s, ctx| s.on_order(&key, &o, ctx)));
            }
        }
        Some((fill, out))
    }
}
