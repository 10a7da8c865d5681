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
    pub(super) next_list_id: i64,
    pub(super) next_exec_id: i64,
    pub(super) next_cancel_id: u64,
    /// Key flags and fee rates per account (default when absent).
    profiles: HashMap<AccountId, AccountProfile>,
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

    /// The account's key flags and fee rates.
    pub fn profile(&self, account: AccountId) -> AccountProfile {
        self.profiles.get(&account).cloned().unwrap_or_default()
    }

    pub fn set_profile(&mut self, account: AccountId, p: AccountProfile) {
        self.profiles.insert(account, p);
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

    pub(super) fn duplicate(&self, account: AccountId, symbol: &str, id: &str) -> bool {
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

    pub(super) fn new_order(&mut self, account: AccountId, o: &NewOrder, now: Millis) -> SimOrder {
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

    /// Fees and the receiving asset of a fill.
    pub(super) fn settle(
        &mut self,
        order: &SimOrder,
        price: Decimal,
        qty: Decimal,
        maker: bool,
    ) -> (Decimal, String) {
        let r = self.rules[&order.symbol].clone();
        let p = self.profile(order.account);
        let rate = if maker { p.maker_rate } else { p.taker_rate };
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
                let fee = ledger::fee_at(qty, rate);
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
                let fee = ledger::fee_at(quote, rate);
                self.ledger.credit(acct, &r.quote, quote - fee);
                (fee, r.quote)
            }
        }
    }
}

impl Engine {
    /// Whether a trade at `price` triggers any stop order of `symbol`.
    pub fn stops_triggered_by(&self, symbol: &str, price: Decimal) -> bool {
        self.orders.values().any(|o| {
            o.symbol == symbol
                && o.is_open()
                && !o.is_working
                && Self::triggers(o.kind, o.side, o.stop_price, price)
        })
    }

    /// Records the last traded price (nothing is resting on the symbol).
    pub fn note_price(&mut self, symbol: &str, price: Decimal) {
        self.last_price.insert(symbol.to_string(), price);
    }
}
