//! The embedded real captures, decoded once per process.
//!
//! Each capture line is `<recorder ns> <raw JSON>`: combined-stream envelopes
//! (`@depth@100ms`, `@bookTicker`, `@trade`) and one REST depth snapshot.
//! The replay starts from that snapshot exactly as a client following
//! Binance's procedure would: buffered diffs with `u <= lastUpdateId` are
//! dropped, the straddling one applies, and every later diff must continue
//! the id sequence. The messages are decoded with the client's own
//! `exchange::wire` parsers.

use super::data;
use crate::domain::{BookTicker, DepthSnapshot, DepthUpdate, Trade};
use crate::exchange::wire::{self, StreamEvent};
use std::sync::OnceLock;

/// A recorded market event to replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayEvent {
    Depth(DepthUpdate),
    BookTicker(BookTicker),
    Trade(Trade),
}

/// One event and when it happened, in ms after the snapshot was received.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub at_ms: u64,
    pub event: ReplayEvent,
}

/// A decoded capture, ready to replay.
#[derive(Debug)]
pub struct Capture {
    pub snapshot: DepthSnapshot,
    pub events: Vec<Recorded>,
    /// Mean trade size in the recording (sizes synthetic kline trade counts).
    pub mean_trade_qty: f64,
    /// When the snapshot was recorded (ms since the epoch, recorder clock):
    /// kline history is cut here.
    pub recorded_at_ms: i64,
}

impl Capture {
    /// The `u` of the last diff: the model continues from here.
    pub fn last_update_id(&self) -> u64 {
        self.events
            .iter()
            .rev()
            .find_map(|r| match &r.event {
                ReplayEvent::Depth(d) => Some(d.final_id),
                _ => None,
            })
            .unwrap_or(self.snapshot.last_update_id)
    }

    pub fn last_trade_id(&self) -> Option<u64> {
        self.events.iter().rev().find_map(|r| match &r.event {
            ReplayEvent::Trade(t) => Some(t.id),
            _ => None,
        })
    }

    pub fn duration_ms(&self) -> u64 {
        self.events.last().map(|r| r.at_ms).unwrap_or(0)
    }
}

/// The capture for `symbol`, decoded on first use.
pub fn capture(symbol: &str) -> Result<&'static Capture, String> {
    static BTC: OnceLock<Result<Capture, String>> = OnceLock::new();
    static ETH: OnceLock<Result<Capture, String>> = OnceLock::new();
    let cell = match symbol {
        "BTCUSDT" => &BTC,
        "ETHUSDT" => &ETH,
        _ => return Err(format!("no capture for {symbol}")),
    };
    cell.get_or_init(|| {
        let bytes = data::capture_bytes(symbol).ok_or("no capture")?;
        parse(&data::gunzip(bytes)?).map_err(|e| format!("{symbol} capture: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Decodes capture text (see the module docs for the rules).
pub fn parse(text: &str) -> Result<Capture, String> {
    let mut lines: Vec<(u64, ReplayEvent)> = Vec::new();
    let mut snapshot: Option<(u64, usize, DepthSnapshot)> = None;
    for (n, line) in text.lines().enumerate() {
        let Some((ts, json)) = line.split_once(' ') else {
            continue;
        };
        let ts: u64 = ts
            .parse()
            .map_err(|_| format!("line {}: bad timestamp", n + 1))?;
        if json.starts_with(r#"{"lastUpdateId""#) {
            let snap =
                wire::parse_depth_snapshot(json).map_err(|e| format!("line {}: {e}", n + 1))?;
            snapshot = Some((ts, lines.len(), snap));
            continue;
        }
        let ev = match wire::parse_stream(json).map_err(|e| format!("line {}: {e}", n + 1))? {
            StreamEvent::Depth(d) => ReplayEvent::Depth(d),
            StreamEvent::BookTicker(b) => ReplayEvent::BookTicker(b),
            StreamEvent::Trade(t) => ReplayEvent::Trade(t),
            _ => continue,
        };
        lines.push((ts, ev));
    }
    let (snap_ts, snap_pos, snapshot) = snapshot.ok_or("no REST snapshot line")?;
    let sid = snapshot.last_update_id;
    let mut events = Vec::with_capacity(lines.len());
    let mut last_u: Option<u64> = None;
    for (i, (ts, ev)) in lines.into_iter().enumerate() {
        let before = i < snap_pos;
        if let ReplayEvent::Depth(d) = &ev {
            if d.final_id <= sid {
                continue;
            }
            match last_u {
                None if d.first_id > sid + 1 => {
                    return Err(format!(
                        "first diff U={} skips past snapshot {sid}",
                        d.first_id
                    ))
                }
                Some(prev) if d.first_id != prev + 1 => {
                    return Err(format!("gap: U={} after u={prev}", d.first_id))
                }
                _ => {}
            }
            last_u = Some(d.final_id);
        } else if before {
            // Only buffered diffs matter before the snapshot arrives.
            continue;
        }
        let at_ms = ts.saturating_sub(snap_ts) / 1_000_000;
        events.push(Recorded { at_ms, event: ev });
    }
    let last_u = last_u.ok_or("no diff after the snapshot")?;
    // End with the last diff: later messages refer to ids never recorded.
    let end = events
        .iter()
        .rposition(|r| matches!(r.event, ReplayEvent::Depth(_)))
        .map(|i| i + 1)
        .unwrap_or(0);
    events.truncate(end);
    events.retain(|r| !matches!(&r.event, ReplayEvent::BookTicker(b) if b.update_id > last_u));
    let (n, sum) = events.iter().fold((0u64, 0.0), |(n, s), r| match &r.event {
        ReplayEvent::Trade(t) => (n + 1, s + t.qty.to_f64()),
        _ => (n, s),
    });
    let mean_trade_qty = if n > 0 { sum / n as f64 } else { 0.01 };
    Ok(Capture {
        snapshot,
        events,
        mean_trade_qty,
        recorded_at_ms: (snap_ts / 1_000_000) as i64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::OrderBook;

    #[test]
    fn btc_capture_replays_contiguously_and_never_crosses() {
        let c = capture("BTCUSDT").unwrap();
        assert_eq!(c.snapshot.last_update_id, 50_093_239_218);
        let mut book = OrderBook::new();
        book.load(
            &c.snapshot.bids,
            &c.snapshot.asks,
            c.snapshot.last_update_id,
        );
        let mut first = true;
        let mut diffs = 0;
        let mut prev_at = 0;
        for r in &c.events {
            assert!(r.at_ms >= prev_at, "replay times are ordered");
            prev_at = r.at_ms;
            if let ReplayEvent::Depth(d) = &r.event {
                if first {
                    let lid = book.last_update_id;
                    assert!(d.first_id <= lid + 1 && lid < d.final_id, "straddles");
                    first = false;
                } else {
                    assert_eq!(d.first_id, book.last_update_id + 1);
                }
                book.apply_levels(&d.bids, &d.asks);
                book.last_update_id = d.final_id;
                assert!(!book.is_crossed());
                diffs += 1;
            }
        }
        assert!(diffs > 3000, "{diffs} diffs");
        assert_eq!(book.last_update_id, c.last_update_id());
        assert!(c.duration_ms() > 300_000);
        assert!(c.mean_trade_qty > 0.0);
    }

    #[test]
    fn eth_capture_loads() {
        let c = capture("ETHUSDT").unwrap();
        assert_eq!(c.snapshot.last_update_id, 35_346_513_512);
        assert!(c.last_trade_id().is_some());
    }

    #[test]
    fn rejects_a_gap_and_a_missing_snapshot() {
        let snap = r#"{"lastUpdateId":10,"bids":[["1","1"]],"asks":[["2","1"]]}"#;
        let d = |u0: u64, u1: u64| {
            format!(
                r#"{{"stream":"x@depth@100ms","data":{{"e":"depthUpdate","E":1,"s":"X","U":{u0},"u":{u1},"b":[],"a":[]}}}}"#
            )
        };
        let ok = format!("1 {}\n2 {snap}\n3 {}\n", d(9, 11), d(12, 13));
        let c = parse(&ok).unwrap();
        assert_eq!(c.last_update_id(), 13);
        let gap = format!("1 {}\n2 {snap}\n3 {}\n", d(9, 11), d(13, 14));
        assert!(parse(&gap).unwrap_err().contains("gap"));
        assert!(parse(&format!("1 {}\n", d(1, 2))).is_err());
    }
}
