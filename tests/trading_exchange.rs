//! The engine on the exchange venue (the simulator over signed REST and the
//! WebSocket-API user stream), with a journal on disk: the fees it shows
//! come from the account's commission rates, and a fill the user stream
//! never delivered is recovered by reconciliation against the right order
//! and journaled once.

mod common;

use common::*;
use rust_decimal::Decimal;
use std::path::Path;
use tradeterm::config::Mode;
use tradeterm::domain::Side;
use tradeterm::engine::{Command, EngineHandle, OrderTicket, View};
use tradeterm::journal::{FillFilter, Journal};
use tradeterm::keys::Secret;
use tradeterm::sim::trading::{AccountProfile, SimKey};
use tradeterm::sim::SimHandle;
use tradeterm::trading::order::{OrderStatus, OrderType, TimeInForce};

const KEY: &str = "exchangeEngineKey0123456789";
const SECRET: &str = "exchange-engine-secret-9a8b7c";

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A sim account with fee rates unlike the `[paper]` defaults (0.1%).
fn account(sim: &SimHandle) -> (Decimal, Decimal) {
    let id = sim.add_account(KEY, SimKey::Hmac(Secret::new(SECRET)), None);
    let (maker, taker) = (d("0.0002"), d("0.0004"));
    sim.trading().set_profile(
        id,
        AccountProfile {
            maker_rate: maker,
            taker_rate: taker,
            ..AccountProfile::default()
        },
    );
    (maker, taker)
}

fn exchange_engine(sim: &SimHandle, dir: &Path) -> EngineHandle {
    trading_engine_on(sim, dir, Some((KEY, SECRET)))
}

async fn ready(e: &EngineHandle) -> View {
    trading_ready(e).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fees_shown_in_exchange_mode_are_the_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(1.0, "").await;
    let (maker, taker) = account(&sim);
    let e = exchange_engine(&sim, dir.path());
    let v = ready(&e).await;
    let t = v.trading.as_ref().unwrap();
    assert_eq!((t.maker_fee, t.taker_fee), (maker, taker));
    e.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fill_the_stream_missed_is_recovered_against_its_order_once() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(1.0, "").await;
    let (maker, _) = account(&sim);
    let e = exchange_engine(&sim, dir.path());
    let v = ready(&e).await;
    let (bid, _) = v.best().unwrap();
    // Far below the touch: only our injected trade reaches it.
    let price = (bid.to_decimal() - d("1000")).round_dp(2);
    e.commands
        .send(Command::PlaceOrder(OrderTicket {
            symbol: "BTCUSDT".into(),
            side: Side::Buy,
            kind: OrderType::Limit,
            tif: Some(TimeInForce::Gtc),
            price: Some(price),
            stop_price: None,
            qty: Some(d("0.01")),
            quote_qty: None,
            client_order_id: None,
            tag: None,
        }))
        .await
        .unwrap();
    let v = wait_view(&e, "the order working", |v| {
        v.trading
            .as_ref()
            .unwrap()
            .open_orders
            .iter()
            .any(|o| o.status == OrderStatus::New && o.exchange_id.is_some())
    })
    .await;
    let cid = v.trading.as_ref().unwrap().open_orders[0]
        .client_order_id
        .clone();
    // The order fills while no user-data event reaches the client.
    sim.faults().mute_user_data(true);
    sim.inject_trade("BTCUSDT", Side::Sell, price - d("1"), d("1"));
    let trade = sim
        .trading()
        .trades()
        .into_iter()
        .find(|t| t.client_order_id == cid)
        .expect("filled at the simulator");
    sim.faults().mute_user_data(false);
    // The stream ends and comes back: the engine reconciles.
    assert!(sim.faults().terminate_user_streams() >= 1);
    let v = wait_view(&e, "the fill recovered by reconcile", |v| {
        v.trading
            .as_ref()
            .unwrap()
            .fills
            .iter()
            .any(|f| f.trade_id == trade.trade_id)
    })
    .await;
    let t = v.trading.as_ref().unwrap();
    let f = t
        .fills
        .iter()
        .find(|f| f.trade_id == trade.trade_id)
        .unwrap();
    assert_eq!(
        (f.client_order_id.as_str(), f.order_id, f.qty, f.is_maker),
        (cid.as_str(), trade.order_id, d("0.01"), true)
    );
    assert_eq!(f.commission, d("0.01") * maker);
    assert_eq!(
        t.fills.iter().filter(|x| x.trade_id == f.trade_id).count(),
        1
    );
    let v = wait_view(&e, "the order finished", |v| {
        v.trading
            .as_ref()
            .unwrap()
            .recent_orders
            .iter()
            .any(|o| o.client_order_id == cid && o.status == OrderStatus::Filled)
    })
    .await;
    assert!(v.trading.as_ref().unwrap().open_orders.is_empty());
    e.shutdown().await;
    // On disk: one fill, linked to our order, which is FILLED.
    let j = Journal::open(&Journal::path_for(dir.path(), Mode::Sim)).unwrap();
    let fills = j.fills(&FillFilter::default()).unwrap();
    assert_eq!(fills.len(), 1, "{fills:?}");
    assert_eq!(
        (fills[0].trade_id, fills[0].client_order_id.as_str()),
        (trade.trade_id, cid.as_str())
    );
    let o = j.order(&cid).unwrap().unwrap();
    assert_eq!((o.status, o.executed_qty), (OrderStatus::Filled, d("0.01")));
    sim.shutdown().await;
}
