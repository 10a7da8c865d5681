//! Decoding Binance's account-side JSON into `trading::account` types:
//! order responses (ACK / RESULT / FULL), order queries and cancels, open
//! and all orders, OCO lists, the account, myTrades, and user-data events
//! (WebSocket API `{"subscriptionId","event"}`, legacy bare events and the
//! combined `{"stream","data"}` form). Lenient like the rest of the wire
//! layer: unknown fields are ignored, fields added later are optional.
//!
//! Order types tradeterm does not place (STOP_LOSS, TAKE_PROFIT) map to the
//! nearest known kind (STOP_LOSS_LIMIT, TAKE_PROFIT_LIMIT) so an order made
//! elsewhere (web UI) still decodes.

mod events;

pub use events::{
    parse_event, parse_user_data, parse_ws_api, report_client_id, UserData, WsApiMessage,
};

use super::wire::WireError;
use crate::domain::{Millis, Side};
use crate::trading::account::{Balance, Fill};
use crate::trading::order::{OrderStatus, OrderType, Report, TimeInForce};
use rust_decimal::Decimal;
use serde::Deserialize;

fn json<'a, T: Deserialize<'a>>(what: &'static str, s: &'a str) -> Result<T, WireError> {
    serde_json::from_str(s).map_err(|source| WireError::Json { what, source })
}

pub(crate) fn invalid(what: &'static str, msg: String) -> WireError {
    use serde::de::Error;
    WireError::Json {
        what,
        source: serde_json::Error::custom(msg),
    }
}

pub fn side(s: &str) -> Option<Side> {
    match s {
        "BUY" => Some(Side::Buy),
        "SELL" => Some(Side::Sell),
        _ => None,
    }
}

pub fn order_type(s: &str) -> Option<OrderType> {
    Some(match s {
        "MARKET" => OrderType::Market,
        "LIMIT" => OrderType::Limit,
        "LIMIT_MAKER" => OrderType::LimitMaker,
        "STOP_LOSS_LIMIT" | "STOP_LOSS" => OrderType::StopLossLimit,
        "TAKE_PROFIT_LIMIT" | "TAKE_PROFIT" => OrderType::TakeProfitLimit,
        _ => return None,
    })
}

pub fn tif(s: &str) -> Option<TimeInForce> {
    match s {
        "GTC" => Some(TimeInForce::Gtc),
        "IOC" => Some(TimeInForce::Ioc),
        "FOK" => Some(TimeInForce::Fok),
        _ => None,
    }
}

/// What an order looks like in a RESULT/FULL response, a query, a cancel
/// or an openOrders/allOrders item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderState {
    pub symbol: String,
    pub order_id: i64,
    pub order_list_id: i64,
    pub client_order_id: String,
    /// Cancel responses: the cancelled order's client id (the response's
    /// `clientOrderId` is then the cancel request's own id).
    pub orig_client_order_id: Option<String>,
    pub side: Side,
    pub kind: OrderType,
    pub tif: Option<TimeInForce>,
    pub price: Decimal,
    pub qty: Decimal,
    pub quote_qty: Decimal,
    pub stop_price: Decimal,
    pub executed_qty: Decimal,
    pub cum_quote: Decimal,
    pub status: OrderStatus,
    pub time: Millis,
    pub update_time: Millis,
    pub is_working: bool,
}

impl OrderState {
    /// The order's own client id (also for cancel responses).
    pub fn order_client_id(&self) -> &str {
        self.orig_client_order_id
            .as_deref()
            .unwrap_or(&self.client_order_id)
    }

    pub fn report(&self) -> Report {
        Report {
            status: self.status,
            exchange_id: Some(self.order_id),
            executed_qty: self.executed_qty,
            cum_quote: self.cum_quote,
            time_ms: self.update_time,
        }
    }
}

/// A new-order response; `state` is `None` for ACK, `fills` empty unless
/// FULL (fills of the immediate match are taker fills).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderResponse {
    pub symbol: String,
    pub order_id: i64,
    pub order_list_id: i64,
    pub client_order_id: String,
    pub transact_time: Millis,
    pub state: Option<OrderState>,
    pub fills: Vec<Fill>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawFill {
    price: Decimal,
    qty: Decimal,
    commission: Decimal,
    commission_asset: String,
    trade_id: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOrder {
    symbol: String,
    order_id: i64,
    #[serde(default = "minus_one")]
    order_list_id: i64,
    client_order_id: String,
    #[serde(default)]
    orig_client_order_id: Option<String>,
    #[serde(default)]
    transact_time: Option<Millis>,
    #[serde(default)]
    price: Option<Decimal>,
    #[serde(default)]
    orig_qty: Option<Decimal>,
    #[serde(default)]
    executed_qty: Option<Decimal>,
    #[serde(default, rename = "cummulativeQuoteQty")]
    cum_quote: Option<Decimal>,
    #[serde(default)]
    orig_quote_order_qty: Option<Decimal>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    time_in_force: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    side: Option<String>,
    #[serde(default)]
    stop_price: Option<Decimal>,
    #[serde(default)]
    time: Option<Millis>,
    #[serde(default)]
    update_time: Option<Millis>,
    #[serde(default)]
    is_working: Option<bool>,
    #[serde(default)]
    working_time: Option<Millis>,
    #[serde(default)]
    fills: Vec<RawFill>,
}

fn minus_one() -> i64 {
    -1
}

impl RawOrder {
    /// The full state, when the RESULT fields are present.
    fn state(&self, what: &'static str) -> Result<Option<OrderState>, WireError> {
        let (Some(status), Some(kind), Some(s)) = (&self.status, &self.kind, &self.side) else {
            return Ok(None);
        };
        let bad = |f: &str, v: &str| invalid(what, format!("unknown {f} {v:?}"));
        let time = self.time.or(self.transact_time).unwrap_or(0);
        Ok(Some(OrderState {
            symbol: self.symbol.clone(),
            order_id: self.order_id,
            order_list_id: self.order_list_id,
            client_order_id: self.client_order_id.clone(),
            orig_client_order_id: self.orig_client_order_id.clone(),
            side: side(s).ok_or_else(|| bad("side", s))?,
            kind: order_type(kind).ok_or_else(|| bad("order type", kind))?,
            tif: self.time_in_force.as_deref().and_then(tif),
            price: self.price.unwrap_or_default(),
            qty: self.orig_qty.unwrap_or_default(),
            quote_qty: self.orig_quote_order_qty.unwrap_or_default(),
            stop_price: self.stop_price.unwrap_or_default(),
            executed_qty: self.executed_qty.unwrap_or_default(),
            cum_quote: self.cum_quote.unwrap_or_default(),
            status: OrderStatus::from_binance(status).ok_or_else(|| bad("status", status))?,
            time,
            update_time: self
                .update_time
                .or(self.transact_time)
                .or(self.working_time)
                .unwrap_or(time),
            is_working: self
                .is_working
                .unwrap_or(self.working_time.is_some_and(|w| w >= 0)),
        }))
    }

    fn need_state(&self, what: &'static str) -> Result<OrderState, WireError> {
        self.state(what)?
            .ok_or_else(|| invalid(what, "status/type/side missing".into()))
    }
}

/// `POST /api/v3/order` in any response type.
pub fn parse_order_response(text: &str) -> Result<OrderResponse, WireError> {
    const WHAT: &str = "order response";
    let r: RawOrder = json(WHAT, text)?;
    let state = r.state(WHAT)?;
    let transact_time = r.transact_time.unwrap_or(0);
    let side = state.as_ref().map(|s| s.side);
    let fills = match side {
        Some(side) => r
            .fills
            .iter()
            .map(|f| Fill {
                symbol: r.symbol.clone(),
                trade_id: f.trade_id,
                order_id: r.order_id,
                client_order_id: r.client_order_id.clone(),
                side,
                price: f.price,
                qty: f.qty,
                quote_qty: f.price * f.qty,
                commission: f.commission,
                commission_asset: f.commission_asset.clone(),
                is_maker: false,
                time: transact_time,
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(OrderResponse {
        symbol: r.symbol,
        order_id: r.order_id,
        order_list_id: r.order_list_id,
        client_order_id: r.client_order_id,
        transact_time,
        state,
        fills,
    })
}

/// `GET /api/v3/order` or `DELETE /api/v3/order`.
pub fn parse_order(text: &str) -> Result<OrderState, WireError> {
    json::<RawOrder>("order", text)?.need_state("order")
}

/// `GET /api/v3/openOrders`, `GET /api/v3/allOrders`, and
/// `DELETE /api/v3/openOrders` (whose order-list items are flattened into
/// their `orderReports`).
pub fn parse_orders(text: &str) -> Result<Vec<OrderState>, WireError> {
    let items: Vec<serde_json::Value> = json("order list", text)?;
    let mut out = Vec::new();
    for v in items {
        if let Some(reports) = v.get("orderReports").and_then(|r| r.as_array()) {
            for r in reports {
                out.push(parse_order(&r.to_string())?);
            }
        } else {
            out.push(parse_order(&v.to_string())?);
        }
    }
    Ok(out)
}

/// `POST /api/v3/orderList/oco`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderListResponse {
    pub symbol: String,
    pub order_list_id: i64,
    pub list_client_order_id: String,
    pub list_status_type: String,
    pub list_order_status: String,
    pub transaction_time: Millis,
    pub orders: Vec<OrderState>,
}

pub fn parse_order_list(text: &str) -> Result<OrderListResponse, WireError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Raw {
        order_list_id: i64,
        list_status_type: String,
        list_order_status: String,
        list_client_order_id: String,
        #[serde(default)]
        transaction_time: Millis,
        symbol: String,
        #[serde(default)]
        order_reports: Vec<RawOrder>,
    }
    let r: Raw = json("order list response", text)?;
    Ok(OrderListResponse {
        symbol: r.symbol,
        order_list_id: r.order_list_id,
        list_client_order_id: r.list_client_order_id,
        list_status_type: r.list_status_type,
        list_order_status: r.list_order_status,
        transaction_time: r.transaction_time,
        orders: r
            .order_reports
            .iter()
            .map(|o| o.need_state("order list response"))
            .collect::<Result<_, _>>()?,
    })
}

/// `GET /api/v3/account`, reduced to what trading and `keys check` need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountInfo {
    pub can_trade: bool,
    pub can_withdraw: bool,
    pub can_deposit: bool,
    /// "SPOT" for a spot account.
    pub account_type: String,
    /// `permissions` plus every entry of `permissionSets` (Binance moved
    /// them there and now sends `permissions: []`), first seen first.
    pub permissions: Vec<String>,
    pub update_time: Millis,
    pub maker_rate: Decimal,
    pub taker_rate: Decimal,
    pub balances: Vec<Balance>,
}

pub fn parse_account(text: &str) -> Result<AccountInfo, WireError> {
    #[derive(Deserialize)]
    struct Rates {
        maker: Decimal,
        taker: Decimal,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Raw {
        #[serde(default)]
        can_trade: bool,
        #[serde(default)]
        can_withdraw: bool,
        #[serde(default)]
        can_deposit: bool,
        #[serde(default)]
        account_type: String,
        #[serde(default)]
        permissions: Vec<String>,
        #[serde(default)]
        permission_sets: Vec<Vec<String>>,
        #[serde(default)]
        update_time: Millis,
        #[serde(default)]
        commission_rates: Option<Rates>,
        #[serde(default)]
        maker_commission: i64,
        #[serde(default)]
        taker_commission: i64,
        balances: Vec<Balance>,
    }
    let r: Raw = json("account", text)?;
    // Old responses give basis points (10 = 0.1%) only.
    let bp = |n: i64| Decimal::new(n, 4);
    let (maker_rate, taker_rate) = match r.commission_rates {
        Some(c) => (c.maker, c.taker),
        None => (bp(r.maker_commission), bp(r.taker_commission)),
    };
    let mut permissions: Vec<String> = Vec::new();
    for p in r
        .permissions
        .into_iter()
        .chain(r.permission_sets.into_iter().flatten())
    {
        if !permissions.contains(&p) {
            permissions.push(p);
        }
    }
    Ok(AccountInfo {
        can_trade: r.can_trade,
        can_withdraw: r.can_withdraw,
        can_deposit: r.can_deposit,
        account_type: r.account_type,
        permissions,
        update_time: r.update_time,
        maker_rate,
        taker_rate,
        balances: r.balances,
    })
}

/// `GET /api/v3/myTrades`. Binance does not return the client order id
/// here: `client_order_id` is empty; match fills to orders by `order_id`.
pub fn parse_my_trades(text: &str) -> Result<Vec<Fill>, WireError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Raw {
        symbol: String,
        id: i64,
        order_id: i64,
        price: Decimal,
        qty: Decimal,
        #[serde(default)]
        quote_qty: Option<Decimal>,
        commission: Decimal,
        commission_asset: String,
        time: Millis,
        is_buyer: bool,
        is_maker: bool,
    }
    let v: Vec<Raw> = json("myTrades", text)?;
    Ok(v.into_iter()
        .map(|t| Fill {
            symbol: t.symbol,
            trade_id: t.id,
            order_id: t.order_id,
            client_order_id: String::new(),
            side: if t.is_buyer { Side::Buy } else { Side::Sell },
            price: t.price,
            qty: t.qty,
            quote_qty: t.quote_qty.unwrap_or(t.price * t.qty),
            commission: t.commission,
            commission_asset: t.commission_asset,
            is_maker: t.is_maker,
            time: t.time,
        })
        .collect())
}
