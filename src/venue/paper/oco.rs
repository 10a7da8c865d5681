//! OCO order lists and cancels.
//!
//! An OCO is a LIMIT_MAKER leg and a STOP_LOSS_LIMIT leg sharing one lock:
//! a sell locks `qty` of base once, a buy the higher of the two legs'
//! `price * qty`. Binance's price rule applies (sell: limit > last > stop;
//! buy: limit < last < stop). A fill of either leg or the stop's trigger
//! expires the other leg; cancelling either leg cancels the list.

use super::{OrderList, PaperReject, PaperVenue};
use crate::domain::{Millis, Side};
use crate::market::book::OrderBook;
use crate::trading::account::{AccountEvent, OcoRequest};
use crate::trading::order::OrderStatus;

impl PaperVenue {
    /// Places an OCO; events: listStatus EXEC_STARTED, NEW for both legs,
    /// balances.
    pub fn place_oco(
        &mut self,
        req: &OcoRequest,
        book: &OrderBook,
        now: Millis,
    ) -> Result<Vec<AccountEvent>, PaperReject> {
        self.out.clear();
        if req.limit_client_order_id == req.stop_client_order_id {
            return Err(PaperReject::duplicate());
        }
        let [limit_req, stop_req] = req.legs();
        let mut limit = self.check(&limit_req, book)?;
        let mut stop = self.check(&stop_req, book)?;
        // An OCO adds two orders to MAX_NUM_ORDERS.
        let open_here = self
            .state
            .open
            .values()
            .filter(|o| o.symbol == req.symbol)
            .count() as u32;
        if let Some(max) = self.symbols[&req.symbol].filters.max_num_orders {
            if open_here + 2 > max {
                return Err(PaperReject::filter("MAX_NUM_ORDERS"));
            }
        }
        let (lp, sp) = (limit.price, stop.stop_price);
        let ordered = match (req.side, self.reference_price(&req.symbol, book)) {
            (Side::Sell, Some(last)) => lp > last && last > sp,
            (Side::Buy, Some(last)) => lp < last && last < sp,
            (Side::Sell, None) => lp > sp,
            (Side::Buy, None) => lp < sp,
        };
        if !ordered {
            return Err(PaperReject::new(
                -2010,
                "The relationship of the prices for the orders is not correct.",
            ));
        }
        if self.would_take(&limit, book) {
            return Err(PaperReject::would_take());
        }
        let (amount, lock_price) = match req.side {
            Side::Buy => {
                let p = limit.price.max(stop.price);
                (p * limit.qty, p)
            }
            Side::Sell => (limit.qty, rust_decimal::Decimal::ZERO),
        };
        let asset = self.lock_asset(&req.symbol, req.side);
        self.state.ledger.lock(&asset, amount)?;
        let list_id = self.state.next_list_id;
        self.state.next_list_id += 1;
        limit.order_list_id = list_id;
        limit.locked = amount;
        limit.lock_price = lock_price;
        (limit.created_ms, limit.updated_ms) = (now, now);
        stop.order_list_id = list_id;
        stop.working = false;
        stop.lock_price = if req.side == Side::Buy {
            stop.price
        } else {
            rust_decimal::Decimal::ZERO
        };
        (stop.created_ms, stop.updated_ms) = (now, now);
        let limit_id = self.insert(limit);
        let stop_id = self.insert(stop);
        let list = OrderList {
            order_list_id: list_id,
            list_client_order_id: req.list_client_order_id.clone(),
            symbol: req.symbol.clone(),
            legs: [limit_id, stop_id],
        };
        self.out
            .push(list_status(&list, "EXEC_STARTED", "EXECUTING"));
        self.state.lists.insert(list_id, list);
        self.report(limit_id, "NEW", now);
        self.report(stop_id, "NEW", now);
        self.rest(limit_id, book);
        Ok(self.finish(now))
    }

    /// Cancels one open order by client id (an OCO leg cancels its list).
    pub fn cancel(
        &mut self,
        symbol: &str,
        client_order_id: &str,
        now: Millis,
    ) -> Result<Vec<AccountEvent>, PaperReject> {
        self.out.clear();
        let id = self
            .state
            .open
            .values()
            .find(|o| o.symbol == symbol && o.client_order_id == client_order_id)
            .map(|o| o.order_id)
            .ok_or_else(PaperReject::unknown_order)?;
        self.cancel_id(id, now);
        Ok(self.finish(now))
    }

    /// Cancels every open order of `symbol`, oldest first. Nothing open
    /// gives no events (Binance answers -2011 there; a kill switch should
    /// not have to care).
    pub fn cancel_all(&mut self, symbol: &str, now: Millis) -> Vec<AccountEvent> {
        self.out.clear();
        let ids: Vec<i64> = self
            .state
            .open
            .values()
            .filter(|o| o.symbol == symbol)
            .map(|o| o.order_id)
            .collect();
        for id in ids {
            self.cancel_id(id, now);
        }
        self.finish(now)
    }

    fn cancel_id(&mut self, id: i64, now: Millis) {
        let Some(list_id) = self.state.open.get(&id).map(|o| o.order_list_id) else {
            return;
        };
        if let Some(list) = self.state.lists.remove(&list_id) {
            for leg in list.legs {
                self.close(leg, OrderStatus::Canceled, "CANCELED", now);
            }
            self.out.push(list_status(&list, "ALL_DONE", "ALL_DONE"));
        } else {
            self.close(id, OrderStatus::Canceled, "CANCELED", now);
        }
    }
}

fn list_status(list: &OrderList, status: &str, order_status: &str) -> AccountEvent {
    AccountEvent::ListStatus {
        symbol: list.symbol.clone(),
        list_client_order_id: list.list_client_order_id.clone(),
        order_list_id: list.order_list_id,
        list_status: status.into(),
        list_order_status: order_status.into(),
    }
}
