//! Every order type through the real signed client and the real user
//! stream against the simulator: placed, filled (fully and partially) and
//! cancelled; the stream's execution reports agree with REST, and the
//! client's view ends equal to the simulator's ledger.

mod trade_common;

use std::collections::BTreeMap;
use trade_common::*;
use tradeterm::domain::Side;
use tradeterm::exchange::signed::{OrderKey, SubmitError};
use tradeterm::trading::account::{AccountEvent, OcoRequest};
use tradeterm::trading::order::{OrderStatus, OrderType, TimeInForce};

const S: &str = "BTCUSDT";

#[tokio::test]
async fn market_orders_walk_the_book_and_reports_match_rest() {
    let r = rig("").await;
    let (_, ask) = r.top(S);
    // By base quantity.
    let resp = within(
        "market buy",
        r.client
            .place(&order("mkt-1", OrderType::Market, Side::Buy, None, "0.01")),
    )
    .await
    .unwrap();
    let st = resp.state.clone().expect("FULL response");
    assert_eq!(st.status, OrderStatus::Filled);
    assert_eq!(st.executed_qty, d("0.01"));
    assert!(!resp.fills.is_empty());
    assert_eq!(resp.fills[0].price, ask, "fills start at the best ask");
    let qty: rust_decimal::Decimal = resp.fills.iter().map(|f| f.qty).sum();
    assert_eq!(qty, d("0.01"));
    // Fee: 0.1% of the base received.
    assert_eq!(
        resp.fills
            .iter()
            .map(|f| f.commission)
            .sum::<rust_decimal::Decimal>(),
        d("0.00001")
    );
    assert!(resp.fills.iter().all(|f| f.commission_asset == "BTC"));
    let last = r.events.exec("mkt-1", "TRADE", OrderStatus::Filled).await;
    assert_eq!(last.cum_qty, d("0.01"));
    assert_eq!(last.cum_quote, st.cum_quote);

    // By quote amount.
    let mut q = order("mkt-2", OrderType::Market, Side::Buy, None, "0");
    q.qty = None;
    q.quote_qty = Some(d("100"));
    let resp = r.client.place(&q).await.unwrap();
    let st = resp.state.unwrap();
    assert_eq!(st.status, OrderStatus::Filled);
    assert!(
        st.cum_quote <= d("100") && st.cum_quote > d("99"),
        "{}",
        st.cum_quote
    );

    // Sell: fee in the quote asset.
    let resp = r
        .client
        .place(&order("mkt-3", OrderType::Market, Side::Sell, None, "0.02"))
        .await
        .unwrap();
    assert!(resp.fills.iter().all(|f| f.commission_asset == "USDT"));
    r.events.exec("mkt-3", "TRADE", OrderStatus::Filled).await;

    // The stream's fills equal REST's myTrades, trade by trade.
    let rest = r.client.my_trades(S, None, None).await.unwrap();
    let mut stream = BTreeMap::new();
    merge_fills(
        &mut stream,
        r.events.execs().iter().filter_map(|e| e.fill()),
    );
    let mut rest_map = BTreeMap::new();
    merge_fills(&mut rest_map, rest);
    assert_eq!(
        stream.keys().collect::<Vec<_>>(),
        rest_map.keys().collect::<Vec<_>>()
    );
    for (id, f) in &rest_map {
        let s = &stream[id];
        assert_eq!(
            (s.price, s.qty, s.commission, &s.commission_asset),
            (f.price, f.qty, f.commission, &f.commission_asset)
        );
    }
    assert_eq!(rest_map.len(), r.sim.trading().trades().len());
    r.stop().await;
}

#[tokio::test]
async fn limit_orders_rest_in_the_queue_fill_partially_then_fully_and_cancel() {
    let r = rig("").await;
    let (bid, ask) = r.top(S);
    let book = r.sim.book(S).unwrap();
    let queue = book.bids.qty_at(book.best_bid().unwrap().0).to_decimal();
    // GTC at the best bid: behind the public queue there.
    let resp = r
        .client
        .place(&order(
            "lim-1",
            OrderType::Limit,
            Side::Buy,
            Some(bid),
            "0.01",
        ))
        .await
        .unwrap();
    assert_eq!(resp.state.unwrap().status, OrderStatus::New);
    r.events.exec("lim-1", "NEW", OrderStatus::New).await;
    // Touched, and the queue ahead partly traded: nothing for us.
    r.sim.inject_trade(S, Side::Sell, bid, queue / d("2"));
    let q = r
        .client
        .query_order(S, &OrderKey::Client("lim-1".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(q.status, OrderStatus::New);
    // The rest of the queue plus 0.004 of ours.
    r.sim
        .inject_trade(S, Side::Sell, bid, queue / d("2") + d("0.004"));
    let p = r
        .events
        .exec("lim-1", "TRADE", OrderStatus::PartiallyFilled)
        .await;
    assert_eq!(
        (p.last_qty, p.cum_qty, p.is_maker),
        (d("0.004"), d("0.004"), true)
    );
    // The market trades through our price: the rest fills at our price.
    r.sim
        .inject_trade(S, Side::Sell, bid - d("0.01"), d("0.001"));
    let f = r.events.exec("lim-1", "TRADE", OrderStatus::Filled).await;
    assert_eq!(
        (f.last_qty, f.last_price, f.cum_qty),
        (d("0.006"), bid, d("0.01"))
    );

    // IOC crossing the ask takes what the best level has, the rest expires.
    let level = book.asks.qty_at(book.best_ask().unwrap().0).to_decimal();
    let mut ioc = order("ioc-1", OrderType::Limit, Side::Buy, Some(ask), "0");
    ioc.tif = Some(TimeInForce::Ioc);
    ioc.qty = Some(level + d("0.5"));
    let st = r.client.place(&ioc).await.unwrap().state.unwrap();
    assert_eq!((st.status, st.executed_qty), (OrderStatus::Expired, level));
    // FOK that cannot fill completely: nothing trades.
    let mut fok = ioc.clone();
    fok.client_order_id = "fok-1".into();
    fok.tif = Some(TimeInForce::Fok);
    let st = r.client.place(&fok).await.unwrap().state.unwrap();
    assert_eq!((st.status, st.executed_qty), (OrderStatus::Expired, d("0")));
    r.events
        .exec("fok-1", "EXPIRED", OrderStatus::Expired)
        .await;

    // LIMIT_MAKER: refused if it would take, rests otherwise.
    let e = r
        .client
        .place(&order(
            "mk-1",
            OrderType::LimitMaker,
            Side::Buy,
            Some(ask),
            "0.01",
        ))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        SubmitError::Rejected {
            code: -2010,
            msg: "Order would immediately match and take.".into()
        }
    );
    let resp = r
        .client
        .place(&order(
            "mk-2",
            OrderType::LimitMaker,
            Side::Sell,
            Some(ask + d("100")),
            "0.01",
        ))
        .await
        .unwrap();
    assert_eq!(resp.state.unwrap().status, OrderStatus::New);
    // Cancel one by client id, the rest with cancel-all.
    r.client
        .place(&order(
            "lim-2",
            OrderType::Limit,
            Side::Buy,
            Some(bid - d("50")),
            "0.01",
        ))
        .await
        .unwrap();
    r.client
        .place(&order(
            "lim-3",
            OrderType::Limit,
            Side::Buy,
            Some(bid - d("60")),
            "0.01",
        ))
        .await
        .unwrap();
    let c = r
        .client
        .cancel(S, &OrderKey::Client("lim-2".into()))
        .await
        .unwrap();
    assert_eq!(
        (c.status, c.order_client_id()),
        (OrderStatus::Canceled, "lim-2")
    );
    r.events
        .exec("lim-2", "CANCELED", OrderStatus::Canceled)
        .await;
    let all = r.client.cancel_all(S).await.unwrap();
    let mut ids: Vec<&str> = all.iter().map(|o| o.order_client_id()).collect();
    ids.sort();
    assert_eq!(ids, vec!["lim-3", "mk-2"]);
    assert!(r.client.open_orders(Some(S)).await.unwrap().is_empty());
    // Everything unlocked again.
    let rec = r.client.reconcile(&[S.to_string()]).await.unwrap();
    assert!(
        rec.balances.iter().all(|b| b.locked.is_zero()),
        "{:?}",
        rec.balances
    );
    assert_eq!(balances_map(&rec.balances), r.ledger_balances());
    r.wait_stream_balances(&["BTC", "USDT"]).await;
    r.stop().await;
}

#[tokio::test]
async fn stops_trigger_on_the_last_trade_and_oco_legs_cancel_each_other() {
    let r = rig("").await;
    let (bid, ask) = r.top(S);
    // Fix the last price in the middle of the spread.
    let last = bid;
    r.sim.inject_trade(S, Side::Sell, last, d("0.00001"));
    // A stop that would trigger at once is refused.
    let mut bad = order(
        "sl-0",
        OrderType::StopLossLimit,
        Side::Sell,
        Some(bid - d("10")),
        "0.01",
    );
    bad.stop_price = Some(last + d("1"));
    let e = r.client.place(&bad).await.unwrap_err();
    assert_eq!(e.code(), Some(-2010));
    // STOP_LOSS_LIMIT sell: not working until the price falls to the stop,
    // then a limit that takes the bids down to its price.
    let mut sl = order(
        "sl-1",
        OrderType::StopLossLimit,
        Side::Sell,
        Some(bid - d("10")),
        "0.01",
    );
    sl.stop_price = Some(last - d("5"));
    r.client.place(&sl).await.unwrap();
    let q = r
        .client
        .query_order(S, &OrderKey::Client("sl-1".into()))
        .await
        .unwrap()
        .unwrap();
    assert!(!q.is_working && q.status == OrderStatus::New);
    r.sim
        .inject_trade(S, Side::Sell, last - d("5"), d("0.00001"));
    r.events.exec("sl-1", "TRADE", OrderStatus::Filled).await;
    // TAKE_PROFIT_LIMIT sell above: triggers on a rise, then rests.
    let mut tp = order(
        "tp-1",
        OrderType::TakeProfitLimit,
        Side::Sell,
        Some(ask + d("500")),
        "0.01",
    );
    tp.stop_price = Some(last + d("20"));
    r.client.place(&tp).await.unwrap();
    r.sim
        .inject_trade(S, Side::Buy, last + d("20"), d("0.00001"));
    let q = r
        .client
        .query_order(S, &OrderKey::Client("tp-1".into()))
        .await
        .unwrap()
        .unwrap();
    assert!(q.is_working && q.status == OrderStatus::New);

    // OCO sell: limit maker above the ask, stop-limit below.
    let oco = OcoRequest {
        list_client_order_id: "oco-1".into(),
        symbol: S.into(),
        side: Side::Sell,
        qty: d("0.02"),
        limit_client_order_id: "oco-1-tp".into(),
        limit_price: ask + d("100"),
        stop_client_order_id: "oco-1-sl".into(),
        stop_price: last - d("100"),
        stop_limit_price: last - d("110"),
        tag: "test".into(),
    };
    let list = r.client.place_oco(&oco).await.unwrap();
    assert_eq!(list.orders.len(), 2);
    assert_eq!(list.list_order_status, "EXECUTING");
    r.events.exec("oco-1-tp", "NEW", OrderStatus::New).await;
    // The market trades through the limit leg: it fills, the stop expires.
    r.sim.inject_trade(S, Side::Buy, ask + d("101"), d("0.5"));
    r.events
        .exec("oco-1-tp", "TRADE", OrderStatus::Filled)
        .await;
    r.events
        .exec("oco-1-sl", "EXPIRED", OrderStatus::Expired)
        .await;
    r.events
        .wait("list done", |ev| {
            ev.iter().any(|e| {
                matches!(e, AccountEvent::ListStatus { list_status, list_client_order_id, .. }
                if list_status == "ALL_DONE" && list_client_order_id == "oco-1")
            })
        })
        .await;
    // Cancelling one leg of a second OCO cancels both.
    let mut oco2 = oco.clone();
    oco2.list_client_order_id = "oco-2".into();
    oco2.limit_client_order_id = "oco-2-tp".into();
    oco2.stop_client_order_id = "oco-2-sl".into();
    r.client.place_oco(&oco2).await.unwrap();
    r.client
        .cancel(S, &OrderKey::Client("oco-2-sl".into()))
        .await
        .unwrap();
    r.events
        .exec("oco-2-tp", "CANCELED", OrderStatus::Canceled)
        .await;
    let open: Vec<String> = r
        .client
        .open_orders(Some(S))
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.client_order_id)
        .collect();
    assert_eq!(open, vec!["tp-1".to_string()]);
    let rec = r.client.reconcile(&[S.to_string()]).await.unwrap();
    assert_eq!(balances_map(&rec.balances), r.ledger_balances());
    r.stop().await;
}

#[tokio::test]
async fn rejections_carry_binance_codes_and_messages() {
    let r = rig_with("", std::time::Duration::from_secs(5), None).await;
    let (bid, _) = r.top(S);
    let e = r
        .client
        .place(&order(
            "r-1",
            OrderType::Limit,
            Side::Buy,
            Some(bid),
            "0.000001",
        ))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        SubmitError::Rejected {
            code: -1013,
            msg: "Filter failure: LOT_SIZE".into()
        }
    );
    let e = r
        .client
        .place(&order(
            "r-2",
            OrderType::Limit,
            Side::Buy,
            Some(bid + d("0.001")),
            "0.01",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(-1013));
    // 10,000 USDT cannot buy 1 BTC.
    let e = r
        .client
        .place(&order("r-3", OrderType::Limit, Side::Buy, Some(bid), "1"))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        SubmitError::Rejected {
            code: -2010,
            msg: "Account has insufficient balance for requested action.".into()
        }
    );
    r.client
        .place(&order(
            "r-4",
            OrderType::Limit,
            Side::Buy,
            Some(bid - d("100")),
            "0.01",
        ))
        .await
        .unwrap();
    let e = r
        .client
        .place(&order(
            "r-4",
            OrderType::Limit,
            Side::Buy,
            Some(bid - d("100")),
            "0.01",
        ))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        SubmitError::Rejected {
            code: -2010,
            msg: "Duplicate order sent.".into()
        }
    );
    let e = r
        .client
        .cancel(S, &OrderKey::Client("nope".into()))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        SubmitError::Rejected {
            code: -2011,
            msg: "Unknown order sent.".into()
        }
    );
    assert_eq!(
        r.client
            .query_order(S, &OrderKey::Client("nope".into()))
            .await
            .unwrap(),
        None
    );
    assert!(e.to_string().contains("-2011") && e.to_string().contains("Unknown order sent."));
    assert_eq!(r.sim.trading().submissions("r-4"), 2);
    r.stop().await;
}
