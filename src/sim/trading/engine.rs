//! The simulator's order engine: accepts, rejects, cancels and looks up
//! orders exactly as Binance's API and matching engine answer, keeps every
//! order, trade and list for the ledger, and queues the user-data events
//! each action produces. Matching itself is in `matching.rs`.
//!
//! Pure and synchronous: the caller passes the market as a [`MarketView`]
//! snapshot and the time, so the rules can be unit-tested without a server.

use super::ledger::{self, Ledger};
use super::types::*;
use crate::domain::{Millis, Side};
use crate::trading::filters::{self, OrderDraft, SymbolFilters};
use crate::trading::order::{OrderStatus, OrderType, TimeInForce};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// What the engine needs of one symbol's market: the replayed public book
/// (best first), the last traded price and the average price the filters
/// use. Our fills do not change the public book (see `matching.rs`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MarketView {
    pub bids: Vec<(Decimal, Decimal)>,
    pub asks: Vec<(Decimal, Decimal)>,
    pub last: Option<Decimal>,
    pub avg: Option<Decimal>,
}

/// A symbol's assets and filters.
#[derive(Clone, Debug)]
pub struct SymbolRules {
    pub base: String,
    pub quote: String,
    pub filters: SymbolFilters,
}

/// How a request names an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderRef {
    Id(i64),
    Client(String),
}

/// A new order's outcome: the order after immediate matching, and the
/// fills it made (the `fills` of a FULL response).
#[derive(Clone, Debug)]
pub struct Placed {
    pub order: SimOrder,
    pub fills: Vec<SimTrade>,
}

pub(super) const UNKNOWN_ORDER: &str = "Unknown order sent.";
pub(super) const DUPLICATE: &str = "Duplicate order sent.";
pub(super) const WOULD_TAKE: &str = "Order would immediately match and take.";
pub(super) const WOULD_TRIGGER: &str = "Order would trigger immediately.";

#[derive(Debug, Default)]
pub struct Engine {
    pub(super) rules: HashMap<String, SymbolRules>,
    pub(super) ledger: Ledger,
    pub(super) orders: BTreeMap<i64, SimOrder>,
    pub(super) lists: BTreeMap<i64, SimOrderList>,
    pub(super) trades: Vec<SimTrade>,
    pub(super) last_price: HashMap<String, Decimal>,
    pub(super) events: Vec<(AccountId, UserEvent)>,
    next_order_id: i64,
    pub(super) next_trade_id: i64,
    next_list_id: i64,
    pub(super) next_exec_id: i64,
    next_cancel_id: u64,
}

impl Engine {
    pub fn new(rules: HashMap<String, SymbolRules>) -> Self {
        Engine {
            rules,
            ..Engine::default()
        }
    }

    pub fn rules(&self, symbol: &str) -> Result<&SymbolRules, Reject> {
        self.rules
            .get(symbol)
            .ok_or_else(|| Reject::new(400, -1121, "Invalid symbol."))
    }

    pub fn open_account(&mut self, account: AccountId, balances: &[(String, Decimal)]) {
        self.ledger.open(account, balances);
        self.ledger.take_changed();
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    pub fn orders(&self) -> impl Iterator<Item = &SimOrder> {
        self.orders.values()
    }

    pub fn trades(&self) -> &[SimTrade] {
        &self.trades
    }

    pub fn lists(&self) -> impl Iterator<Item = &SimOrderList> {
        self.lists.values()
    }

    /// Events produced since the last call, balances last.
    pub fn take_events(&mut self, now: Millis) -> Vec<(AccountId, UserEvent)> {
        let mut ev = std::mem::take(&mut self.events);
        for (acct, balances) in self.ledger.take_changed() {
            ev.push((
                acct,
                UserEvent::Position {
                    time: now,
                    balances,
                },
            ));
        }
        ev
    }

    fn open_count(&self, account: AccountId, symbol: &str) -> u32 {
        self.orders
            .values()
            .filter(|o| o.account == account && o.symbol == symbol && o.is_open())
            .count() as u32
    }

    pub(super) fn last_price(&self, symbol: &str, mv: &MarketView) -> Option<Decimal> {
        self.last_price.get(symbol).copied().or(mv.last)
    }

    /// Binance's filter checks: values must already be on the grid and in
    /// range (`-1013 Filter failure: NAME`); `trading::filters` decides.
    pub fn check_filters(
        &self,
        account: AccountId,
        o: &NewOrder,
        mv: &MarketView,
    ) -> Result<(), Reject> {
        let r = self.rules(&o.symbol)?;
        let market = o.kind == OrderType::Market;
        let draft = OrderDraft {
            side: o.side,
            price: o.price,
            stop_price: o.stop_price,
            qty: o.qty,
            quote_qty: o.quote_qty,
            market,
        };
        let open = self.open_count(account, &o.symbol);
        let v = filters::validate(&r.filters, draft.clone(), mv.avg, open)
            .map_err(|e| Reject::filter(e.filter))?;
        if v.price != draft.price || v.stop_price != draft.stop_price {
            return Err(Reject::filter("PRICE_FILTER"));
        }
        if v.qty != draft.qty {
            let lot = if market && !r.filters.market_step_size.is_zero() {
                "MARKET_LOT_SIZE"
            } else {
                "LOT_SIZE"
            };
            return Err(Reject::filter(lot));
        }
        Ok(())
    }

    fn duplicate(&self, account: AccountId, symbol: &str, id: &str) -> bool {
        self.orders.values().any(|o| {
            o.account == account && o.symbol == symbol && o.is_open() && o.client_order_id == id
        })
    }

    /// Whether a stop order would trigger at `last`.
    pub(super) fn triggers(kind: OrderType, side: Side, stop: Decimal, last: Decimal) -> bool {
        match (kind, side) {
            (OrderType::StopLossLimit, Side::Buy) | (OrderType::TakeProfitLimit, Side::Sell) => {
                last >= stop
            }
            (OrderType::StopLossLimit, Side::Sell) | (OrderType::TakeProfitLimit, Side::Buy) => {
                last <= stop
            }
            _ => false,
        }
    }

    /// Whether a limit at `price` would take liquidity now.
    pub(super) fn would_take(side: Side, price: Decimal, mv: &MarketView) -> bool {
        match side {
            Side::Buy => mv.asks.first().is_some_and(|a| a.0 <= price),
            Side::Sell => mv.bids.first().is_some_and(|b| b.0 >= price),
        }
    }

    fn new_order(&mut self, account: AccountId, o: &NewOrder, now: Millis) -> SimOrder {
        self.next_order_id += 1;
        let stop = matches!(
            o.kind,
            OrderType::StopLossLimit | OrderType::TakeProfitLimit
        );
        SimOrder {
            account,
            symbol: o.symbol.clone(),
            order_id: self.next_order_id,
            order_list_id: -1,
            client_order_id: o.client_order_id.clone(),
            side: o.side,
            kind: o.kind,
            tif: o.tif.unwrap_or(TimeInForce::Gtc),
            price: o.price.unwrap_or_default(),
            stop_price: o.stop_price.unwrap_or_default(),
            orig_qty: o.qty.unwrap_or_default(),
            orig_quote_qty: o.quote_qty.unwrap_or_default(),
            executed_qty: Decimal::ZERO,
            cum_quote: Decimal::ZERO,
            status: OrderStatus::New,
            time: now,
            update_time: now,
            is_working: !stop,
            working_time: (!stop).then_some(now),
            queue_ahead: Decimal::ZERO,
            expiry_reason: None,
            lock: None,
        }
    }

    pub(super) fn exec(
        &mut self,
        order_id: i64,
        exec_type: &'static str,
        trade: Option<SimTrade>,
        cancel_id: Option<String>,
        now: Millis,
    ) {
        let Some(order) = self.orders.get(&order_id).cloned() else {
            return;
        };
        self.next_exec_id += 1;
        let ev = ExecEvent {
            order,
            exec_type,
            trade,
            cancel_client_id: cancel_id,
            exec_id: self.next_exec_id,
            time: now,
        };
        self.events
            .push((ev.order.account, UserEvent::Exec(Box::new(ev))));
    }

    /// `POST /api/v3/order`.
    pub fn place(
        &mut self,
        account: AccountId,
        o: NewOrder,
        mv: &MarketView,
        now: Millis,
    ) -> Result<Placed, Reject> {
        let rules = self.rules(&o.symbol)?.clone();
        self.check_filters(account, &o, mv)?;
        if self.duplicate(account, &o.symbol, &o.client_order_id) {
            return Err(Reject::new_order(DUPLICATE));
        }
        let price = o.price.unwrap_or_default();
        match o.kind {
            OrderType::LimitMaker if Self::would_take(o.side, price, mv) => {
                return Err(Reject::new_order(WOULD_TAKE))
            }
            OrderType::StopLossLimit | OrderType::TakeProfitLimit => {
                let last = self.last_price(&o.symbol, mv);
                if last.is_some_and(|l| {
                    Self::triggers(o.kind, o.side, o.stop_price.unwrap_or_default(), l)
                }) {
                    return Err(Reject::new_order(WOULD_TRIGGER));
                }
            }
            _ => {}
        }
        let mut order = self.new_order(account, &o, now);
        let id = order.order_id;
        let first_trade = self.trades.len();
        if o.kind == OrderType::Market {
            let plan = Self::walk(mv, o.side, None, o.qty, o.quote_qty, &rules);
            let base: Decimal = plan.iter().map(|f| f.1).sum();
            let quote: Decimal = plan.iter().map(|f| f.0 * f.1).sum();
            let ok = match o.side {
                Side::Buy => self.ledger.balance(account, &rules.quote).free >= quote,
                Side::Sell => self.ledger.balance(account, &rules.base).free >= base,
            };
            if !ok {
                self.next_order_id -= 1;
                return Err(Reject::insufficient());
            }
            if o.qty.is_none() {
                order.orig_qty = base;
            }
            self.orders.insert(id, order);
            self.exec(id, "NEW", None, None, now);
            for (p, q) in plan {
                self.fill(id, p, q, false, now);
            }
            let o = &self.orders[&id];
            if o.is_open() {
                self.expire(id, "INSUFFICIENT_LIQUIDITY", now);
            }
        } else {
            let (asset, amount) = match o.side {
                Side::Buy => (&rules.quote, price * order.orig_qty),
                Side::Sell => (&rules.base, order.orig_qty),
            };
            let Some(lock) = self.ledger.lock(account, asset, amount) else {
                self.next_order_id -= 1;
                return Err(Reject::insufficient());
            };
            order.lock = Some(lock);
            self.orders.insert(id, order);
            self.exec(id, "NEW", None, None, now);
            if self.orders[&id].is_working {
                self.start_working(id, mv, now);
            }
        }
        let order = self.orders[&id].clone();
        let fills = self.trades[first_trade..].to_vec();
        Ok(Placed { order, fills })
    }

    /// `POST /api/v3/orderList/oco` (SELL: above LIMIT_MAKER or
    /// TAKE_PROFIT_LIMIT, below STOP_LOSS_LIMIT; BUY mirrored).
    pub fn place_oco(
        &mut self,
        account: AccountId,
        o: NewOco,
        mv: &MarketView,
        now: Millis,
    ) -> Result<(SimOrderList, [SimOrder; 2]), Reject> {
        let rules = self.rules(&o.symbol)?.clone();
        use OrderType::*;
        let ok = match o.side {
            Side::Sell => {
                matches!(o.above.kind, LimitMaker | TakeProfitLimit)
                    && o.below.kind == StopLossLimit
            }
            Side::Buy => {
                o.above.kind == StopLossLimit
                    && matches!(o.below.kind, LimitMaker | TakeProfitLimit)
            }
        };
        if !ok {
            return Err(Reject::new(400, -1013, "Unsupported order combination"));
        }
        let leg = |l: &OcoLeg| NewOrder {
            symbol: o.symbol.clone(),
            side: o.side,
            kind: l.kind,
            tif: if l.kind == LimitMaker {
                None
            } else {
                Some(l.tif.unwrap_or(TimeInForce::Gtc))
            },
            price: l.price,
            stop_price: l.stop_price,
            qty: Some(o.qty),
            quote_qty: None,
            client_order_id: l.client_order_id.clone(),
        };
        let legs = [leg(&o.below), leg(&o.above)];
        let last = self.last_price(&o.symbol, mv);
        for l in &legs {
            self.check_filters(account, l, mv)?;
            if self.duplicate(account, &o.symbol, &l.client_order_id) {
                return Err(Reject::new_order(DUPLICATE));
            }
            let p = l.price.unwrap_or_default();
            if l.kind == LimitMaker && Self::would_take(o.side, p, mv) {
                return Err(Reject::new_order(WOULD_TAKE));
            }
            if l.kind != LimitMaker
                && last.is_some_and(|x| {
                    Self::triggers(l.kind, o.side, l.stop_price.unwrap_or_default(), x)
                })
            {
                return Err(Reject::new_order(WOULD_TRIGGER));
            }
        }
        let (asset, amount) = match o.side {
            Side::Sell => (&rules.base, o.qty),
            Side::Buy => {
                let px = legs
                    .iter()
                    .filter_map(|l| l.price)
                    .max()
                    .unwrap_or_default();
                (&rules.quote, px * o.qty)
            }
        };
        let lock = self
            .ledger
            .lock(account, asset, amount)
            .ok_or_else(Reject::insufficient)?;
        self.next_list_id += 1;
        let list_id = self.next_list_id;
        let mut ids = [0; 2];
        for (i, l) in legs.iter().enumerate() {
            let mut ord = self.new_order(account, l, now);
            ord.order_list_id = list_id;
            ord.lock = Some(lock);
            ids[i] = ord.order_id;
            self.orders.insert(ord.order_id, ord);
        }
        let list = SimOrderList {
            account,
            symbol: o.symbol.clone(),
            order_list_id: list_id,
            list_client_order_id: o.list_client_order_id.clone(),
            order_ids: ids,
            list_status_type: "EXEC_STARTED",
            list_order_status: "EXECUTING",
            time: now,
        };
        self.lists.insert(list_id, list.clone());
        for id in ids {
            self.exec(id, "NEW", None, None, now);
        }
        self.events.push((account, UserEvent::List(list.clone())));
        for id in ids {
            if self.orders[&id].is_working {
                self.start_working(id, mv, now);
            }
        }
        let legs = [self.orders[&ids[0]].clone(), self.orders[&ids[1]].clone()];
        Ok((self.lists[&list_id].clone(), legs))
    }

    /// Finds an account's order; by client id the newest one wins (a
    /// client id can be reused once its order has ended).
    pub fn find(&self, account: AccountId, symbol: &str, r: &OrderRef) -> Option<&SimOrder> {
        let mine = |o: &&SimOrder| o.account == account && o.symbol == symbol;
        match r {
            OrderRef::Id(id) => self.orders.get(id).filter(mine),
            OrderRef::Client(c) => {
                let mut it = self
                    .orders
                    .values()
                    .rev()
                    .filter(mine)
                    .filter(|o| &o.client_order_id == c);
                let all: Vec<&SimOrder> = it.by_ref().collect();
                all.iter().find(|o| o.is_open()).or(all.first()).copied()
            }
        }
    }

    /// `GET /api/v3/order`.
    pub fn query(
        &self,
        account: AccountId,
        symbol: &str,
        r: &OrderRef,
    ) -> Result<SimOrder, Reject> {
        self.rules(symbol)?;
        self.find(account, symbol, r)
            .cloned()
            .ok_or_else(|| Reject::new(400, -2013, "Order does not exist."))
    }

    fn cancel_id(&mut self, given: Option<String>) -> String {
        given.unwrap_or_else(|| {
            self.next_cancel_id += 1;
            format!("simcancel{}", self.next_cancel_id)
        })
    }

    /// `DELETE /api/v3/order`. Cancelling an OCO leg cancels the list.
    pub fn cancel(
        &mut self,
        account: AccountId,
        symbol: &str,
        r: &OrderRef,
        cancel_id: Option<String>,
        now: Millis,
    ) -> Result<(SimOrder, String), Reject> {
        self.rules(symbol)?;
        let unknown = || Reject::new(400, -2011, UNKNOWN_ORDER);
        let o = self
            .find(account, symbol, r)
            .filter(|o| o.is_open())
            .ok_or_else(unknown)?;
        let id = o.order_id;
        let list = o.order_list_id;
        let cid = self.cancel_id(cancel_id);
        self.end(
            id,
            OrderStatus::Canceled,
            "CANCELED",
            Some(cid.clone()),
            now,
        );
        if list >= 0 {
            let other: Vec<i64> = self.lists[&list]
                .order_ids
                .iter()
                .copied()
                .filter(|x| *x != id)
                .collect();
            for x in other {
                if self.orders[&x].is_open() {
                    let c = self.cancel_id(None);
                    self.end(x, OrderStatus::Canceled, "CANCELED", Some(c), now);
                }
            }
            self.list_done(list, now);
        }
        Ok((self.orders[&id].clone(), cid))
    }

    /// `DELETE /api/v3/openOrders`.
    pub fn cancel_all(
        &mut self,
        account: AccountId,
        symbol: &str,
        now: Millis,
    ) -> Result<Vec<(SimOrder, String)>, Reject> {
        self.rules(symbol)?;
        let ids: Vec<i64> = self
            .orders
            .values()
            .filter(|o| o.account == account && o.symbol == symbol && o.is_open())
            .map(|o| o.order_id)
            .collect();
        if ids.is_empty() {
            return Err(Reject::new(400, -2011, UNKNOWN_ORDER));
        }
        let mut out = Vec::new();
        for id in ids {
            if self.orders[&id].is_open() {
                out.push(self.cancel(account, symbol, &OrderRef::Id(id), None, now)?);
            } else {
                // The other leg of an OCO cancelled just before.
                let o = self.orders[&id].clone();
                out.push((o, String::new()));
            }
        }
        Ok(out)
    }

    /// Ends an order: releases what it reserved and reports it.
    pub(super) fn end(
        &mut self,
        id: i64,
        status: OrderStatus,
        exec_type: &'static str,
        cancel_id: Option<String>,
        now: Millis,
    ) {
        let Some(o) = self.orders.get_mut(&id) else {
            return;
        };
        o.status = status;
        o.update_time = now;
        let lock = o.lock;
        self.exec(id, exec_type, None, cancel_id, now);
        if let Some(l) = lock {
            self.maybe_release(l);
        }
    }

    pub(super) fn expire(&mut self, id: i64, reason: &'static str, now: Millis) {
        if let Some(o) = self.orders.get_mut(&id) {
            o.expiry_reason = Some(reason);
        }
        self.end(id, OrderStatus::Expired, "EXPIRED", None, now);
    }

    /// Releases a reservation once no open order uses it.
    pub(super) fn maybe_release(&mut self, lock: u64) {
        if !self
            .orders
            .values()
            .any(|o| o.lock == Some(lock) && o.is_open())
        {
            self.ledger.release(lock);
        }
    }

    pub(super) fn list_done(&mut self, list: i64, now: Millis) {
        let Some(l) = self.lists.get_mut(&list) else {
            return;
        };
        if l.list_status_type == "ALL_DONE" {
            return;
        }
        l.list_status_type = "ALL_DONE";
        l.list_order_status = "ALL_DONE";
        l.time = now;
        let l = l.clone();
        self.events.push((l.account, UserEvent::List(l)));
    }

    /// Fees and the receiving asset of a fill.
    pub(super) fn settle(
        &mut self,
        order: &SimOrder,
        price: Decimal,
        qty: Decimal,
    ) -> (Decimal, String) {
        let r = self.rules[&order.symbol].clone();
        let quote = price * qty;
        let acct = order.account;
        match order.side {
            Side::Buy => {
                match order.lock {
                    Some(l) => self.ledger.spend_locked(l, quote),
                    None => {
                        self.ledger.spend_free(acct, &r.quote, quote);
                    }
                }
                let fee = ledger::fee(qty);
                self.ledger.credit(acct, &r.base, qty - fee);
                (fee, r.base)
            }
            Side::Sell => {
                match order.lock {
                    Some(l) => self.ledger.spend_locked(l, qty),
                    None => {
                        self.ledger.spend_free(acct, &r.base, qty);
                    }
                }
                let fee = ledger::fee(quote);
                self.ledger.credit(acct, &r.quote, quote - fee);
                (fee, r.quote)
            }
        }
    }
}

impl Engine {
    /// Records the last traded price (nothing is resting on the symbol).
    pub fn note_price(&mut self, symbol: &str, price: Decimal) {
        self.last_price.insert(symbol.to_string(), price);
    }
}
