//! The account-side parsers on every relevant Binance fixture (documented
//! examples and the real Binance.US execution report).

use rust_decimal::Decimal;
use tradeterm::domain::Side;
use tradeterm::exchange::wire_account::*;
use tradeterm::trading::account::AccountEvent;
use tradeterm::trading::order::{OrderStatus, OrderType, TimeInForce};

fn fixture(name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/binance/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn order_responses_ack_result_full() {
    let ack = parse_order_response(&fixture("doc_rest_order_ack.json")).unwrap();
    assert_eq!(
        (ack.order_id, ack.order_list_id, ack.transact_time),
        (28, -1, 1507725176595)
    );
    assert!(ack.state.is_none() && ack.fills.is_empty());
    let res = parse_order_response(&fixture("doc_rest_order_result.json")).unwrap();
    let st = res.state.unwrap();
    assert_eq!(
        (st.status, st.kind, st.side),
        (OrderStatus::Filled, OrderType::Market, Side::Sell)
    );
    assert_eq!((st.executed_qty, st.cum_quote), (d("10"), d("10")));
    let full = parse_order_response(&fixture("doc_rest_order_full.json")).unwrap();
    assert_eq!(full.fills.len(), 5);
    let f = &full.fills[1];
    assert_eq!(
        (f.trade_id, f.price, f.qty, f.commission),
        (57, d("3999"), d("5"), d("19.995"))
    );
    assert_eq!(
        (f.commission_asset.as_str(), f.side, f.order_id),
        ("USDT", Side::Sell, 28)
    );
    assert_eq!(full.fills.iter().map(|f| f.qty).sum::<Decimal>(), d("10"));
    // The WS API's order.place result has the same shape.
    let ws = parse_ws_api(&fixture("doc_wsapi_order_place_response_ok.json")).unwrap();
    let WsApiMessage::Response {
        status: 200,
        result: Ok(v),
        ..
    } = ws
    else {
        panic!("{ws:?}")
    };
    let o = parse_order_response(&v.to_string()).unwrap();
    assert_eq!(o.state.unwrap().status, OrderStatus::New);
    let ws = parse_ws_api(&fixture("doc_wsapi_order_place_response_err_-2010.json")).unwrap();
    let WsApiMessage::Response {
        status: 400,
        result: Err(e),
        ..
    } = ws
    else {
        panic!("{ws:?}")
    };
    assert_eq!(e.code, -2010);
}

#[test]
fn queries_cancels_and_lists() {
    let q = parse_order(&fixture("doc_rest_query_order.json")).unwrap();
    assert_eq!(
        (q.order_id, q.client_order_id.as_str(), q.status),
        (1, "myOrder1", OrderStatus::New)
    );
    assert_eq!(
        (q.price, q.qty, q.tif, q.is_working),
        (d("0.1"), d("1"), Some(TimeInForce::Gtc), true)
    );
    assert_eq!(q.report().exchange_id, Some(1));
    let c = parse_order(&fixture("doc_rest_cancel_order.json")).unwrap();
    assert_eq!(c.status, OrderStatus::Canceled);
    assert_eq!(
        (c.client_order_id.as_str(), c.order_client_id()),
        ("cancelMyOrder1", "myOrder1")
    );
    let text = format!(
        "[{},{}]",
        fixture("doc_rest_query_order.json"),
        fixture("doc_rest_cancel_order.json")
    );
    assert_eq!(parse_orders(&text).unwrap().len(), 2);
}

#[test]
fn account_and_trades() {
    let a = parse_account(&fixture("doc_rest_account.json")).unwrap();
    assert!(a.can_trade);
    assert!(a.can_withdraw && a.can_deposit);
    assert_eq!(
        (a.account_type.as_str(), a.permissions.clone()),
        ("SPOT", vec!["SPOT".to_string()])
    );
    // Newer responses: `permissions` empty, the sets in `permissionSets`.
    let b = parse_account(
        r#"{"canTrade":false,"permissions":[],"permissionSets":[["SPOT","TRD_GRP_004"],["SPOT"]],"balances":[]}"#,
    )
    .unwrap();
    assert_eq!(b.permissions, ["SPOT", "TRD_GRP_004"]);
    assert!(!b.can_trade && !b.can_withdraw);
    assert_eq!((a.maker_rate, a.taker_rate), (d("0.0015"), d("0.0015")));
    assert_eq!(a.balances.len(), 2);
    assert_eq!(
        (a.balances[0].asset.as_str(), a.balances[0].free),
        ("BTC", d("4723846.89208129"))
    );
    let t = parse_my_trades(
        r#"[{"symbol":"BNBBTC","id":28457,"orderId":100234,"orderListId":-1,"price":"4.00000100","qty":"12.00000000","quoteQty":"48.000012","commission":"10.10000000","commissionAsset":"BNB","time":1499865549590,"isBuyer":true,"isMaker":false,"isBestMatch":true}]"#,
    )
    .unwrap();
    assert_eq!(
        (t[0].trade_id, t[0].side, t[0].quote_qty),
        (28457, Side::Buy, d("48.000012"))
    );
}

#[test]
fn user_data_events_wrapped_bare_and_combined() {
    for name in [
        "doc_uds_executionReport_wrapped.json",
        "doc_uds_executionReport_legacy_raw.json",
    ] {
        let UserData::Event(AccountEvent::Execution(r)) = parse_user_data(&fixture(name)).unwrap()
        else {
            panic!("{name}")
        };
        assert_eq!(
            (r.symbol.as_str(), r.order_id, r.exec_type.as_str()),
            ("ETHBTC", 4293153, "NEW")
        );
        assert_eq!(
            (&r.commission_asset, r.trade_id, &r.orig_client_order_id),
            (&None, -1, &None)
        );
        assert!(r.fill().is_none());
    }
    let real = fixture("real_ws_executionReport_binanceus_TRADE_FILLED_2025-10-01.json");
    let UserData::Event(AccountEvent::Execution(r)) = parse_user_data(&real).unwrap() else {
        panic!()
    };
    assert_eq!(
        (r.status, r.side, r.trade_id),
        (OrderStatus::Filled, Side::Sell, 88685053)
    );
    let f = r.fill().unwrap();
    assert_eq!(
        (f.qty, f.price, f.commission, f.commission_asset.as_str()),
        (d("0.00042"), d("117290.77"), d("0.00492621"), "USD")
    );
    assert_eq!(f.quote_qty, d("49.2621234"));
    for name in [
        "doc_uds_outboundAccountPosition_wrapped.json",
        "doc_uds_outboundAccountPosition_legacy_raw.json",
        "doc_wsapi_event_outboundAccountPosition_wrapped.json",
    ] {
        let UserData::Event(AccountEvent::Balances { balances, .. }) =
            parse_user_data(&fixture(name)).unwrap()
        else {
            panic!("{name}")
        };
        assert!(!balances.is_empty());
    }
    let ws = parse_user_data(&fixture(
        "doc_wsapi_event_outboundAccountPosition_wrapped.json",
    ))
    .unwrap();
    let UserData::Event(AccountEvent::Balances { time, balances }) = ws else {
        panic!()
    };
    assert_eq!((time, balances[1].locked), (1728972148778, d("70")));
    for name in [
        "doc_uds_balanceUpdate_wrapped.json",
        "doc_uds_balanceUpdate_legacy_raw.json",
    ] {
        let u = parse_user_data(&fixture(name)).unwrap();
        assert_eq!(
            u,
            UserData::Event(AccountEvent::BalanceDelta {
                asset: "BTC".into(),
                delta: d("100"),
                time: 1573200697068
            })
        );
    }
    let l = parse_user_data(&fixture("doc_uds_listStatus_wrapped.json")).unwrap();
    assert_eq!(
        l,
        UserData::Event(AccountEvent::ListStatus {
            symbol: "ETHBTC".into(),
            list_client_order_id: "F4QN4G8DlFATFlIUQ0cjdD".into(),
            order_list_id: 2,
            list_status: "EXEC_STARTED".into(),
            list_order_status: "EXECUTING".into(),
        })
    );
    assert_eq!(
        parse_user_data(&fixture("doc_uds_eventStreamTerminated_wrapped.json")).unwrap(),
        UserData::Terminated {
            time: 1728973001334
        }
    );
    for (name, kind) in [
        (
            "doc_uds_externalLockUpdate_wrapped.json",
            "externalLockUpdate",
        ),
        (
            "doc_uds_listenKeyExpired_legacy_raw.json",
            "listenKeyExpired",
        ),
    ] {
        assert_eq!(
            parse_user_data(&fixture(name)).unwrap(),
            UserData::Other(kind.into())
        );
    }
}

#[test]
fn ws_api_subscription_answers() {
    for name in [
        "doc_wsapi_userDataStream_subscribe_response.json",
        "doc_wsapi_userDataStream_subscribe_signature_response.json",
    ] {
        let WsApiMessage::Response {
            status,
            result: Ok(v),
            ..
        } = parse_ws_api(&fixture(name)).unwrap()
        else {
            panic!("{name}")
        };
        assert_eq!((status, v["subscriptionId"].as_u64()), (200, Some(0)));
    }
    let WsApiMessage::Response { result: Ok(v), .. } =
        parse_ws_api(&fixture("doc_wsapi_session_logon_response.json")).unwrap()
    else {
        panic!()
    };
    assert_eq!(v["userDataStream"], false);
    let WsApiMessage::Response {
        status: 418,
        result: Err(e),
        ..
    } = parse_ws_api(&fixture("doc_wsapi_ip_banned_418.json")).unwrap()
    else {
        panic!()
    };
    assert_eq!(e.code, -1003);
    let WsApiMessage::Event {
        subscription_id, ..
    } = parse_ws_api(&fixture("doc_uds_executionReport_wrapped.json")).unwrap()
    else {
        panic!()
    };
    assert_eq!(subscription_id, Some(0));
}
