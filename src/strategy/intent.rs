//! What a strategy asks for, and the one conversion from an intent to an
//! order request that the engine and the backtest share, so a strategy's
//! orders are rounded and checked the same way everywhere (by
//! `trading::filters::validate`, never by a second rounding routine).

use crate::domain::Side;
use crate::engine::OrderTicket;
use crate::trading::account::OrderRequest;
use crate::trading::filters::{self, FilterRefusal, SymbolFilters};
use crate::trading::order::{OrderType, TimeInForce};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A new order as a strategy wants it: unrounded, without a client order
/// id (the caller makes one from its instance tag and `key`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// The strategy's own name for the order ("entry", "tp", "s7"); order
    /// updates and fills come back under it.
    pub key: String,
    pub side: Side,
    /// MARKET, LIMIT (GTC) or LIMIT_MAKER.
    pub kind: OrderType,
    /// Limit price; `None` for MARKET.
    pub price: Option<Decimal>,
    /// Base quantity, or...
    pub qty: Option<Decimal>,
    /// ...a quote amount (MARKET only).
    pub quote_qty: Option<Decimal>,
    /// Why, in words, for the journal and the strategy pane.
    pub reason: String,
}

/// A strategy's request to the engine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Intent {
    Place(Place),
    /// Cancel the live order with this key (nothing if there is none).
    Cancel {
        key: String,
    },
    /// Cancel every open order of this strategy instance.
    CancelAll,
}

impl Intent {
    pub fn market_buy_quote(key: &str, quote: Decimal, reason: String) -> Intent {
        Intent::Place(Place {
            key: key.into(),
            side: Side::Buy,
            kind: OrderType::Market,
            price: None,
            qty: None,
            quote_qty: Some(quote),
            reason,
        })
    }

    pub fn market(key: &str, side: Side, qty: Decimal, reason: String) -> Intent {
        Intent::Place(Place {
            key: key.into(),
            side,
            kind: OrderType::Market,
            price: None,
            qty: Some(qty),
            quote_qty: None,
            reason,
        })
    }

    pub fn limit(
        key: &str,
        kind: OrderType,
        side: Side,
        price: Decimal,
        qty: Decimal,
        reason: String,
    ) -> Intent {
        Intent::Place(Place {
            key: key.into(),
            side,
            kind,
            price: Some(price),
            qty: Some(qty),
            quote_qty: None,
            reason,
        })
    }

    pub fn cancel(key: &str) -> Intent {
        Intent::Cancel { key: key.into() }
    }
}

/// The intent as the engine's order ticket (what a user would have typed):
/// LIMIT orders rest GTC; MARKET and LIMIT_MAKER carry no time in force.
pub fn to_ticket(symbol: &str, p: &Place) -> OrderTicket {
    OrderTicket {
        symbol: symbol.to_string(),
        side: p.side,
        kind: p.kind,
        tif: (p.kind == OrderType::Limit).then_some(TimeInForce::Gtc),
        price: if p.kind == OrderType::Market {
            None
        } else {
            p.price
        },
        stop_price: None,
        qty: p.qty,
        quote_qty: if p.qty.is_some() { None } else { p.quote_qty },
        client_order_id: None,
        tag: None,
    }
}

/// A ticket rounded and checked against the symbol's filters, as an order
/// request with the caller's client order id and tag. `reference_price`
/// is the mid or last price (MARKET notional, PERCENT_PRICE); `open_orders`
/// counts the symbol's open orders (MAX_NUM_ORDERS).
pub fn ticket_to_request(
    t: &OrderTicket,
    f: &SymbolFilters,
    reference_price: Option<Decimal>,
    open_orders: u32,
    client_order_id: String,
    tag: &str,
) -> Result<OrderRequest, FilterRefusal> {
    let d = filters::validate(f, t.draft(), reference_price, open_orders)?;
    Ok(OrderRequest {
        client_order_id,
        symbol: t.symbol.clone(),
        side: t.side,
        kind: t.kind,
        tif: t.tif,
        price: d.price,
        stop_price: d.stop_price,
        qty: d.qty,
        quote_qty: if d.qty.is_some() { None } else { d.quote_qty },
        tag: tag.to_string(),
    })
}

/// [`to_ticket`] then [`ticket_to_request`]: the one path from a strategy's
/// `Place` to an order request.
pub fn to_request(
    symbol: &str,
    p: &Place,
    f: &SymbolFilters,
    reference_price: Option<Decimal>,
    open_orders: u32,
    client_order_id: String,
    tag: &str,
) -> Result<OrderRequest, FilterRefusal> {
    ticket_to_request(
        &to_ticket(symbol, p),
        f,
        reference_price,
        open_orders,
        client_order_id,
        tag,
    )
}

/// A client order id for a strategy's order: `tt-<tag>-<key>-<seq>`,
/// legal for Binance (at most 36 of `[A-Za-z0-9_-]`). `seq` is the
/// caller's counter, unique per instance, so a key can be reused once its
/// previous order is done; the key part is shortened to fit, so callers
/// map ids back to keys from their own table, not by parsing.
pub fn client_order_id(tag: &str, key: &str, seq: u64) -> String {
    let clean = |s: &str, n: usize| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(n)
            .collect()
    };
    let tag = clean(tag, 8);
    let seq = format!("{seq:x}");
    let room = 36usize.saturating_sub(3 + tag.len() + 1 + 1 + seq.len());
    let key = clean(key, room);
    format!("tt-{tag}-{key}-{seq}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::testkit::{btc_filters, d};

    #[test]
    fn limit_intents_round_through_the_filters() {
        let p = Place {
            key: "b1".into(),
            side: Side::Buy,
            kind: OrderType::Limit,
            price: Some(d("30000.019")),
            qty: Some(d("0.0012345")),
            quote_qty: None,
            reason: "test".into(),
        };
        let r = to_request(
            "BTCUSDT",
            &p,
            &btc_filters(),
            Some(d("30000")),
            0,
            "cid".into(),
            "grid1",
        )
        .unwrap();
        assert_eq!(r.price, Some(d("30000.01")), "a buy rounds down");
        assert_eq!(r.qty, Some(d("0.00123")));
        assert_eq!(r.tif, Some(TimeInForce::Gtc));
        assert_eq!(
            (r.client_order_id.as_str(), r.tag.as_str()),
            ("cid", "grid1")
        );
    }

    #[test]
    fn market_by_quote_and_maker_shapes() {
        let f = btc_filters();
        let m = Intent::market_buy_quote("e", d("100"), String::new());
        let Intent::Place(m) = m else { panic!() };
        let r = to_request("BTCUSDT", &m, &f, Some(d("30000")), 0, "c".into(), "t").unwrap();
        assert_eq!((r.qty, r.quote_qty, r.tif), (None, Some(d("100")), None));
        let Intent::Place(lm) = Intent::limit(
            "tp",
            OrderType::LimitMaker,
            Side::Sell,
            d("30000.011"),
            d("0.001"),
            String::new(),
        ) else {
            panic!()
        };
        let r = to_request("BTCUSDT", &lm, &f, Some(d("30000")), 0, "c".into(), "t").unwrap();
        assert_eq!(
            (r.price, r.tif),
            (Some(d("30000.02")), None),
            "a sell rounds up"
        );
    }

    #[test]
    fn refusals_come_from_the_filters() {
        let m = Intent::market_buy_quote("e", d("5"), String::new());
        let Intent::Place(m) = m else { panic!() };
        let e = to_request(
            "BTCUSDT",
            &m,
            &btc_filters(),
            Some(d("30000")),
            0,
            "c".into(),
            "t",
        )
        .unwrap_err();
        assert_eq!(e.filter, "NOTIONAL");
    }

    #[test]
    fn client_ids_are_legal_and_carry_tag_and_key() {
        let id = client_order_id("swing#1", "entry", 7);
        assert_eq!(id, "tt-swing1-entry-7");
        let long = client_order_id("averyveryverylongtag", &"k".repeat(50), u64::MAX);
        assert!(long.len() <= 36, "{long}");
        assert!(long
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }
}
