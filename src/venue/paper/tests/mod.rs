//! Unit tests of the paper venue's rules, on small hand-made books with the
//! real BTCUSDT filters (tick 0.01, step 0.00001, min notional 10).

mod orders;
mod resting;
mod stops_oco;

use super::*;
use crate::domain::{Side, Trade};
use crate::fixed::Fx;
use crate::market::book::OrderBook;
use crate::trading::account::{ExecutionReport, OrderRequest};
use crate::trading::order::{OrderStatus, OrderType, TimeInForce};

pub(super) fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn fx(s: &str) -> Fx {
    Fx::parse(s).unwrap()
}

pub(super) fn bal(asset: &str, free: &str) -> Balance {
    Balance {
        asset: asset.into(),
        free: d(free),
        locked: Decimal::ZERO,
    }
}

/// Maker 0.1 %, taker 0.2 % (different, so tests see which applied);
/// 100 000 USDT and 2 BTC.
pub(super) fn venue() -> PaperVenue {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/binance/real_rest_exchangeInfo_BTCUSDT_ETHUSDT_2023-08-13.json"
    ))
    .unwrap();
    let info = crate::exchange::wire::parse_exchange_info(&text).unwrap();
    let mut v = PaperVenue::new(PaperSettings {
        maker_fee: d("0.001"),
        taker_fee: d("0.002"),
        balances: vec![bal("USDT", "100000"), bal("BTC", "2")],
    });
    for s in &info.symbols {
        v.add_symbol(s);
    }
    v
}

pub(super) fn book_of(bids: &[(&str, &str)], asks: &[(&str, &str)], id: u64) -> OrderBook {
    let conv = |l: &[(&str, &str)]| l.iter().map(|(p, q)| (fx(p), fx(q))).collect::<Vec<_>>();
    let mut b = OrderBook::new();
    b.load(&conv(bids), &conv(asks), id);
    b
}

/// Bids 29999.99 x1, 29999.98 x2, 29999.00 x5;
/// asks 30000.00 x0.5, 30000.01 x1, 30000.05 x3.
pub(super) fn book() -> OrderBook {
    book_of(
        &[("29999.99", "1"), ("29999.98", "2"), ("29999", "5")],
        &[("30000", "0.5"), ("30000.01", "1"), ("30000.05", "3")],
        100,
    )
}

pub(super) fn limit(cid: &str, side: Side, price: &str, qty: &str) -> OrderRequest {
    OrderRequest {
        client_order_id: cid.into(),
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

pub(super) fn market(cid: &str, side: Side, qty: &str) -> OrderRequest {
    OrderRequest {
        kind: OrderType::Market,
        tif: None,
        price: None,
        ..limit(cid, side, "1", qty)
    }
}

pub(super) fn trade(price: &str, qty: &str, aggressor: Side) -> Trade {
    Trade {
        symbol: "BTCUSDT".into(),
        id: 1,
        price: fx(price),
        qty: fx(qty),
        time: 0,
        event_time: 0,
        aggressor,
    }
}

pub(super) fn execs(events: &[AccountEvent]) -> Vec<&ExecutionReport> {
    events
        .iter()
        .filter_map(|e| match e {
            AccountEvent::Execution(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// (exec type, status, last qty, last price) of each report.
pub(super) fn summary(events: &[AccountEvent]) -> Vec<(String, OrderStatus, Decimal, Decimal)> {
    execs(events)
        .iter()
        .map(|r| (r.exec_type.clone(), r.status, r.last_qty, r.last_price))
        .collect()
}

pub(super) fn row(
    x: &str,
    s: OrderStatus,
    q: &str,
    p: &str,
) -> (String, OrderStatus, Decimal, Decimal) {
    (x.to_string(), s, d(q), d(p))
}

/// (free, locked) of an asset.
pub(super) fn funds(v: &PaperVenue, asset: &str) -> (Decimal, Decimal) {
    let f = v.funds(asset);
    (f.free, f.locked)
}

/// The ledger's locked amounts are exactly what the open orders hold, and
/// nothing is negative.
pub(super) fn check_locks(v: &PaperVenue) {
    let mut held: BTreeMap<String, Decimal> = BTreeMap::new();
    for o in v.state.open.values() {
        *held.entry(v.lock_asset(&o.symbol, o.side)).or_default() += o.locked;
    }
    for asset in ["BTC", "USDT", "ETH"] {
        let f = v.funds(asset);
        assert!(
            f.free >= Decimal::ZERO && f.locked >= Decimal::ZERO,
            "{asset} {f:?}"
        );
        assert_eq!(
            f.locked,
            held.get(asset).copied().unwrap_or_default(),
            "{asset} locked"
        );
    }
}
