//! One paper order and the executionReports it produces.

use crate::domain::{Millis, Side};
use crate::trading::account::ExecutionReport;
use crate::trading::order::{Order, OrderStatus, OrderType, TimeInForce};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Everything the venue knows about one of its orders. Prices and
/// quantities are the validated, rounded values; zero means "not given"
/// (Binance's own convention in executionReports).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperOrder {
    pub order_id: i64,
    /// -1 unless the order is a leg of an OCO.
    pub order_list_id: i64,
    pub client_order_id: String,
    pub symbol: String,
    pub side: Side,
    pub kind: OrderType,
    pub tif: Option<TimeInForce>,
    pub price: Decimal,
    pub stop_price: Decimal,
    /// Base quantity; zero for a MARKET order by quote amount.
    pub qty: Decimal,
    /// quoteOrderQty of a MARKET order by quote amount.
    pub quote_qty: Decimal,
    pub status: OrderStatus,
    pub executed_qty: Decimal,
    pub cum_quote: Decimal,
    /// False while a stop order waits for its trigger (Binance's `w`).
    pub working: bool,
    /// Volume at this order's price that must trade before it can fill.
    pub queue_ahead: Decimal,
    /// Funds this order holds locked: quote for buys, base for sells.
    pub locked: Decimal,
    /// For buys, the per-unit lock (the limit price; an OCO buy holds the
    /// higher of its two legs' prices); zero for MARKET orders.
    pub lock_price: Decimal,
    pub tag: String,
    pub created_ms: Millis,
    pub updated_ms: Millis,
}

impl PaperOrder {
    /// Base quantity still to fill (zero for orders by quote amount).
    pub fn remaining(&self) -> Decimal {
        (self.qty - self.executed_qty).max(Decimal::ZERO)
    }

    pub fn is_stop(&self) -> bool {
        matches!(
            self.kind,
            OrderType::StopLossLimit | OrderType::TakeProfitLimit
        )
    }

    /// Whether the order sits on the (virtual) book waiting for trades.
    pub fn is_resting(&self) -> bool {
        self.working && self.kind != OrderType::Market && !self.status.is_terminal()
    }

    /// Binance's trigger rule on the last trade price: stop-losses trigger
    /// when the price moves against the position (buy: up to the stop,
    /// sell: down to it), take-profits when it moves in favour.
    pub fn triggers_at(&self, last: Decimal) -> bool {
        match (self.kind, self.side) {
            (OrderType::StopLossLimit, Side::Buy) | (OrderType::TakeProfitLimit, Side::Sell) => {
                last >= self.stop_price
            }
            (OrderType::StopLossLimit, Side::Sell) | (OrderType::TakeProfitLimit, Side::Buy) => {
                last <= self.stop_price
            }
            _ => false,
        }
    }

    /// The order as the trading layer tracks it (reconciliation, display).
    pub fn to_order(&self) -> Order {
        let opt = |d: Decimal| (!d.is_zero()).then_some(d);
        Order {
            client_order_id: self.client_order_id.clone(),
            exchange_id: Some(self.order_id),
            symbol: self.symbol.clone(),
            side: self.side,
            kind: self.kind,
            tif: self.tif,
            price: opt(self.price),
            stop_price: opt(self.stop_price),
            qty: opt(self.qty),
            quote_qty: opt(self.quote_qty),
            status: self.status,
            executed_qty: self.executed_qty,
            cum_quote: self.cum_quote,
            updated_ms: self.updated_ms,
        }
    }

    /// An executionReport about this order that carries no trade.
    pub fn report(&self, exec_type: &str, now: Millis) -> ExecutionReport {
        ExecutionReport {
            symbol: self.symbol.clone(),
            client_order_id: self.client_order_id.clone(),
            // Binance puts the cancel request's own id in `c` and the
            // order's in `C`; here both carry the order's id, so a consumer
            // keyed on either finds the order.
            orig_client_order_id: (exec_type == "CANCELED").then(|| self.client_order_id.clone()),
            order_id: self.order_id,
            order_list_id: self.order_list_id,
            side: self.side,
            kind: self.kind,
            tif: self.tif,
            qty: self.qty,
            price: self.price,
            stop_price: self.stop_price,
            quote_qty: self.quote_qty,
            exec_type: exec_type.to_string(),
            status: self.status,
            reject_reason: "NONE".into(),
            last_qty: Decimal::ZERO,
            last_price: Decimal::ZERO,
            last_quote: Decimal::ZERO,
            cum_qty: self.executed_qty,
            cum_quote: self.cum_quote,
            commission: Decimal::ZERO,
            commission_asset: None,
            trade_id: -1,
            is_maker: false,
            transact_time: now,
            event_time: now,
        }
    }
}

/// One trade of one order, as reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TradeDetail {
    pub trade_id: i64,
    pub price: Decimal,
    pub qty: Decimal,
    pub commission: Decimal,
    pub commission_asset: String,
    pub is_maker: bool,
}

impl PaperOrder {
    /// The TRADE executionReport for `t` (the order already includes it).
    pub(crate) fn trade_report(&self, t: &TradeDetail, now: Millis) -> ExecutionReport {
        ExecutionReport {
            exec_type: "TRADE".into(),
            last_qty: t.qty,
            last_price: t.price,
            last_quote: (t.price * t.qty).normalize(),
            commission: t.commission,
            commission_asset: Some(t.commission_asset.clone()),
            trade_id: t.trade_id,
            is_maker: t.is_maker,
            ..self.report("TRADE", now)
        }
    }
}

/// An OCO: two legs, the limit (LIMIT_MAKER) leg first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderList {
    pub order_list_id: i64,
    pub list_client_order_id: String,
    pub symbol: String,
    /// Order ids: `[limit leg, stop leg]`.
    pub legs: [i64; 2],
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stop(kind: OrderType, side: Side) -> PaperOrder {
        PaperOrder {
            order_id: 1,
            order_list_id: -1,
            client_order_id: "a".into(),
            symbol: "BTCUSDT".into(),
            side,
            kind,
            tif: Some(TimeInForce::Gtc),
            price: Decimal::from(100),
            stop_price: Decimal::from(100),
            qty: Decimal::ONE,
            quote_qty: Decimal::ZERO,
            status: OrderStatus::New,
            executed_qty: Decimal::ZERO,
            cum_quote: Decimal::ZERO,
            working: false,
            queue_ahead: Decimal::ZERO,
            locked: Decimal::ZERO,
            lock_price: Decimal::ZERO,
            tag: "man".into(),
            created_ms: 0,
            updated_ms: 0,
        }
    }

    #[test]
    fn trigger_directions_follow_binance() {
        let (lo, at, hi) = (Decimal::from(99), Decimal::from(100), Decimal::from(101));
        let sl_buy = stop(OrderType::StopLossLimit, Side::Buy);
        assert!(!sl_buy.triggers_at(lo) && sl_buy.triggers_at(at) && sl_buy.triggers_at(hi));
        let sl_sell = stop(OrderType::StopLossLimit, Side::Sell);
        assert!(sl_sell.triggers_at(lo) && sl_sell.triggers_at(at) && !sl_sell.triggers_at(hi));
        let tp_buy = stop(OrderType::TakeProfitLimit, Side::Buy);
        assert!(tp_buy.triggers_at(lo) && tp_buy.triggers_at(at) && !tp_buy.triggers_at(hi));
        let tp_sell = stop(OrderType::TakeProfitLimit, Side::Sell);
        assert!(!tp_sell.triggers_at(lo) && tp_sell.triggers_at(at) && tp_sell.triggers_at(hi));
        let mut limit = stop(OrderType::Limit, Side::Buy);
        assert!(!limit.triggers_at(hi));
        limit.working = true;
        assert!(limit.is_resting());
    }
}
