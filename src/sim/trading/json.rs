//! Binance's JSON for orders, trades, accounts and user-data events:
//! amounts as strings with 8 decimals, `cummulativeQuoteQty` (sic), field
//! order as the real API (hence a small ordered builder: `serde_json`'s map
//! sorts keys in this build).

pub use super::super::json::string;
use super::types::*;
use crate::trading::order::{OrderStatus, OrderType};
use rust_decimal::Decimal;

/// An ordered JSON object under construction.
#[derive(Default)]
pub struct Obj(String);

impl Obj {
    fn key(&mut self, k: &str) -> &mut String {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        self.0.push_str(&string(k));
        self.0.push(':');
        &mut self.0
    }

    /// A JSON string value.
    pub fn s(mut self, k: &str, v: &str) -> Self {
        let q = string(v);
        self.key(k).push_str(&q);
        self
    }

    /// An 8-decimal amount string.
    pub fn d(self, k: &str, v: Decimal) -> Self {
        self.s(k, &d8(v))
    }

    /// A raw JSON value (number, bool, null, array, object).
    pub fn raw(mut self, k: &str, v: impl std::fmt::Display) -> Self {
        let v = v.to_string();
        self.key(k).push_str(&v);
        self
    }

    pub fn done(mut self) -> String {
        if self.0.is_empty() {
            self.0.push('{');
        }
        self.0.push('}');
        self.0
    }
}

fn array(items: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", items.into_iter().collect::<Vec<_>>().join(","))
}

/// The symbols' default self-trade prevention mode (exchangeInfo).
const STP: &str = "EXPIRE_MAKER";

/// A decimal string with exactly 8 fractional digits.
pub fn d8(v: Decimal) -> String {
    let mut x = v.round_dp(8);
    x.rescale(8);
    x.to_string()
}

pub fn status_str(s: OrderStatus) -> &'static str {
    match s {
        // Client-side states never reach the wire; the exchange says NEW.
        OrderStatus::Intent | OrderStatus::Unknown => "NEW",
        s => s.as_str(),
    }
}

fn tif_str(o: &SimOrder) -> &'static str {
    match o.tif {
        crate::trading::order::TimeInForce::Gtc => "GTC",
        crate::trading::order::TimeInForce::Ioc => "IOC",
        crate::trading::order::TimeInForce::Fok => "FOK",
    }
}

fn is_stop(o: &SimOrder) -> bool {
    matches!(
        o.kind,
        OrderType::StopLossLimit | OrderType::TakeProfitLimit
    )
}

fn ack(o: &SimOrder, transact: i64) -> Obj {
    Obj::default()
        .s("symbol", &o.symbol)
        .raw("orderId", o.order_id)
        .raw("orderListId", o.order_list_id)
        .s("clientOrderId", &o.client_order_id)
        .raw("transactTime", transact)
}

/// The RESULT fields after the ACK ones.
fn result(m: Obj, o: &SimOrder, working: bool) -> Obj {
    let mut m = m
        .d("price", o.price)
        .d("origQty", o.orig_qty)
        .d("executedQty", o.executed_qty)
        .d("origQuoteOrderQty", o.orig_quote_qty)
        .d("cummulativeQuoteQty", o.cum_quote)
        .s("status", status_str(o.status))
        .s("timeInForce", tif_str(o))
        .s("type", o.kind.as_str())
        .s("side", o.side.as_str());
    if is_stop(o) {
        m = m.d("stopPrice", o.stop_price);
    }
    if working {
        m = m.raw("workingTime", o.working_time.unwrap_or(-1));
    }
    if let Some(r) = o.expiry_reason {
        m = m.s("expiryReason", r);
    }
    m.s("selfTradePreventionMode", STP)
}

fn fill(t: &SimTrade) -> String {
    Obj::default()
        .d("price", t.price)
        .d("qty", t.qty)
        .d("commission", t.commission)
        .s("commissionAsset", &t.commission_asset)
        .raw("tradeId", t.trade_id)
        .done()
}

/// Response type of a new order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RespType {
    Ack,
    Result,
    Full,
}

/// `POST /api/v3/order` in the asked shape.
pub fn order_response(o: &SimOrder, fills: &[SimTrade], t: RespType) -> String {
    let mut m = ack(o, o.time);
    if t != RespType::Ack {
        m = result(m, o, true);
    }
    if t == RespType::Full {
        m = m.raw("fills", array(fills.iter().map(fill)));
    }
    m.done()
}

/// `DELETE /api/v3/order`.
pub fn cancel_response(o: &SimOrder, cancel_id: &str) -> String {
    let m = Obj::default()
        .s("symbol", &o.symbol)
        .s("origClientOrderId", &o.client_order_id)
        .raw("orderId", o.order_id)
        .raw("orderListId", o.order_list_id)
        .s("clientOrderId", cancel_id)
        .raw("transactTime", o.update_time);
    result(m, o, false).done()
}

/// `GET /api/v3/order` (and the items of openOrders / allOrders).
pub fn query(o: &SimOrder) -> String {
    let mut m = Obj::default()
        .s("symbol", &o.symbol)
        .raw("orderId", o.order_id)
        .raw("orderListId", o.order_list_id)
        .s("clientOrderId", &o.client_order_id)
        .d("price", o.price)
        .d("origQty", o.orig_qty)
        .d("executedQty", o.executed_qty)
        .d("cummulativeQuoteQty", o.cum_quote)
        .s("status", status_str(o.status))
        .s("timeInForce", tif_str(o))
        .s("type", o.kind.as_str())
        .s("side", o.side.as_str())
        .d("stopPrice", o.stop_price)
        .d("icebergQty", Decimal::ZERO)
        .raw("time", o.time)
        .raw("updateTime", o.update_time)
        .raw("isWorking", o.is_working)
        .raw("workingTime", o.working_time.unwrap_or(-1))
        .d("origQuoteOrderQty", o.orig_quote_qty);
    if let Some(r) = o.expiry_reason {
        m = m.s("expiryReason", r);
    }
    m.s("selfTradePreventionMode", STP).done()
}

pub fn orders(v: &[SimOrder]) -> String {
    array(v.iter().map(query))
}

/// `GET /api/v3/myTrades`.
pub fn my_trades(v: &[SimTrade]) -> String {
    array(v.iter().map(|t| {
        Obj::default()
            .s("symbol", &t.symbol)
            .raw("id", t.trade_id)
            .raw("orderId", t.order_id)
            .raw("orderListId", t.order_list_id)
            .d("price", t.price)
            .d("qty", t.qty)
            .d("quoteQty", t.quote_qty)
            .d("commission", t.commission)
            .s("commissionAsset", &t.commission_asset)
            .raw("time", t.time)
            .raw("isBuyer", t.side == crate::domain::Side::Buy)
            .raw("isMaker", t.is_maker)
            .raw("isBestMatch", true)
            .done()
    }))
}

/// `GET /api/v3/account`: the flags, permissions and fee rates of the
/// account's profile (basis points alongside the exact rates, as Binance).
pub fn account(
    uid: AccountId,
    balances: &[(String, Decimal, Decimal)],
    now: i64,
    p: &AccountProfile,
) -> String {
    let b = array(balances.iter().map(|(a, f, l)| {
        Obj::default()
            .s("asset", a)
            .d("free", *f)
            .d("locked", *l)
            .done()
    }));
    let bp = |r: Decimal| (r * Decimal::from(10_000)).round();
    let rates = Obj::default()
        .d("maker", p.maker_rate)
        .d("taker", p.taker_rate)
        .d("buyer", Decimal::ZERO)
        .d("seller", Decimal::ZERO)
        .done();
    let permissions = array(p.permissions.iter().map(|x| string(x)));
    Obj::default()
        .raw("makerCommission", bp(p.maker_rate))
        .raw("takerCommission", bp(p.taker_rate))
        .raw("buyerCommission", 0)
        .raw("sellerCommission", 0)
        .raw("commissionRates", rates)
        .raw("canTrade", p.can_trade)
        .raw("canWithdraw", p.can_withdraw)
        .raw("canDeposit", p.can_deposit)
        .raw("brokered", false)
        .raw("requireSelfTradePrevention", false)
        .raw("preventSor", false)
        .raw("updateTime", now)
        .s("accountType", &p.account_type)
        .raw("balances", b)
        .raw("permissions", permissions)
        .raw("uid", uid)
        .done()
}

/// `POST /api/v3/orderList/oco`.
pub fn oco_response(l: &SimOrderList, legs: &[SimOrder]) -> String {
    let orders = array(legs.iter().map(|o| {
        Obj::default()
            .s("symbol", &l.symbol)
            .raw("orderId", o.order_id)
            .s("clientOrderId", &o.client_order_id)
            .done()
    }));
    let reports = array(legs.iter().map(|o| result(ack(o, l.time), o, true).done()));
    Obj::default()
        .raw("orderListId", l.order_list_id)
        .s("contingencyType", "OCO")
        .s("listStatusType", l.list_status_type)
        .s("listOrderStatus", l.list_order_status)
        .s("listClientOrderId", &l.list_client_order_id)
        .raw("transactionTime", l.time)
        .s("symbol", &l.symbol)
        .raw("orders", orders)
        .raw("orderReports", reports)
        .done()
}

/// The user-data event payload (without the subscription wrapper);
/// `legs` gives the client ids of a list's orders.
pub fn event(e: &UserEvent, event_time: i64, legs: &dyn Fn(i64) -> String) -> String {
    match e {
        UserEvent::Exec(x) => execution_report(x, event_time),
        UserEvent::Position { time, balances } => {
            let b = array(
                balances
                    .iter()
                    .map(|(a, f, l)| Obj::default().s("a", a).d("f", *f).d("l", *l).done()),
            );
            Obj::default()
                .s("e", "outboundAccountPosition")
                .raw("E", event_time)
                .raw("u", time)
                .raw("B", b)
                .done()
        }
        UserEvent::List(l) => {
            let o = array(l.order_ids.iter().map(|i| {
                Obj::default()
                    .s("s", &l.symbol)
                    .raw("i", i)
                    .s("c", &legs(*i))
                    .done()
            }));
            Obj::default()
                .s("e", "listStatus")
                .raw("E", event_time)
                .s("s", &l.symbol)
                .raw("g", l.order_list_id)
                .s("c", "OCO")
                .s("l", l.list_status_type)
                .s("L", l.list_order_status)
                .s("r", "NONE")
                .s("C", &l.list_client_order_id)
                .raw("T", l.time)
                .raw("O", o)
                .done()
        }
    }
}

/// `executionReport` with every field of binance.md section 6.
pub fn execution_report(x: &ExecEvent, event_time: i64) -> String {
    let o = &x.order;
    let (c, orig) = match &x.cancel_client_id {
        Some(c) => (c.clone(), o.client_order_id.clone()),
        None => (o.client_order_id.clone(), String::new()),
    };
    let t = x.trade.as_ref();
    let zero = Decimal::ZERO;
    let mut m = Obj::default()
        .s("e", "executionReport")
        .raw("E", event_time)
        .s("s", &o.symbol)
        .s("c", &c)
        .s("S", o.side.as_str())
        .s("o", o.kind.as_str())
        .s("f", tif_str(o))
        .d("q", o.orig_qty)
        .d("p", o.price)
        .d("P", o.stop_price)
        .d("F", zero)
        .raw("g", o.order_list_id)
        .s("C", &orig)
        .s("x", x.exec_type)
        .s("X", status_str(o.status))
        .s("r", "NONE")
        .raw("i", o.order_id)
        .d("l", t.map(|t| t.qty).unwrap_or(zero))
        .d("z", o.executed_qty)
        .d("L", t.map(|t| t.price).unwrap_or(zero));
    m = match t {
        Some(t) => m.d("n", t.commission).s("N", &t.commission_asset),
        None => m.s("n", "0").raw("N", "null"),
    };
    m = m
        .raw("T", x.time)
        .raw("t", t.map(|t| t.trade_id).unwrap_or(-1))
        .raw("I", x.exec_id)
        .raw("w", o.is_open() && o.is_working)
        .raw("m", t.is_some_and(|t| t.is_maker))
        .raw("M", false)
        .raw("O", o.time)
        .d("Z", o.cum_quote)
        .d("Y", t.map(|t| t.quote_qty).unwrap_or(zero))
        .d("Q", o.orig_quote_qty);
    if let Some(w) = o.working_time {
        m = m.raw("W", w);
    }
    m = m.s("V", STP);
    if let Some(r) = o.expiry_reason {
        m = m.s("eR", r);
    }
    m.done()
}

/// `{"subscriptionId":N,"event":{...}}`.
pub fn wrapped(subscription: u64, event: &str) -> String {
    format!(r#"{{"subscriptionId":{subscription},"event":{event}}}"#)
}

pub fn stream_terminated(event_time: i64) -> String {
    format!(r#"{{"e":"eventStreamTerminated","E":{event_time}}}"#)
}

/// A WS API reply (`id` is the request's id as raw JSON).
pub fn ws_ok(id: &str, result: &str) -> String {
    format!(r#"{{"id":{id},"status":200,"result":{result}}}"#)
}

pub fn ws_err(id: &str, status: u16, code: i64, msg: &str) -> String {
    format!(
        r#"{{"id":{id},"status":{status},"error":{{"code":{code},"msg":{}}}}}"#,
        string(msg)
    )
}
