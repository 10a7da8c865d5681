//! How orders end and how order lists live: cancels (one, all of a
//! symbol), expiry, releasing reserved funds, and OCO lists whose legs
//! cancel each other.

use super::engine::{
    Engine, MarketView, OrderRef, DUPLICATE, UNKNOWN_ORDER, WOULD_TAKE, WOULD_TRIGGER,
};
use super::types::*;
use crate::domain::{Millis, Side};
use crate::trading::order::{OrderStatus, OrderType, TimeInForce};

impl Engine {
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
}
