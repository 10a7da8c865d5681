//! Resting orders: queue-aware fills from trades, never from a touch.

use super::*;
use crate::domain::Side::{Buy, Sell};
use OrderStatus::{Filled, PartiallyFilled};

/// A buy of 0.3 resting at the best bid, behind the 1 BTC already there.
fn resting_buy() -> PaperVenue {
    let mut v = venue();
    v.place(&limit("b", Buy, "29999.99", "0.3"), &book(), 5)
        .unwrap();
    assert_eq!(v.order("b").unwrap().queue_ahead, d("1"));
    v
}

#[test]
fn does_not_fill_until_the_queue_ahead_has_traded() {
    let mut v = resting_buy();
    let b = book();
    // Sells at our price eat the queue first.
    assert!(v
        .on_trade(&trade("29999.99", "0.6", Sell), &b, 6)
        .is_empty());
    assert_eq!(v.order("b").unwrap().queue_ahead, d("0.4"));
    // Buys at our price (the ask came down to us) are a touch: nothing.
    assert!(v.on_trade(&trade("29999.99", "5", Buy), &b, 7).is_empty());
    // Trades above a buy's price are not for it either.
    assert!(v.on_trade(&trade("30000", "5", Sell), &b, 7).is_empty());
    // 0.4 of this one is queue, 0.1 fills us, as maker at our price.
    let ev = v.on_trade(&trade("29999.99", "0.5", Sell), &b, 8);
    assert_eq!(
        summary(&ev),
        vec![row("TRADE", PartiallyFilled, "0.1", "29999.99")]
    );
    let r = execs(&ev)[0];
    assert!(r.is_maker);
    assert_eq!(r.commission, d("0.0001"));
    assert_eq!(v.order("b").unwrap().queue_ahead, d("0"));
    let ev = v.on_trade(&trade("29999.99", "1", Sell), &b, 9);
    assert_eq!(summary(&ev), vec![row("TRADE", Filled, "0.2", "29999.99")]);
    assert_eq!(funds(&v, "USDT"), (d("100000") - d("8999.997"), d("0")));
    assert_eq!(funds(&v, "BTC"), (d("2.2997"), d("0")));
    check_locks(&v);
}

#[test]
fn a_trade_through_the_price_fills_at_once_up_to_its_size() {
    let mut v = resting_buy();
    let ev = v.on_trade(&trade("29999.98", "0.2", Sell), &book(), 6);
    assert_eq!(
        summary(&ev),
        vec![row("TRADE", PartiallyFilled, "0.2", "29999.99")]
    );
    assert_eq!(
        v.order("b").unwrap().queue_ahead,
        d("0"),
        "the level was traded through"
    );
    let ev = v.on_trade(&trade("29999.99", "0.1", Sell), &book(), 7);
    assert_eq!(summary(&ev), vec![row("TRADE", Filled, "0.1", "29999.99")]);
}

#[test]
fn cancellations_ahead_shrink_the_queue() {
    let mut v = resting_buy();
    let mut b = book();
    b.set(
        Buy,
        Fx::parse("29999.99").unwrap(),
        Fx::parse("0.25").unwrap(),
    );
    v.on_depth("BTCUSDT", &b);
    assert_eq!(v.order("b").unwrap().queue_ahead, d("0.25"));
    // Growth does not push us back.
    b.set(Buy, Fx::parse("29999.99").unwrap(), Fx::parse("7").unwrap());
    v.on_depth("BTCUSDT", &b);
    assert_eq!(v.order("b").unwrap().queue_ahead, d("0.25"));
    let ev = v.on_trade(&trade("29999.99", "0.35", Sell), &b, 6);
    assert_eq!(
        summary(&ev),
        vec![row("TRADE", PartiallyFilled, "0.1", "29999.99")]
    );
}

#[test]
fn sells_mirror_buys_and_grid_rounding_picks_the_level() {
    let mut v = venue();
    // 29999.995 rounds up for a sell: the best ask, behind its 0.5.
    v.place(&limit("s", Sell, "29999.995", "0.2"), &book(), 5)
        .unwrap();
    let o = v.order("s").unwrap();
    assert_eq!((o.price, o.queue_ahead), (d("30000"), d("0.5")));
    assert_eq!(funds(&v, "BTC"), (d("1.8"), d("0.2")));
    assert!(v
        .on_trade(&trade("30000", "3", Sell), &book(), 6)
        .is_empty());
    let ev = v.on_trade(&trade("30000", "0.6", Buy), &book(), 7);
    assert_eq!(
        summary(&ev),
        vec![row("TRADE", PartiallyFilled, "0.1", "30000")]
    );
    // Seller pays the fee in quote: 3000 * 0.1 % = 3.
    assert_eq!(execs(&ev)[0].commission, d("3"));
    assert_eq!(execs(&ev)[0].commission_asset.as_deref(), Some("USDT"));
    assert_eq!(funds(&v, "USDT"), (d("102997"), d("0")));
    assert_eq!(funds(&v, "BTC"), (d("1.8"), d("0.1")));
    let ev = v.on_trade(&trade("30000.02", "0.01", Sell), &book(), 8);
    assert_eq!(
        summary(&ev),
        vec![row("TRADE", PartiallyFilled, "0.01", "30000")]
    );
    check_locks(&v);
}

#[test]
fn an_improving_price_has_no_queue_and_a_trade_fills_our_orders_once() {
    let mut v = venue();
    let b = book_of(&[("29999.9", "1")], &[("30000", "0.5")], 1);
    v.place(&limit("x", Buy, "29999.95", "0.1"), &b, 5).unwrap();
    v.place(&limit("y", Buy, "29999.95", "0.1"), &b, 5).unwrap();
    assert_eq!(v.order("x").unwrap().queue_ahead, d("0"));
    let ev = v.on_trade(&trade("29999.95", "0.15", Sell), &b, 6);
    let r = execs(&ev);
    assert_eq!(r.len(), 2);
    assert_eq!(
        (r[0].client_order_id.as_str(), r[0].last_qty),
        ("x", d("0.1"))
    );
    assert_eq!(
        (r[1].client_order_id.as_str(), r[1].last_qty),
        ("y", d("0.05"))
    );
    // The better-priced order fills first even if younger.
    v.place(&limit("z", Buy, "29999.96", "0.1"), &b, 7).unwrap();
    let ev = v.on_trade(&trade("29999.9", "0.12", Sell), &b, 8);
    let r = execs(&ev);
    assert_eq!(
        (r[0].client_order_id.as_str(), r[0].last_qty),
        ("z", d("0.1"))
    );
    assert_eq!(
        (r[1].client_order_id.as_str(), r[1].last_qty),
        ("y", d("0.02"))
    );
    check_locks(&v);
}

#[test]
fn a_partly_filled_order_cancels_with_its_fills_kept() {
    let mut v = resting_buy();
    let b = book();
    v.on_trade(&trade("29999.98", "0.1", Sell), &b, 6);
    let ev = v.cancel("BTCUSDT", "b", 7).unwrap();
    let r = execs(&ev)[0];
    assert_eq!((r.status, r.cum_qty), (OrderStatus::Canceled, d("0.1")));
    assert_eq!(r.cum_quote, d("2999.999"));
    assert_eq!(funds(&v, "USDT"), (d("100000") - d("2999.999"), d("0")));
    assert_eq!(funds(&v, "BTC"), (d("2.0999"), d("0")));
    let AccountEvent::Balances { balances, .. } = ev.last().unwrap() else {
        panic!("balances after the cancel")
    };
    assert_eq!(balances[0].asset, "USDT");
    check_locks(&v);
}
