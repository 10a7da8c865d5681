//! Risk: each rule refuses with its name, the limit and the values; the
//! halt refuses everything; the daily loss limit asks for a halt.

use rust_decimal::Decimal;
use tradeterm::config::Config;
use tradeterm::domain::Side;
use tradeterm::risk::{HaltReason, Refusal, RiskContext, RiskEngine, RiskLimits};
use tradeterm::trading::account::OrderRequest;
use tradeterm::trading::order::{OrderType, TimeInForce};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn engine() -> RiskEngine {
    RiskEngine::new(RiskLimits::from_config(&Config::defaults().risk))
}

fn limit(side: Side, qty: &str, price: &str) -> OrderRequest {
    OrderRequest {
        client_order_id: "x".into(),
        symbol: "BTCUSDT".into(),
        side,
        kind: OrderType::Limit,
        tif: Some(TimeInForce::Gtc),
        price: Some(d(price)),
        stop_price: None,
        qty: Some(d(qty)),
        quote_qty: None,
        tag: "man".into(),
    }
}

fn market(side: Side, qty: Option<&str>, quote: Option<&str>) -> OrderRequest {
    OrderRequest {
        kind: OrderType::Market,
        tif: None,
        price: None,
        qty: qty.map(d),
        quote_qty: quote.map(d),
        ..limit(side, "0", "0")
    }
}

fn ctx() -> RiskContext {
    RiskContext {
        mid: Some(d("60000")),
        now_ms: 1_000_000,
        ..Default::default()
    }
}

fn refused(e: &mut RiskEngine, r: &OrderRequest, c: &RiskContext) -> Refusal {
    e.check(r, c).expect_err("should be refused")
}

/// The message names the config key and contains every value given.
fn says(r: &Refusal, rule: &str, values: &[&str]) {
    assert_eq!(r.rule, rule, "{r}");
    let key = format!("risk.{rule}");
    assert!(r.message.contains(&key), "names {key}: {r}");
    for v in values {
        assert!(r.message.contains(v), "mentions {v}: {r}");
    }
}

#[test]
fn an_order_within_limits_is_approved_unchanged() {
    let mut e = engine();
    let r = limit(Side::Buy, "0.01", "60100");
    let a = e.check(&r, &ctx()).unwrap();
    assert_eq!(a.inner(), &r);
    assert_eq!(a.symbol, "BTCUSDT", "derefs to the request");
    assert_eq!(a.into_inner(), r);
}

#[test]
fn max_order_notional() {
    let mut e = engine();
    let r = refused(&mut e, &limit(Side::Sell, "0.02", "60000"), &ctx());
    says(&r, "max_order_notional", &["1200", "1000"]);
    // Market orders are valued at mid, or by their quote quantity.
    let r = refused(&mut e, &market(Side::Sell, Some("0.1"), None), &ctx());
    says(&r, "max_order_notional", &["6000", "1000"]);
    let r = refused(&mut e, &market(Side::Buy, None, Some("1000.01")), &ctx());
    says(&r, "max_order_notional", &["1000.01"]);
    assert!(e
        .check(&market(Side::Buy, None, Some("1000")), &ctx())
        .is_ok());
    // Without any price the order cannot be valued: refused, not waved through.
    let no_mid = RiskContext { mid: None, ..ctx() };
    let r = refused(&mut e, &market(Side::Sell, Some("0.001"), None), &no_mid);
    says(&r, "max_order_notional", &["no mid price"]);
}

#[test]
fn max_price_deviation_pct() {
    let mut e = engine();
    let r = refused(&mut e, &limit(Side::Sell, "0.001", "63500"), &ctx());
    says(
        &r,
        "max_price_deviation_pct",
        &["63500", "5.83%", "60000", "5%"],
    );
    let r = refused(&mut e, &limit(Side::Buy, "0.001", "56000"), &ctx());
    says(&r, "max_price_deviation_pct", &["6.67%"]);
    assert!(e.check(&limit(Side::Buy, "0.001", "57000"), &ctx()).is_ok());
    let no_mid = RiskContext { mid: None, ..ctx() };
    let r = refused(&mut e, &limit(Side::Buy, "0.001", "60000"), &no_mid);
    says(&r, "max_price_deviation_pct", &["no mid price", "60000"]);
    // A stop-loss limit 10 % below mid is what it is meant to be.
    let stop = OrderRequest {
        kind: OrderType::StopLossLimit,
        stop_price: Some(d("54100")),
        ..limit(Side::Sell, "0.001", "54000")
    };
    assert!(e.check(&stop, &ctx()).is_ok());
}

#[test]
fn max_position_notional_limits_buys_only() {
    let mut e = engine();
    let holding = RiskContext {
        position: d("0.07"),
        ..ctx()
    };
    let r = refused(&mut e, &limit(Side::Buy, "0.015", "60000"), &holding);
    says(&r, "max_position_notional", &["0.085", "5100", "5000"]);
    assert!(e
        .check(&limit(Side::Sell, "0.015", "60000"), &holding)
        .is_ok());
    assert!(e
        .check(&limit(Side::Buy, "0.013", "60000"), &holding)
        .is_ok());
}

#[test]
fn max_open_orders() {
    let mut e = engine();
    let busy = RiskContext {
        open_orders_count: 20,
        ..ctx()
    };
    let r = refused(&mut e, &limit(Side::Buy, "0.001", "60000"), &busy);
    says(
        &r,
        "max_open_orders",
        &["20 orders are open", "limit is 20"],
    );
    let ok = RiskContext {
        open_orders_count: 19,
        ..ctx()
    };
    assert!(e.check(&limit(Side::Buy, "0.001", "60000"), &ok).is_ok());
}

#[test]
fn max_orders_per_sec_uses_the_engine_clock() {
    let mut e = engine();
    let at = |ms: i64| RiskContext {
        now_ms: ms,
        ..ctx()
    };
    let r = limit(Side::Buy, "0.001", "60000");
    for t in [0, 100, 200, 300, 999] {
        assert!(e.check(&r, &at(t)).is_ok(), "t={t}");
    }
    let x = refused(&mut e, &r, &at(999));
    says(
        &x,
        "max_orders_per_sec",
        &["5 orders in the last second", "limit is 5"],
    );
    // Refusals do not count; the window slides.
    assert!(e.check(&r, &at(1000)).is_ok());
    let x = refused(&mut e, &r, &at(1050));
    says(&x, "max_orders_per_sec", &["5"]);
    assert!(e.check(&r, &at(1100)).is_ok());
}

#[test]
fn a_halt_refuses_every_new_order() {
    let mut e = engine();
    let halted = RiskContext {
        halted: true,
        ..ctx()
    };
    for r in [
        limit(Side::Sell, "0.001", "60000"),
        market(Side::Sell, Some("0.0001"), None),
    ] {
        let x = refused(&mut e, &r, &halted);
        assert_eq!(x.rule, "halted");
        assert!(x.message.contains("halted"), "{x}");
        assert_eq!(x.halt, None);
    }
}

#[test]
fn daily_loss_limit_refuses_and_asks_for_a_halt() {
    let mut e = engine();
    assert_eq!(e.after_fill(d("-199.99")), None);
    assert_eq!(e.after_fill(d("150")), None);
    let h = e.after_fill(d("-200")).expect("reaching the limit halts");
    assert_eq!(
        h,
        HaltReason::DailyLoss {
            pnl: d("-200"),
            limit: d("200")
        }
    );
    assert!(h.to_string().contains("risk.daily_loss_limit"), "{h}");
    let lost = RiskContext {
        daily_realized_pnl: d("-250.5"),
        ..ctx()
    };
    let x = refused(&mut e, &limit(Side::Sell, "0.001", "60000"), &lost);
    says(&x, "daily_loss_limit", &["-250.5", "200"]);
    assert!(matches!(x.halt, Some(HaltReason::DailyLoss { .. })));
    assert_eq!(HaltReason::KillSwitch.to_string(), "kill switch");
}

#[test]
fn zero_turns_a_check_off() {
    let mut e = RiskEngine::new(RiskLimits::off());
    let wild = RiskContext {
        mid: None,
        open_orders_count: 10_000,
        position: d("1000"),
        daily_realized_pnl: d("-1000000"),
        ..ctx()
    };
    for _ in 0..50 {
        assert!(e.check(&limit(Side::Buy, "100", "1"), &wild).is_ok());
    }
    assert_eq!(e.after_fill(d("-1000000")), None);
}

#[test]
fn oco_counts_as_two_open_orders_and_is_valued_at_its_higher_leg() {
    use tradeterm::trading::account::OcoRequest;
    let mut e = engine();
    let oco = |qty: &str| OcoRequest {
        list_client_order_id: "l".into(),
        symbol: "BTCUSDT".into(),
        side: Side::Sell,
        qty: d(qty),
        limit_client_order_id: "l1".into(),
        // 10 % above mid: a take-profit, not a fat finger.
        limit_price: d("66000"),
        stop_client_order_id: "l2".into(),
        stop_price: d("57000"),
        stop_limit_price: d("56900"),
        tag: "man".into(),
    };
    let a = e.check_oco(&oco("0.015"), &ctx()).unwrap();
    assert_eq!(a.limit_price, d("66000"));
    let x = e.check_oco(&oco("0.016"), &ctx()).unwrap_err();
    says(&x, "max_order_notional", &["1056", "1000"]);
    let busy = RiskContext {
        open_orders_count: 19,
        ..ctx()
    };
    let x = e.check_oco(&oco("0.001"), &busy).unwrap_err();
    says(&x, "max_open_orders", &["19", "20"]);
    let halted = RiskContext {
        halted: true,
        ..ctx()
    };
    assert_eq!(
        e.check_oco(&oco("0.001"), &halted).unwrap_err().rule,
        "halted"
    );
}
