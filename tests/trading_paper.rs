//! Order entry end to end on the paper venue: the engine against the
//! simulator's market over loopback, with a journal on disk. Orders go
//! through filters, risk and the journal; fills update balances and P&L;
//! the kill switch halts and survives a restart.

mod common;

use common::*;
use rust_decimal::Decimal;
use std::path::Path;
use tradeterm::domain::Side;
use tradeterm::engine::{Command, EngineHandle, OrderTicket, View};
use tradeterm::sim::SimHandle;
use tradeterm::trading::order::{OrderStatus, OrderType, TimeInForce};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn trading_engine(sim: &SimHandle, dir: &Path) -> EngineHandle {
    trading_engine_on(sim, dir, None)
}

async fn ready(e: &EngineHandle) -> View {
    trading_ready(e).await
}

fn ticket(side: Side, kind: OrderType, price: Option<Decimal>, qty: &str) -> OrderTicket {
    OrderTicket {
        symbol: "BTCUSDT".into(),
        side,
        kind,
        tif: (kind == OrderType::Limit).then_some(TimeInForce::Gtc),
        price,
        stop_price: None,
        qty: Some(d(qty)),
        quote_qty: None,
        client_order_id: None,
        tag: None,
    }
}

/// Sends an order from the ticket.
async fn place(e: &EngineHandle, t: OrderTicket) {
    e.commands.send(Command::PlaceOrder(t)).await.unwrap();
}

/// Waits for a notice (refusal or confirmation) containing `needle`.
async fn wait_notice(e: &EngineHandle, what: &str, needle: &str) -> View {
    wait_view(e, what, |v| {
        v.trading
            .as_ref()
            .and_then(|t| t.notice.as_ref())
            .is_some_and(|n| n.text.contains(needle))
    })
    .await
}

fn usdt(v: &View) -> (Decimal, Decimal) {
    let t = v.trading.as_ref().unwrap();
    let b = t.balances.iter().find(|b| b.asset == "USDT").unwrap();
    (b.free, b.locked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_below_the_touch_rests_then_cancels() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(2.0, "").await;
    let e = trading_engine(&sim, dir.path());
    let v = ready(&e).await;
    assert_eq!(usdt(&v), (d("10000"), d("0")));
    let (bid, _) = v.best().unwrap();
    let price = (bid.to_decimal() - d("500")).round_dp(2);
    place(&e, ticket(Side::Buy, OrderType::Limit, Some(price), "0.01")).await;
    let v = wait_view(&e, "the order open", |v| {
        !v.trading.as_ref().unwrap().open_orders.is_empty()
    })
    .await;
    let t = v.trading.as_ref().unwrap();
    let o = &t.open_orders[0];
    assert_eq!(
        (o.status, o.price, o.qty),
        (OrderStatus::New, Some(price), Some(d("0.01")))
    );
    let v = wait_view(&e, "quote locked", |v| usdt(v).1 > Decimal::ZERO).await;
    assert_eq!(usdt(&v).1, price * d("0.01"));
    let cid = o.client_order_id.clone();
    e.commands
        .send(Command::CancelOrder {
            symbol: "BTCUSDT".into(),
            client_order_id: cid.clone(),
        })
        .await
        .unwrap();
    let v = wait_view(&e, "the order cancelled", |v| {
        v.trading.as_ref().unwrap().open_orders.is_empty()
    })
    .await;
    let t = v.trading.as_ref().unwrap();
    assert_eq!(
        t.recent_orders
            .iter()
            .find(|o| o.client_order_id == cid)
            .unwrap()
            .status,
        OrderStatus::Canceled
    );
    let v = wait_view(&e, "quote unlocked", |v| usdt(v) == (d("10000"), d("0"))).await;
    assert!(v.trading.as_ref().unwrap().fills.is_empty());
    e.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn market_buy_fills_with_fee_balances_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(2.0, "").await;
    let e = trading_engine(&sim, dir.path());
    ready(&e).await;
    place(&e, ticket(Side::Buy, OrderType::Market, None, "0.01")).await;
    let v = wait_view(&e, "a fill", |v| {
        !v.trading.as_ref().unwrap().fills.is_empty()
    })
    .await;
    let t = v.trading.as_ref().unwrap();
    let f = &t.fills[0];
    assert_eq!((f.side, f.qty, f.is_maker), (Side::Buy, d("0.01"), false));
    // Taker fee 0.1% in the received asset.
    assert_eq!(
        (f.commission, f.commission_asset.as_str()),
        (d("0.00001"), "BTC")
    );
    let v = wait_view(&e, "balances after the fill", |v| {
        v.trading
            .as_ref()
            .unwrap()
            .balances
            .iter()
            .any(|b| b.asset == "BTC" && b.free == d("0.00999"))
    })
    .await;
    let t = v.trading.as_ref().unwrap();
    assert_eq!(usdt(&v).0, d("10000") - f.quote_qty);
    let p = t.positions.iter().find(|p| p.symbol == "BTCUSDT").unwrap();
    assert_eq!(p.qty, d("0.00999"));
    assert_eq!(p.fees, (d("0.00001") * f.price).normalize());
    e.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_and_risk_refuse_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(2.0, "").await;
    let e = trading_engine(&sim, dir.path());
    ready(&e).await;
    // Below NOTIONAL's minimum of 10 USDT.
    place(&e, ticket(Side::Buy, OrderType::Market, None, "0.0001")).await;
    let v = wait_notice(&e, "a filter refusal", "NOTIONAL").await;
    assert!(v.trading.as_ref().unwrap().notice.as_ref().unwrap().error);
    // Above risk.max_order_notional (1000 USDT by default).
    place(&e, ticket(Side::Buy, OrderType::Market, None, "0.1")).await;
    let v = wait_notice(&e, "a risk refusal", "max_order_notional").await;
    let t = v.trading.as_ref().unwrap();
    assert!(t.fills.is_empty() && t.open_orders.is_empty());
    e.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_switch_halts_cancels_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(2.0, "").await;
    let e = trading_engine(&sim, dir.path());
    let v = ready(&e).await;
    let (bid, _) = v.best().unwrap();
    let price = (bid.to_decimal() - d("500")).round_dp(2);
    place(&e, ticket(Side::Buy, OrderType::Limit, Some(price), "0.01")).await;
    wait_view(&e, "the order open", |v| {
        !v.trading.as_ref().unwrap().open_orders.is_empty()
    })
    .await;
    e.commands
        .send(Command::Halt {
            reason: "kill switch".into(),
        })
        .await
        .unwrap();
    let v = wait_view(&e, "halted with nothing open", |v| {
        let t = v.trading.as_ref().unwrap();
        t.halted.is_some() && t.open_orders.is_empty()
    })
    .await;
    assert!(!v.trading.as_ref().unwrap().can_trade);
    place(&e, ticket(Side::Buy, OrderType::Market, None, "0.001")).await;
    wait_notice(&e, "refused while halted", "halted").await;
    e.shutdown().await;

    // A new process (engine) on the same journal is still halted.
    let e = trading_engine(&sim, dir.path());
    let v = wait_view(&e, "the latched halt after restart", |v| {
        v.trading.as_ref().is_some_and(|t| t.halted.is_some())
    })
    .await;
    assert_eq!(
        v.trading.as_ref().unwrap().halted.as_ref().unwrap().reason,
        "kill switch"
    );
    e.commands.send(Command::Resume).await.unwrap();
    ready(&e).await;
    e.shutdown().await;
    sim.shutdown().await;
}
