//! Replays the real BTCUSDT and ETHUSDT captures (data/, recorded from
//! mainnet on 2024-08-08) through the client's decoders and Binance's book
//! procedure, as the live client would see them, and checks the local book
//! against the exchange's own bookTicker stream.
//!
//! Which bookTicker comparisons are sound: a diff event `[U, u]` carries the
//! final quantities of every level changed between update ids `U` and `u`,
//! so after applying it the book is the exchange's book at exactly id `u`;
//! the states between `U` and `u` are never known. A bookTicker with id `t`
//! is the best bid/ask as of id `t`.
//! * exact: `t == u` of an applied diff: always comparable.
//! * held: the latest bookTicker `t <= u`, provided a later one `t' > u` has
//!   been seen: Binance pushes every change of the best price or quantity,
//!   so nothing changed the touch in `(t, u]`. Comparing a ticker with
//!   `U <= t < u` against the book at `u` without that condition would be
//!   unsound (the touch may have moved after `t`).
//!
//! Matching is done after the replay because a bookTicker usually arrives
//! before the 100 ms diff that covers its id.

use tradeterm::capture::{self, CaptureEvent};
use tradeterm::domain::Trade;
use tradeterm::exchange::wire::StreamEvent;
use tradeterm::fixed::Fx;
use tradeterm::market::book_sync::{DiffOutcome, SnapshotOutcome};
use tradeterm::market::state::TAPE_LEN;
use tradeterm::market::{BookStatus, MarketState};

type Bbo = ((Fx, Fx), (Fx, Fx));

#[derive(Default)]
struct Replay {
    depth: usize,
    tickers_seen: usize,
    trades: usize,
    buffered: Vec<DiffOutcome>,
    snapshot: Option<SnapshotOutcome>,
    applied: usize,
    /// Book best bid/ask after each change of the live book, by update id.
    book_states: Vec<(u64, Bbo)>,
    /// Every bookTicker, by update id.
    tickers: Vec<(u64, Bbo)>,
    last_trade: Option<Trade>,
    last_diff_id: u64,
}

fn bbo_of(state: &MarketState) -> Bbo {
    let b = state.sync.book();
    (b.best_bid().unwrap(), b.best_ask().unwrap())
}

fn replay(gz: &[u8], symbol: &str) -> (MarketState, Replay) {
    let lines = capture::lines(gz).unwrap();
    let mut state = MarketState::new(symbol, tradeterm::domain::Interval::M1);
    let mut r = Replay::default();
    for line in &lines {
        match capture::decode(&line.json).unwrap() {
            CaptureEvent::Snapshot(s) => {
                let out = state.on_snapshot(&s);
                assert!(r.snapshot.is_none(), "one snapshot per capture");
                if let SnapshotOutcome::Synced { last_update_id, .. } = out {
                    r.book_states.push((last_update_id, bbo_of(&state)));
                }
                r.snapshot = Some(out);
            }
            CaptureEvent::Stream(StreamEvent::Depth(d)) => {
                assert_eq!(d.symbol, symbol);
                r.depth += 1;
                r.last_diff_id = d.final_id;
                let out = state.on_depth(d);
                match out {
                    DiffOutcome::Buffered { .. } => r.buffered.push(out),
                    DiffOutcome::Applied => {
                        r.applied += 1;
                        let book = state.sync.book();
                        assert!(!book.is_crossed(), "crossed at {}", book.last_update_id);
                        r.book_states.push((book.last_update_id, bbo_of(&state)));
                    }
                    other => panic!("unexpected {other:?} at diff {}", r.depth),
                }
            }
            CaptureEvent::Stream(StreamEvent::BookTicker(t)) => {
                assert_eq!(t.symbol, symbol);
                r.tickers_seen += 1;
                r.tickers
                    .push((t.update_id, ((t.bid, t.bid_qty), (t.ask, t.ask_qty))));
                state.on_book_ticker(t);
            }
            CaptureEvent::Stream(StreamEvent::Trade(t)) => {
                assert_eq!(t.symbol, symbol);
                r.trades += 1;
                r.last_trade = Some(t.clone());
                state.on_trade(t);
            }
            CaptureEvent::Stream(other) => panic!("unexpected event {other:?}"),
        }
    }
    (state, r)
}

/// Compares the book with the bookTicker stream; returns (exact, held)
/// match counts and panics on any mismatch.
fn compare_with_book_ticker(r: &Replay) -> (usize, usize) {
    assert!(r.tickers.windows(2).all(|w| w[0].0 < w[1].0), "ids ascend");
    let ids: Vec<u64> = r.tickers.iter().map(|t| t.0).collect();
    let (mut exact, mut held) = (0, 0);
    let mut mismatches = Vec::new();
    for &(u, book) in &r.book_states {
        // Latest ticker at or before u, and proof of no later change <= u.
        let i = ids.partition_point(|&t| t <= u);
        if i == 0 || i == ids.len() {
            continue;
        }
        let (t, ticker) = r.tickers[i - 1];
        if ticker != book {
            mismatches.push(format!("book at {u} {book:?} vs ticker {t} {ticker:?}"));
            continue;
        }
        held += 1;
        if t == u {
            exact += 1;
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first: {:?}",
        mismatches.len(),
        &mismatches[..mismatches.len().min(5)]
    );
    (exact, held)
}

/// The unsound comparison, for contrast: a ticker against the first book
/// state at or after its id. Returns how many disagree.
fn naive_mismatches(r: &Replay) -> usize {
    let ids: Vec<u64> = r.book_states.iter().map(|s| s.0).collect();
    r.tickers
        .iter()
        .filter(|(t, ticker)| {
            let i = ids.partition_point(|&u| u < *t);
            i > 0 && i < ids.len() && r.book_states[i].1 != *ticker
        })
        .count()
}

/// Checks shared by both symbols.
fn check_market_state(state: &MarketState, r: &Replay) {
    assert_eq!(state.sync.status(), BookStatus::Live);
    assert_eq!(state.sync.resyncs(), 0);
    assert_eq!(state.sync.last_update_id(), r.last_diff_id);
    assert_eq!(
        r.buffered[0],
        DiffOutcome::Buffered {
            fetch_snapshot: true
        }
    );
    assert!(r.buffered[1..].iter().all(|o| *o
        == DiffOutcome::Buffered {
            fetch_snapshot: false
        }));
    // The tape holds the newest TAPE_LEN trades, newest first.
    assert_eq!(state.trades.len(), TAPE_LEN);
    assert_eq!(state.trades.front(), r.last_trade.as_ref());
    assert!(state
        .trades
        .iter()
        .zip(state.trades.iter().skip(1))
        .all(|(a, b)| a.id > b.id && a.time >= b.time));
    let last_ticker = state.book_ticker.as_ref().unwrap();
    assert_eq!(last_ticker.update_id, r.tickers.last().unwrap().0);
    let b = state.sync.book();
    assert_eq!(
        state.best(),
        Some((b.best_bid().unwrap().0, b.best_ask().unwrap().0))
    );
    // Both sides hold the snapshot's depth plus what the diffs added.
    assert!(b.bids.len() >= 1000 && b.asks.len() >= 1000);
}

#[test]
fn btcusdt_capture_keeps_the_book_in_sync() {
    let (state, r) = replay(capture::BTCUSDT_CAPTURE, "BTCUSDT");
    assert_eq!((r.depth, r.tickers_seen, r.trades), (3_451, 28_040, 9_757));
    // Snapshot 50093239218 lands inside the 3rd buffered event
    // [50093239208, 50093239224], which is applied; the first two are older.
    assert_eq!(r.buffered.len(), 3);
    assert_eq!(
        r.snapshot,
        Some(SnapshotOutcome::Synced {
            applied: 1,
            last_update_id: 50_093_239_224
        })
    );
    assert_eq!(r.applied, 3_451 - 3);
    check_market_state(&state, &r);
    let (exact, held) = compare_with_book_ticker(&r);
    eprintln!(
        "bookTicker matches: exact {exact}, held {held}; naive mismatches {}",
        naive_mismatches(&r)
    );
    assert!(exact >= 500, "exact matches {exact}");
    assert!(held >= 3_400, "held matches {held}");
    assert_eq!(held, r.book_states.len());
    // Comparing tickers inside a diff's range would report false errors.
    assert!(naive_mismatches(&r) > 1_000);
}

#[test]
fn ethusdt_capture_keeps_the_book_in_sync() {
    let (state, r) = replay(capture::ETHUSDT_CAPTURE, "ETHUSDT");
    assert_eq!((r.depth, r.tickers_seen, r.trades), (3_434, 24_077, 6_106));
    // Both buffered events end at or before snapshot 35346513512: dropped;
    // the next live event starts at exactly lastUpdateId + 1.
    assert_eq!(r.buffered.len(), 2);
    assert_eq!(
        r.snapshot,
        Some(SnapshotOutcome::Synced {
            applied: 0,
            last_update_id: 35_346_513_512
        })
    );
    assert_eq!(r.applied, 3_434 - 2);
    check_market_state(&state, &r);
    let (exact, held) = compare_with_book_ticker(&r);
    eprintln!(
        "bookTicker matches: exact {exact}, held {held}; naive mismatches {}",
        naive_mismatches(&r)
    );
    assert!(exact >= 500, "exact matches {exact}");
    assert!(held >= 3_400, "held matches {held}");
    assert_eq!(held, r.book_states.len());
    // Comparing tickers inside a diff's range would report false errors.
    assert!(naive_mismatches(&r) > 1_000);
}

/// The fast scanner takes every stream line of both captures and agrees
/// with the serde decoder on each.
#[test]
fn fast_path_matches_serde_on_every_capture_line() {
    use tradeterm::exchange::wire::{fast, parse_stream_serde};
    for gz in [capture::BTCUSDT_CAPTURE, capture::ETHUSDT_CAPTURE] {
        let lines = capture::lines(gz).unwrap();
        let mut taken = 0;
        for l in lines.iter().filter(|l| l.json.starts_with("{\"stream\"")) {
            let ev = fast::parse_stream(&l.json)
                .unwrap_or_else(|| panic!("fast path declined {}", l.json));
            assert_eq!(ev, parse_stream_serde(&l.json).unwrap(), "{}", l.json);
            taken += 1;
        }
        assert_eq!(taken, lines.len() - 1, "all but the snapshot line");
    }
}
