//! Column encodings. Decimals are stored as TEXT so amounts come back
//! exactly as written (SQLite's REAL would round them); enums as the
//! Binance names a user would recognise in the `sqlite3` shell.

use crate::domain::Side;
use crate::trading::account::{Fill, OrderRequest};
use crate::trading::order::{Order, OrderStatus, OrderType, TimeInForce};
use rusqlite::types::Type;
use rusqlite::Row;
use rust_decimal::Decimal;

fn bad(idx: usize, what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        Type::Text,
        format!("not {what}: {value:?}").into(),
    )
}

pub(super) fn dec(row: &Row<'_>, idx: usize) -> rusqlite::Result<Decimal> {
    let s: String = row.get(idx)?;
    s.parse().map_err(|_| bad(idx, "a decimal", &s))
}

pub(super) fn opt_dec(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Decimal>> {
    let s: Option<String> = row.get(idx)?;
    s.map(|s| s.parse().map_err(|_| bad(idx, "a decimal", &s)))
        .transpose()
}

pub(super) fn dec_text(d: Decimal) -> String {
    d.to_string()
}

pub(super) fn opt_dec_text(d: Option<Decimal>) -> Option<String> {
    d.map(dec_text)
}

pub(super) fn side(row: &Row<'_>, idx: usize) -> rusqlite::Result<Side> {
    let s: String = row.get(idx)?;
    match s.as_str() {
        "BUY" => Ok(Side::Buy),
        "SELL" => Ok(Side::Sell),
        _ => Err(bad(idx, "a side", &s)),
    }
}

pub(super) fn kind(row: &Row<'_>, idx: usize) -> rusqlite::Result<OrderType> {
    let s: String = row.get(idx)?;
    [
        OrderType::Market,
        OrderType::Limit,
        OrderType::LimitMaker,
        OrderType::StopLossLimit,
        OrderType::TakeProfitLimit,
    ]
    .into_iter()
    .find(|k| k.as_str() == s)
    .ok_or_else(|| bad(idx, "an order type", &s))
}

pub(super) fn tif_text(t: Option<TimeInForce>) -> Option<&'static str> {
    t.map(|t| match t {
        TimeInForce::Gtc => "GTC",
        TimeInForce::Ioc => "IOC",
        TimeInForce::Fok => "FOK",
    })
}

pub(super) fn tif(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<TimeInForce>> {
    let s: Option<String> = row.get(idx)?;
    s.map(|s| match s.as_str() {
        "GTC" => Ok(TimeInForce::Gtc),
        "IOC" => Ok(TimeInForce::Ioc),
        "FOK" => Ok(TimeInForce::Fok),
        _ => Err(bad(idx, "a time in force", &s)),
    })
    .transpose()
}

const STATUSES: [OrderStatus; 10] = [
    OrderStatus::Intent,
    OrderStatus::Unknown,
    OrderStatus::New,
    OrderStatus::PartiallyFilled,
    OrderStatus::PendingCancel,
    OrderStatus::Filled,
    OrderStatus::Canceled,
    OrderStatus::Rejected,
    OrderStatus::Expired,
    OrderStatus::ExpiredInMatch,
];

pub(super) fn status_text(s: OrderStatus) -> &'static str {
    s.as_str()
}

pub(super) fn status(row: &Row<'_>, idx: usize) -> rusqlite::Result<OrderStatus> {
    let s: String = row.get(idx)?;
    STATUSES
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or_else(|| bad(idx, "an order status", &s))
}

/// Columns of `orders` in the order [`order_row`] reads them.
pub(super) const ORDER_COLS: &str = "client_order_id, exchange_id, symbol, side, kind, tif, \
     price, stop_price, qty, quote_qty, status, executed_qty, cum_quote, updated_ms";

pub(super) fn order_row(row: &Row<'_>) -> rusqlite::Result<Order> {
    Ok(Order {
        client_order_id: row.get(0)?,
        exchange_id: row.get(1)?,
        symbol: row.get(2)?,
        side: side(row, 3)?,
        kind: kind(row, 4)?,
        tif: tif(row, 5)?,
        price: opt_dec(row, 6)?,
        stop_price: opt_dec(row, 7)?,
        qty: opt_dec(row, 8)?,
        quote_qty: opt_dec(row, 9)?,
        status: status(row, 10)?,
        executed_qty: dec(row, 11)?,
        cum_quote: dec(row, 12)?,
        updated_ms: row.get(13)?,
    })
}

/// Columns of `intents` in the order [`request_row`] reads them.
pub(super) const INTENT_COLS: &str = "client_order_id, symbol, side, kind, tif, price, \
     stop_price, qty, quote_qty, tag";

pub(super) fn request_row(row: &Row<'_>) -> rusqlite::Result<OrderRequest> {
    Ok(OrderRequest {
        client_order_id: row.get(0)?,
        symbol: row.get(1)?,
        side: side(row, 2)?,
        kind: kind(row, 3)?,
        tif: tif(row, 4)?,
        price: opt_dec(row, 5)?,
        stop_price: opt_dec(row, 6)?,
        qty: opt_dec(row, 7)?,
        quote_qty: opt_dec(row, 8)?,
        tag: row.get(9)?,
    })
}

/// Columns of `fills` in the order [`fill_row`] reads them.
pub(super) const FILL_COLS: &str = "symbol, trade_id, order_id, client_order_id, side, price, \
     qty, quote_qty, commission, commission_asset, is_maker, time_ms";

pub(super) fn fill_row(row: &Row<'_>) -> rusqlite::Result<Fill> {
    Ok(Fill {
        symbol: row.get(0)?,
        trade_id: row.get(1)?,
        order_id: row.get(2)?,
        client_order_id: row.get(3)?,
        side: side(row, 4)?,
        price: dec(row, 5)?,
        qty: dec(row, 6)?,
        quote_qty: dec(row, 7)?,
        commission: dec(row, 8)?,
        commission_asset: row.get(9)?,
        is_maker: row.get(10)?,
        time: row.get(11)?,
    })
}
