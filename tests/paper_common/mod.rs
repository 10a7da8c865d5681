//! Replays the real BTCUSDT capture (data/, recorded from mainnet on
//! 2024-08-08: depth@100ms, bookTicker, trade and one REST snapshot)
//! through the client's decoders and `BookSync`, driving a paper venue the
//! way the engine will: every applied diff goes to `on_depth` with the book
//! after it, every trade to `on_trade` with the current book, time being
//! the exchange's event time. Orders are placed from a hook between steps.
//!
//! (The capture reader lives here because `src/capture.rs` is not on this
//! branch; the format is `<recv ns> <raw JSON>` per line, gzip.)

#![allow(dead_code)]

use rust_decimal::Decimal;
use std::io::{BufRead, BufReader};
use std::sync::OnceLock;
use tradeterm::domain::{DepthSnapshot, DepthUpdate, Millis, Side, Trade};
use tradeterm::exchange::wire::{self, StreamEvent};
use tradeterm::market::book::OrderBook;
use tradeterm::market::book_sync::{BookSync, DiffOutcome, SnapshotOutcome};
use tradeterm::trading::account::{AccountEvent, ExecutionReport, OrderRequest};
use tradeterm::trading::order::{OrderType, TimeInForce};
use tradeterm::venue::paper::{PaperSettings, PaperVenue};

pub enum Feed {
    Snapshot(DepthSnapshot),
    Depth(DepthUpdate),
    Trade(Trade),
}

/// The decoded BTCUSDT capture, once per test binary.
pub fn feed() -> &'static [Feed] {
    static FEED: OnceLock<Vec<Feed>> = OnceLock::new();
    FEED.get_or_init(|| {
        let gz = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/binance_spot_ws_capture_btcusdt_2024-08-08.gz"
        ))
        .unwrap();
        let mut out = Vec::new();
        for line in BufReader::new(flate2::read::MultiGzDecoder::new(&gz[..])).lines() {
            let line = line.unwrap();
            let (_, json) = line.split_once(' ').expect("`<ns> <json>`");
            if json.starts_with("{\"lastUpdateId\"") {
                out.push(Feed::Snapshot(wire::parse_depth_snapshot(json).unwrap()));
                continue;
            }
            match wire::parse_stream(json).unwrap() {
                StreamEvent::Depth(d) => out.push(Feed::Depth(d)),
                StreamEvent::Trade(t) => out.push(Feed::Trade(t)),
                StreamEvent::BookTicker(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        out
    })
}

/// What the hook sees after each step of the live book.
pub enum Step<'a> {
    /// A diff was applied (`event_time` is its `E`).
    Depth { event_time: Millis },
    /// A trade was fed to the venue, which answered `events`.
    Trade {
        trade: &'a Trade,
        events: &'a [AccountEvent],
    },
}

/// Replays the capture into `venue`; `hook` may place orders (its events
/// are its own business). Returns every event `on_trade` produced, with the
/// public trade that caused it.
pub fn replay(
    venue: &mut PaperVenue,
    mut hook: impl FnMut(&Step, &mut PaperVenue, &OrderBook),
) -> Vec<(u64, AccountEvent)> {
    let mut sync = BookSync::new();
    let mut out = Vec::new();
    for f in feed() {
        match f {
            Feed::Snapshot(s) => {
                let r = sync.on_snapshot(s);
                assert!(matches!(r, SnapshotOutcome::Synced { .. }), "{r:?}");
            }
            Feed::Depth(d) => {
                let event_time = d.event_time;
                match sync.on_diff(d.clone()) {
                    DiffOutcome::Applied => {
                        venue.on_depth("BTCUSDT", sync.book());
                        hook(&Step::Depth { event_time }, venue, sync.book());
                    }
                    DiffOutcome::Buffered { .. } => {}
                    other => panic!("the capture replays cleanly: {other:?}"),
                }
            }
            Feed::Trade(t) => {
                if !sync.is_live() {
                    continue;
                }
                let events = venue.on_trade(t, sync.book(), t.time);
                hook(
                    &Step::Trade {
                        trade: t,
                        events: &events,
                    },
                    venue,
                    sync.book(),
                );
                out.extend(events.into_iter().map(|e| (t.id, e)));
            }
        }
    }
    assert!(sync.is_live());
    out
}

/// The live book right after the diff with event time `e`.
pub fn book_at(e: Millis) -> OrderBook {
    let mut book = None;
    let mut v = venue();
    replay(&mut v, |s, _, b| {
        if matches!(s, Step::Depth { event_time } if *event_time == e) {
            book = Some(b.clone());
        }
    });
    book.expect("a diff with that event time")
}

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// BTCUSDT with its real filters; maker 0.08 %, taker 0.1 %;
/// 100 000 USDT and 1 BTC.
pub fn venue() -> PaperVenue {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/binance/real_rest_exchangeInfo_BTCUSDT_ETHUSDT_2023-08-13.json"
    ))
    .unwrap();
    let info = wire::parse_exchange_info(&text).unwrap();
    let bal = |a: &str, f: &str| tradeterm::trading::account::Balance {
        asset: a.into(),
        free: d(f),
        locked: Decimal::ZERO,
    };
    let mut v = PaperVenue::new(PaperSettings {
        maker_fee: d("0.0008"),
        taker_fee: d("0.001"),
        balances: vec![bal("USDT", "100000"), bal("BTC", "1")],
    });
    v.add_symbol(info.symbols.iter().find(|s| s.symbol == "BTCUSDT").unwrap());
    v
}

pub fn order(
    cid: &str,
    side: Side,
    kind: OrderType,
    price: Option<Decimal>,
    qty: &str,
) -> OrderRequest {
    OrderRequest {
        client_order_id: cid.into(),
        symbol: "BTCUSDT".into(),
        side,
        kind,
        tif: (kind != OrderType::Market && kind != OrderType::LimitMaker)
            .then_some(TimeInForce::Gtc),
        price,
        stop_price: None,
        qty: Some(d(qty)),
        quote_qty: None,
        tag: "test".into(),
    }
}

pub fn execs(events: &[AccountEvent]) -> Vec<&ExecutionReport> {
    events
        .iter()
        .filter_map(|e| match e {
            AccountEvent::Execution(r) => Some(r),
            _ => None,
        })
        .collect()
}

pub fn trades_of<'a>(
    events: impl IntoIterator<Item = &'a AccountEvent>,
    cid: &str,
) -> Vec<&'a ExecutionReport> {
    events
        .into_iter()
        .filter_map(|e| match e {
            AccountEvent::Execution(r) if r.client_order_id == cid && r.exec_type == "TRADE" => {
                Some(r)
            }
            _ => None,
        })
        .collect()
}
