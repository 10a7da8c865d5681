//! The matching rules on a small hand-made book (BTCUSDT's real filters):
//! bids 100 x1, 99 x2; asks 101 x1, 102 x2; last 100.5; average 100.

use super::engine::{Engine, MarketView, OrderRef, SymbolRules};
use super::types::*;
use crate::domain::Side;
use crate::trading::filters::SymbolFilters;
use crate::trading::order::{OrderStatus, OrderType, TimeInForce};
use rust_decimal::Decimal;

const S: &str = "BTCUSDT";

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn engine() -> Engine {
    let spec = super::super::data::spec(S).unwrap();
    let rules = SymbolRules {
        base: "BTC".into(),
        quote: "USDT".into(),
        filters: SymbolFilters::from_json(&spec.info.filters),
    };
    let mut e = Engine::new([(S.to_string(), rules)].into_iter().collect());
    e.open_account(1, &[("USDT".into(), d("10000")), ("BTC".into(), d("1"))]);
    e
}

fn mv() -> MarketView {
    MarketView {
        bids: vec![(d("100"), d("1")), (d("99"), d("2"))],
        asks: vec![(d("101"), d("1")), (d("102"), d("2"))],
        last: Some(d("100.5")),
        avg: Some(d("100")),
    }
}

fn new(id: &str, kind: OrderType, side: Side, price: Option<&str>, qty: &str) -> NewOrder {
    NewOrder {
        symbol: S.into(),
        side,
        kind,
        tif: matches!(
            kind,
            OrderType::Limit | OrderType::StopLossLimit | OrderType::TakeProfitLimit
        )
        .then_some(TimeInForce::Gtc),
        price: price.map(d),
        stop_price: None,
        qty: Some(d(qty)),
        quote_qty: None,
        client_order_id: id.into(),
    }
}

fn bal(e: &Engine, asset: &str) -> (Decimal, Decimal) {
    let b = e.ledger().balance(1, asset);
    (b.free, b.locked)
}

fn status(e: &Engine, id: &str) -> (OrderStatus, Decimal) {
    let o = e.find(1, S, &OrderRef::Client(id.into())).unwrap();
    (o.status, o.executed_qty)
}

#[test]
fn a_market_order_walks_the_levels_and_pays_the_fee_in_what_it_receives() {
    let mut e = engine();
    let p = e
        .place(
            1,
            new("m", OrderType::Market, Side::Buy, None, "1.5"),
            &mv(),
            1,
        )
        .unwrap();
    let fills: Vec<(Decimal, Decimal)> = p.fills.iter().map(|f| (f.price, f.qty)).collect();
    assert_eq!(fills, vec![(d("101"), d("1")), (d("102"), d("0.5"))]);
    assert_eq!(p.order.status, OrderStatus::Filled);
    assert_eq!(p.order.cum_quote, d("152"));
    assert_eq!(bal(&e, "USDT"), (d("9848"), d("0")));
    assert_eq!(bal(&e, "BTC"), (d("2.4985"), d("0")));
    let ev = e.take_events(1);
    let kinds: Vec<&str> = ev
        .iter()
        .map(|(_, x)| match x {
            UserEvent::Exec(x) => x.exec_type,
            UserEvent::Position { .. } => "POSITION",
            UserEvent::List(_) => "LIST",
        })
        .collect();
    assert_eq!(kinds, vec!["NEW", "TRADE", "TRADE", "POSITION"]);
    // Selling: the fee is in USDT.
    let p = e
        .place(
            1,
            new("s", OrderType::Market, Side::Sell, None, "1"),
            &mv(),
            1,
        )
        .unwrap();
    assert_eq!(p.fills[0].commission, d("0.1"));
    assert_eq!(p.fills[0].commission_asset, "USDT");
    // More than the account holds (1.4985 BTC left) is refused first.
    let e2 = e.place(
        1,
        new("big", OrderType::Market, Side::Sell, None, "2"),
        &mv(),
        1,
    );
    assert_eq!(e2.unwrap_err().code, -2010);
}

#[test]
fn a_resting_limit_waits_for_the_queue_ahead_then_fills_on_a_trade_through() {
    let mut e = engine();
    e.place(
        1,
        new("b", OrderType::Limit, Side::Buy, Some("100"), "0.5"),
        &mv(),
        1,
    )
    .unwrap();
    assert_eq!(bal(&e, "USDT"), (d("9950"), d("50")));
    // Touched, 0.6 of the 1.0 queued ahead trades: nothing for us.
    e.on_trade(S, d("100"), d("0.6"), Side::Sell, &mv(), 2);
    assert_eq!(status(&e, "b"), (OrderStatus::New, d("0")));
    // A buy-side trade never fills a resting buy.
    e.on_trade(S, d("100"), d("5"), Side::Buy, &mv(), 2);
    assert_eq!(status(&e, "b"), (OrderStatus::New, d("0")));
    // 0.4 left ahead, then 0.1 for us.
    e.on_trade(S, d("100"), d("0.5"), Side::Sell, &mv(), 3);
    assert_eq!(status(&e, "b"), (OrderStatus::PartiallyFilled, d("0.1")));
    // Through our price: the rest fills at our price, as maker.
    e.on_trade(S, d("99.99"), d("0.01"), Side::Sell, &mv(), 4);
    assert_eq!(status(&e, "b"), (OrderStatus::Filled, d("0.5")));
    let t = e.trades();
    assert!(t.iter().all(|t| t.is_maker && t.price == d("100")));
    assert_eq!(bal(&e, "USDT"), (d("9950"), d("0")));
    assert_eq!(bal(&e, "BTC"), (d("1.4995"), d("0")));
}

#[test]
fn limit_maker_ioc_and_fok() {
    let mut e = engine();
    let r = e.place(
        1,
        new("mk", OrderType::LimitMaker, Side::Buy, Some("101"), "0.5"),
        &mv(),
        1,
    );
    assert_eq!(
        r.unwrap_err().msg,
        "Order would immediately match and take."
    );
    assert_eq!(bal(&e, "USDT"), (d("10000"), d("0")));
    e.place(
        1,
        new("mk2", OrderType::LimitMaker, Side::Buy, Some("100"), "0.5"),
        &mv(),
        1,
    )
    .unwrap();
    assert_eq!(status(&e, "mk2").0, OrderStatus::New);

    let mut ioc = new("ioc", OrderType::Limit, Side::Buy, Some("101"), "2");
    ioc.tif = Some(TimeInForce::Ioc);
    let p = e.place(1, ioc, &mv(), 1).unwrap();
    assert_eq!(
        (p.order.status, p.order.executed_qty),
        (OrderStatus::Expired, d("1"))
    );
    let mut fok = new("fok", OrderType::Limit, Side::Buy, Some("101"), "2");
    fok.tif = Some(TimeInForce::Fok);
    let p = e.place(1, fok, &mv(), 1).unwrap();
    assert_eq!(
        (p.order.status, p.order.executed_qty),
        (OrderStatus::Expired, d("0"))
    );
    assert!(p.fills.is_empty());
    // Only mk2's 50 USDT stays locked.
    assert_eq!(bal(&e, "USDT").1, d("50"));
}

#[test]
fn stops_trigger_on_the_last_price_and_refuse_to_trigger_at_once() {
    let mut e = engine();
    let mut sl = new(
        "sl",
        OrderType::StopLossLimit,
        Side::Sell,
        Some("99"),
        "0.5",
    );
    sl.stop_price = Some(d("101"));
    let r = e.place(1, sl.clone(), &mv(), 1);
    assert_eq!(r.unwrap_err().msg, "Order would trigger immediately.");
    sl.stop_price = Some(d("99.5"));
    e.place(1, sl, &mv(), 1).unwrap();
    let o = e.find(1, S, &OrderRef::Client("sl".into())).unwrap();
    assert!(!o.is_working);
    e.on_trade(S, d("99.6"), d("1"), Side::Sell, &mv(), 2);
    assert_eq!(status(&e, "sl").0, OrderStatus::New);
    e.on_trade(S, d("99.5"), d("0.001"), Side::Sell, &mv(), 3);
    // Triggered: a limit sell at 99 takes the 100 bid.
    assert_eq!(status(&e, "sl"), (OrderStatus::Filled, d("0.5")));
    assert_eq!(e.trades()[0].price, d("100"));
}

#[test]
fn an_oco_leg_that_fills_expires_the_other_and_cancelling_one_cancels_both() {
    let mut e = engine();
    let oco = |id: &str| NewOco {
        symbol: S.into(),
        side: Side::Sell,
        qty: d("0.5"),
        list_client_order_id: id.into(),
        above: OcoLeg {
            kind: OrderType::LimitMaker,
            price: Some(d("105")),
            stop_price: None,
            tif: None,
            client_order_id: format!("{id}-tp"),
        },
        below: OcoLeg {
            kind: OrderType::StopLossLimit,
            price: Some(d("98.5")),
            stop_price: Some(d("99")),
            tif: Some(TimeInForce::Gtc),
            client_order_id: format!("{id}-sl"),
        },
    };
    let (list, legs) = e.place_oco(1, oco("a"), &mv(), 1).unwrap();
    assert_eq!(legs[0].client_order_id, "a-sl");
    assert_eq!(list.list_order_status, "EXECUTING");
    assert_eq!(
        bal(&e, "BTC"),
        (d("0.5"), d("0.5")),
        "one lock for both legs"
    );
    e.on_trade(S, d("105.5"), d("1"), Side::Buy, &mv(), 2);
    assert_eq!(status(&e, "a-tp").0, OrderStatus::Filled);
    assert_eq!(status(&e, "a-sl").0, OrderStatus::Expired);
    assert_eq!(e.lists().next().unwrap().list_status_type, "ALL_DONE");
    assert_eq!(bal(&e, "BTC"), (d("0.5"), d("0")));
    e.place_oco(1, oco("b"), &mv(), 3).unwrap();
    e.cancel(1, S, &OrderRef::Client("b-tp".into()), None, 4)
        .unwrap();
    assert_eq!(status(&e, "b-sl").0, OrderStatus::Canceled);
    assert_eq!(bal(&e, "BTC"), (d("0.5"), d("0")));
}

#[test]
fn cancels_unlock_and_refusals_use_binance_codes() {
    let mut e = engine();
    e.place(
        1,
        new("l", OrderType::Limit, Side::Buy, Some("90"), "1"),
        &mv(),
        1,
    )
    .unwrap();
    assert_eq!(bal(&e, "USDT"), (d("9910"), d("90")));
    let dup = e.place(
        1,
        new("l", OrderType::Limit, Side::Buy, Some("90"), "1"),
        &mv(),
        1,
    );
    assert_eq!(dup.unwrap_err().msg, "Duplicate order sent.");
    let (o, cid) = e
        .cancel(1, S, &OrderRef::Client("l".into()), Some("c1".into()), 2)
        .unwrap();
    assert_eq!((o.status, cid.as_str()), (OrderStatus::Canceled, "c1"));
    assert_eq!(bal(&e, "USDT"), (d("10000"), d("0")));
    assert_eq!(
        e.cancel(1, S, &OrderRef::Client("l".into()), None, 3)
            .unwrap_err()
            .code,
        -2011
    );
    assert_eq!(e.query(1, S, &OrderRef::Id(999)).unwrap_err().code, -2013);
    // Once the first is over, the id may be used again.
    e.place(
        1,
        new("l", OrderType::Limit, Side::Buy, Some("90"), "1"),
        &mv(),
        5,
    )
    .unwrap();
    let too_much = e.place(
        1,
        new("x", OrderType::Limit, Side::Buy, Some("100"), "200"),
        &mv(),
        5,
    );
    assert_eq!(
        too_much.unwrap_err().msg,
        "Account has insufficient balance for requested action."
    );
    let filter = |price: &str, qty: &str| {
        e.check_filters(
            1,
            &new("f", OrderType::Limit, Side::Buy, Some(price), qty),
            &mv(),
        )
        .unwrap_err()
        .msg
    };
    assert_eq!(filter("100", "0.000001"), "Filter failure: LOT_SIZE");
    assert_eq!(filter("100.001", "1"), "Filter failure: PRICE_FILTER");
    assert_eq!(filter("100", "0.01"), "Filter failure: NOTIONAL");
    assert_eq!(filter("600", "1"), "Filter failure: PERCENT_PRICE_BY_SIDE");
}
