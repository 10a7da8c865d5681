//! The simulator's trading records: orders, trades, order lists, the
//! requests that create them and the user-data events they produce. These
//! are also the test ledger: `SimHandle` hands out copies as the truth a
//! client's view is compared with.

use crate::domain::{Millis, Side};
use crate::trading::order::{OrderStatus, OrderType, TimeInForce};
use rust_decimal::Decimal;

/// An account registered with the simulator (one per API key).
pub type AccountId = u32;

/// One order as the simulator holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimOrder {
    pub account: AccountId,
    pub symbol: String,
    pub order_id: i64,
    /// -1 unless the order is an OCO leg.
    pub order_list_id: i64,
    pub client_order_id: String,
    pub side: Side,
    pub kind: OrderType,
    pub tif: TimeInForce,
    /// Zero for MARKET orders.
    pub price: Decimal,
    /// Zero unless a stop order.
    pub stop_price: Decimal,
    /// Zero for a MARKET order by quote amount.
    pub orig_qty: Decimal,
    /// `quoteOrderQty` of a MARKET order, else zero.
    pub orig_quote_qty: Decimal,
    pub executed_qty: Decimal,
    pub cum_quote: Decimal,
    pub status: OrderStatus,
    pub time: Millis,
    pub update_time: Millis,
    /// Stop orders are not working until triggered.
    pub is_working: bool,
    pub working_time: Option<Millis>,
    /// Public volume ahead of this order at its price when it started
    /// resting; it trades before any of ours.
    pub queue_ahead: Decimal,
    /// Expiry reason for EXPIRED orders (Binance `eR`/`expiryReason`).
    pub expiry_reason: Option<&'static str>,
    /// Funds reserved for this order (shared by both OCO legs).
    pub(crate) lock: Option<u64>,
}

impl SimOrder {
    pub fn is_open(&self) -> bool {
        !self.status.is_terminal()
    }

    pub fn remaining(&self) -> Decimal {
        (self.orig_qty - self.executed_qty).max(Decimal::ZERO)
    }
}

/// What `GET /api/v3/account` says about an account's key and fees. The
/// rates are also what the engine charges, so a client that shows them
/// can be checked against its fills. Tests change them per account with
/// [`super::Trading::set_profile`] (e.g. a key that may withdraw).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountProfile {
    pub can_trade: bool,
    pub can_withdraw: bool,
    pub can_deposit: bool,
    pub account_type: String,
    pub permissions: Vec<String>,
    /// Fee rates as fractions of the amount received (0.001 = 0.1%).
    pub maker_rate: Decimal,
    pub taker_rate: Decimal,
}

impl Default for AccountProfile {
    /// A trading-only key on a standard account: Binance's 0.1% fees
    /// without BNB discount.
    fn default() -> Self {
        AccountProfile {
            can_trade: true,
            can_withdraw: false,
            can_deposit: true,
            account_type: "SPOT".into(),
            permissions: vec!["SPOT".into()],
            maker_rate: super::ledger::FEE_RATE,
            taker_rate: super::ledger::FEE_RATE,
        }
    }
}

/// One of our fills.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimTrade {
    pub account: AccountId,
    pub symbol: String,
    pub trade_id: i64,
    pub order_id: i64,
    pub order_list_id: i64,
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

/// An OCO order list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimOrderList {
    pub account: AccountId,
    pub symbol: String,
    pub order_list_id: i64,
    pub list_client_order_id: String,
    /// Leg order ids, below leg first (as Binance lists them).
    pub order_ids: [i64; 2],
    /// `EXEC_STARTED` / `ALL_DONE`.
    pub list_status_type: &'static str,
    /// `EXECUTING` / `ALL_DONE`.
    pub list_order_status: &'static str,
    pub time: Millis,
}

/// A new order after parameter parsing (filters are checked by the engine).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOrder {
    pub symbol: String,
    pub side: Side,
    pub kind: OrderType,
    pub tif: Option<TimeInForce>,
    pub price: Option<Decimal>,
    pub stop_price: Option<Decimal>,
    pub qty: Option<Decimal>,
    pub quote_qty: Option<Decimal>,
    pub client_order_id: String,
}

/// One leg of `POST /api/v3/orderList/oco`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OcoLeg {
    pub kind: OrderType,
    pub price: Option<Decimal>,
    pub stop_price: Option<Decimal>,
    pub tif: Option<TimeInForce>,
    pub client_order_id: String,
}

/// `POST /api/v3/orderList/oco` after parameter parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOco {
    pub symbol: String,
    pub side: Side,
    pub qty: Decimal,
    pub list_client_order_id: String,
    pub above: OcoLeg,
    pub below: OcoLeg,
}

/// A refusal with Binance's code, message and HTTP status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reject {
    pub status: u16,
    pub code: i64,
    pub msg: String,
}

impl Reject {
    pub fn new(status: u16, code: i64, msg: impl Into<String>) -> Self {
        Reject {
            status,
            code,
            msg: msg.into(),
        }
    }

    pub fn filter(name: &str) -> Self {
        Reject::new(400, -1013, format!("Filter failure: {name}"))
    }

    pub fn new_order(msg: &str) -> Self {
        Reject::new(400, -2010, msg)
    }

    pub fn insufficient() -> Self {
        Reject::new_order("Account has insufficient balance for requested action.")
    }
}

/// What happened to an order, for an `executionReport`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecEvent {
    pub order: SimOrder,
    /// NEW, TRADE, CANCELED, EXPIRED.
    pub exec_type: &'static str,
    /// Set on TRADE reports.
    pub trade: Option<SimTrade>,
    /// The cancel request's own client id (`c` on CANCELED reports).
    pub cancel_client_id: Option<String>,
    pub exec_id: i64,
    pub time: Millis,
}

/// A user-data event for one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserEvent {
    Exec(Box<ExecEvent>),
    /// `outboundAccountPosition`: `(asset, free, locked)` of changed assets.
    Position {
        time: Millis,
        balances: Vec<(String, Decimal, Decimal)>,
    },
    List(SimOrderList),
}
