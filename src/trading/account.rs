//! Account-side domain types shared by the venues (paper, exchange), the
//! journal, the portfolio and the simulator: order requests, execution
//! reports, fills and balances. Money is `Decimal` throughout.

use super::order::{OrderStatus, OrderType, TimeInForce};
use crate::domain::{Millis, Side};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A new order as the user or a strategy asked for it, before risk checks.
/// `client_order_id` is assigned (and journaled as an intent) before the
/// request leaves the process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRequest {
    pub client_order_id: String,
    pub symbol: String,
    pub side: Side,
    pub kind: OrderType,
    pub tif: Option<TimeInForce>,
    pub price: Option<Decimal>,
    /// STOP_LOSS_LIMIT / TAKE_PROFIT_LIMIT trigger.
    pub stop_price: Option<Decimal>,
    /// Base quantity; MARKET may give `quote_qty` instead.
    pub qty: Option<Decimal>,
    pub quote_qty: Option<Decimal>,
    /// Who placed it: "man" for manual orders, a strategy instance id.
    pub tag: String,
}

/// An OCO sell/buy pair (Binance `orderList/oco`): a limit leg and a
/// stop-limit leg; one fills, the other is cancelled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcoRequest {
    pub list_client_order_id: String,
    pub symbol: String,
    pub side: Side,
    pub qty: Decimal,
    /// The limit (take-profit) leg.
    pub limit_client_order_id: String,
    pub limit_price: Decimal,
    /// The stop-limit leg.
    pub stop_client_order_id: String,
    pub stop_price: Decimal,
    pub stop_limit_price: Decimal,
    pub tag: String,
}

impl OcoRequest {
    /// The two orders the list creates: the LIMIT_MAKER leg and the
    /// STOP_LOSS_LIMIT leg, each with its own client order id.
    pub fn legs(&self) -> [OrderRequest; 2] {
        use crate::trading::order::{OrderType, TimeInForce};
        let leg = |cid: &str, kind, price, stop, tif| OrderRequest {
            client_order_id: cid.to_string(),
            symbol: self.symbol.clone(),
            side: self.side,
            kind,
            tif,
            price: Some(price),
            stop_price: stop,
            qty: Some(self.qty),
            quote_qty: None,
            tag: self.tag.clone(),
        };
        [
            leg(
                &self.limit_client_order_id,
                OrderType::LimitMaker,
                self.limit_price,
                None,
                None,
            ),
            leg(
                &self.stop_client_order_id,
                OrderType::StopLossLimit,
                self.stop_limit_price,
                Some(self.stop_price),
                Some(TimeInForce::Gtc),
            ),
        ]
    }
}

/// Binance's `executionReport` (user data stream), or the same facts
/// derived from a REST/WS-API order response or query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionReport {
    pub symbol: String,
    pub client_order_id: String,
    /// For cancels: the id of the order being cancelled (`C`).
    pub orig_client_order_id: Option<String>,
    pub order_id: i64,
    pub order_list_id: i64,
    pub side: Side,
    pub kind: OrderType,
    pub tif: Option<TimeInForce>,
    pub qty: Decimal,
    pub price: Decimal,
    pub stop_price: Decimal,
    pub quote_qty: Decimal,
    /// `x`: NEW, CANCELED, REPLACED, REJECTED, TRADE, EXPIRED, TRADE_PREVENTION.
    pub exec_type: String,
    pub status: OrderStatus,
    /// `r`: NONE, INSUFFICIENT_BALANCES, ...
    pub reject_reason: String,
    pub last_qty: Decimal,
    pub last_price: Decimal,
    pub last_quote: Decimal,
    pub cum_qty: Decimal,
    pub cum_quote: Decimal,
    pub commission: Decimal,
    pub commission_asset: Option<String>,
    /// `t`: -1 when the report is not a trade.
    pub trade_id: i64,
    pub is_maker: bool,
    pub transact_time: Millis,
    pub event_time: Millis,
}

impl ExecutionReport {
    /// The fill this report carries, if it is a trade.
    pub fn fill(&self) -> Option<Fill> {
        (self.exec_type == "TRADE" && self.trade_id >= 0).then(|| Fill {
            symbol: self.symbol.clone(),
            trade_id: self.trade_id,
            order_id: self.order_id,
            client_order_id: self.client_order_id.clone(),
            side: self.side,
            price: self.last_price,
            qty: self.last_qty,
            quote_qty: if self.last_quote.is_zero() {
                self.last_price * self.last_qty
            } else {
                self.last_quote
            },
            commission: self.commission,
            commission_asset: self.commission_asset.clone().unwrap_or_default(),
            is_maker: self.is_maker,
            time: self.transact_time,
        })
    }
}

/// One trade of one of our orders. Unique by `(symbol, trade_id)`: the
/// same fill seen on the stream and over REST counts once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fill {
    pub symbol: String,
    pub trade_id: i64,
    pub order_id: i64,
    pub client_order_id: String,
    pub side: Side,
    pub price: Decimal,
    pub qty: Decimal,
    pub quote_qty: Decimal,
    pub commission: Decimal,
    pub commission_asset: String,
    pub is_maker: bool,
    pub time: Millis,
}

/// Free and locked amounts of one asset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    pub asset: String,
    pub free: Decimal,
    pub locked: Decimal,
}

/// What a venue reports about the account.
// Execution reports dominate the traffic; boxing them would add an
// allocation to the common case to shrink the rare ones.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountEvent {
    Execution(ExecutionReport),
    /// `outboundAccountPosition`: absolute balances of the assets that changed.
    Balances {
        time: Millis,
        balances: Vec<Balance>,
    },
    /// `balanceUpdate`: a deposit, withdrawal or transfer.
    BalanceDelta {
        asset: String,
        delta: Decimal,
        time: Millis,
    },
    /// `listStatus` of an order list (OCO).
    ListStatus {
        symbol: String,
        list_client_order_id: String,
        order_list_id: i64,
        /// `l`: RESPONSE, EXEC_STARTED, ALL_DONE, ...
        list_status: String,
        /// `L`: EXECUTING, ALL_DONE, REJECT.
        list_order_status: String,
    },
    /// The user stream ended (`eventStreamTerminated`) or the connection
    /// was lost: state must be reconciled over REST before trading resumes.
    StreamLost {
        reason: String,
    },
    /// The user stream is (again) subscribed.
    StreamUp,
}
