//! What the UI (or a CLI command) asks the engine to do.

use crate::domain::{Interval, Side};
use crate::trading::filters::OrderDraft;
use crate::trading::order::{OrderType, TimeInForce};
use rust_decimal::Decimal;

/// An order as the user entered it (before rounding, filters and risk).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderTicket {
    pub symbol: String,
    pub side: Side,
    pub kind: OrderType,
    /// LIMIT-type orders; `None` for MARKET.
    pub tif: Option<TimeInForce>,
    pub price: Option<Decimal>,
    /// STOP_LOSS_LIMIT / TAKE_PROFIT_LIMIT trigger price.
    pub stop_price: Option<Decimal>,
    /// Base quantity, or...
    pub qty: Option<Decimal>,
    /// ...a quote amount (MARKET only).
    pub quote_qty: Option<Decimal>,
    /// The client order id to use, so a caller (a script, a strategy) can
    /// follow its own order; `None` lets the engine pick one.
    pub client_order_id: Option<String>,
    /// Who placed it ("man", "cli", a strategy instance); `None` = "man".
    pub tag: Option<String>,
}

impl OrderTicket {
    /// What the filters check: the ticket's side, prices and quantities
    /// (one place, so a strategy's and the user's orders round the same).
    pub fn draft(&self) -> OrderDraft {
        OrderDraft {
            side: self.side,
            price: self.price,
            stop_price: self.stop_price,
            qty: self.qty,
            quote_qty: self.quote_qty,
            market: self.kind == OrderType::Market,
        }
    }
}

/// An OCO as the user entered it: a LIMIT_MAKER leg at `limit_price` and
/// a STOP_LOSS_LIMIT leg triggered at `stop_price`, one quantity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OcoTicket {
    pub symbol: String,
    pub side: Side,
    pub qty: Decimal,
    pub limit_price: Decimal,
    pub stop_price: Decimal,
    /// Limit price of the stop leg once triggered (default: `stop_price`).
    pub stop_limit_price: Option<Decimal>,
    /// The list's client order id; the legs get `-L` and `-S` appended.
    pub list_client_order_id: Option<String>,
    pub tag: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Switch the market to another symbol (streams are resubscribed, the
    /// old book dropped).
    SwitchSymbol(String),
    /// Change the chart interval (history refetched, kline stream changed).
    SetInterval(Interval),
    /// Place an order (already confirmed by the user where the mode asks
    /// for confirmation).
    PlaceOrder(OrderTicket),
    /// Place an OCO order list.
    PlaceOco(OcoTicket),
    /// Cancel one order by client order id.
    CancelOrder {
        symbol: String,
        client_order_id: String,
    },
    /// Cancel every open order of a symbol.
    CancelAll {
        symbol: String,
    },
    /// Create a strategy instance from the catalog (`params`: `k=v` pairs
    /// over the defaults), optionally starting it at once.
    StrategyCreate {
        name: String,
        symbol: String,
        /// Kline interval it trades on (default: the chart's).
        interval: Option<Interval>,
        params: String,
        start: bool,
    },
    /// Start or stop an instance by id.
    StrategyStart(u64),
    StrategyStop(u64),
    /// Replace an instance's parameters (`k=v` pairs over its current
    /// ones); refused with the reason when a value is invalid.
    StrategyEdit {
        id: u64,
        params: String,
    },
    /// Delete a stopped instance.
    StrategyDelete(u64),
    /// Kill switch: refuse new orders, cancel open ones, stop strategies;
    /// persists until `Resume`.
    Halt {
        reason: String,
    },
    /// Clear a halt.
    Resume,
    /// Stop everything and exit.
    Shutdown,
}
