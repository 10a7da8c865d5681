//! Binance's documented procedure for keeping a local order book in sync
//! (docs/binance.md section 3, as corrected on 2025-11-12):
//!
//! 1. buffer diff events; note `U` of the first one;
//! 2. fetch a REST snapshot;
//! 3. if the snapshot is older than the first buffered event
//!    (`lastUpdateId + 1 < U`, a hole between them) fetch it again;
//! 4. drop buffered events with `u <= lastUpdateId`; the first remaining one
//!    straddles the snapshot (`U <= lastUpdateId + 1 <= u`);
//! 5. apply the rest in order, then every new event: ignore `u <= local`,
//!    resync when `U > local + 1` (missed events), else apply and set
//!    `local = u`.
//!
//! The machine is pure (no I/O): the caller feeds it events and snapshots
//! and fetches a snapshot when told to. A crossed book after an event is
//! treated as corruption and also restarts the procedure.

use super::book::OrderBook;
use crate::domain::{DepthSnapshot, DepthUpdate};

/// What the UI shows about the book.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookStatus {
    /// Waiting for the first snapshot to line up with the stream.
    Syncing,
    /// Consistent with the exchange at `last_update_id`.
    Live,
    /// Was live, lost consistency, rebuilding.
    Resyncing,
}

impl BookStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BookStatus::Syncing => "SYNCING",
            BookStatus::Live => "LIVE",
            BookStatus::Resyncing => "RESYNCING",
        }
    }
}

/// Why the book was thrown away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResyncReason {
    /// `U > local + 1`: events were missed.
    Gap { local: u64, first_id: u64 },
    /// Best bid >= best ask after applying an event.
    Crossed { update_id: u64 },
    /// The stream was reconnected; continuity is unknown.
    Reconnect,
}

impl std::fmt::Display for ResyncReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResyncReason::Gap { local, first_id } => write!(
                f,
                "sequence gap: local update id {local}, next event starts at {first_id}"
            ),
            ResyncReason::Crossed { update_id } => {
                write!(f, "crossed book after update {update_id}")
            }
            ResyncReason::Reconnect => f.write_str("stream reconnected"),
        }
    }
}

/// Result of feeding one diff event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffOutcome {
    /// Applied to a live book.
    Applied,
    /// Old event (`u <= local`), ignored.
    Ignored,
    /// Buffered while syncing; `fetch_snapshot` is true the first time, when
    /// the caller must request a snapshot.
    Buffered { fetch_snapshot: bool },
    /// The book was discarded; the event starts a new buffer and the caller
    /// must fetch a new snapshot.
    Resync(ResyncReason),
}

/// Result of feeding a snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotOutcome {
    /// The book is live at `last_update_id`, after replaying `applied`
    /// buffered events.
    Synced { applied: usize, last_update_id: u64 },
    /// The snapshot predates the first buffered event: fetch again.
    Stale {
        snapshot_id: u64,
        first_buffered: u64,
    },
    /// Replaying the buffer hit a gap or crossed book; a new snapshot is
    /// needed.
    Resync(ResyncReason),
    /// Not waiting for a snapshot (already live); dropped.
    Unexpected,
}

/// Hard cap on buffered events while waiting for a snapshot; the oldest are
/// dropped beyond it (the stale check then forces a fresher snapshot).
const MAX_BUFFER: usize = 20_000;

#[derive(Clone, Debug)]
pub struct BookSync {
    book: OrderBook,
    status: BookStatus,
    buffer: Vec<DepthUpdate>,
    snapshot_requested: bool,
    resyncs: u32,
    ever_live: bool,
}

impl Default for BookSync {
    fn default() -> Self {
        Self::new()
    }
}

impl BookSync {
    pub fn new() -> Self {
        BookSync {
            book: OrderBook::new(),
            status: BookStatus::Syncing,
            buffer: Vec::new(),
            snapshot_requested: false,
            resyncs: 0,
            ever_live: false,
        }
    }

    pub fn status(&self) -> BookStatus {
        self.status
    }

    pub fn is_live(&self) -> bool {
        self.status == BookStatus::Live
    }

    /// Number of times a live book was discarded.
    pub fn resyncs(&self) -> u32 {
        self.resyncs
    }

    /// The book; only meaningful while [`is_live`](Self::is_live).
    pub fn book(&self) -> &OrderBook {
        &self.book
    }

    pub fn last_update_id(&self) -> u64 {
        self.book.last_update_id
    }

    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// Whether the caller still owes a snapshot fetch.
    pub fn awaiting_snapshot(&self) -> bool {
        self.snapshot_requested
    }

    /// Discards the book and starts over (reconnects call this, since the
    /// new stream's continuity with the old book is unknown).
    pub fn reset(&mut self, reason: ResyncReason) -> ResyncReason {
        if self.ever_live || self.status == BookStatus::Live {
            self.resyncs += 1;
        }
        self.status = if self.ever_live {
            BookStatus::Resyncing
        } else {
            BookStatus::Syncing
        };
        self.book.clear();
        self.buffer.clear();
        self.snapshot_requested = false;
        reason
    }

    /// Feeds one diff event.
    pub fn on_diff(&mut self, ev: DepthUpdate) -> DiffOutcome {
        if self.status == BookStatus::Live {
            return self.apply_live(ev);
        }
        self.buffer.push(ev);
        if self.buffer.len() > MAX_BUFFER {
            let extra = self.buffer.len() - MAX_BUFFER;
            self.buffer.drain(..extra);
        }
        let fetch = !self.snapshot_requested;
        self.snapshot_requested = true;
        DiffOutcome::Buffered {
            fetch_snapshot: fetch,
        }
    }

    fn apply_live(&mut self, ev: DepthUpdate) -> DiffOutcome {
        let local = self.book.last_update_id;
        if ev.final_id <= local {
            return DiffOutcome::Ignored;
        }
        if ev.first_id > local + 1 {
            let reason = self.reset(ResyncReason::Gap {
                local,
                first_id: ev.first_id,
            });
            self.buffer.push(ev);
            self.snapshot_requested = true;
            return DiffOutcome::Resync(reason);
        }
        self.book.apply_levels(&ev.bids, &ev.asks);
        self.book.last_update_id = ev.final_id;
        if self.book.is_crossed() {
            let reason = self.reset(ResyncReason::Crossed {
                update_id: ev.final_id,
            });
            // The book is gone; the next event starts a fresh buffer.
            return DiffOutcome::Resync(reason);
        }
        DiffOutcome::Applied
    }

    /// Feeds a REST snapshot previously requested.
    pub fn on_snapshot(&mut self, snap: &DepthSnapshot) -> SnapshotOutcome {
        if self.status == BookStatus::Live {
            return SnapshotOutcome::Unexpected;
        }
        let Some(first) = self.buffer.first() else {
            // Nothing buffered to line it up with (e.g. a resync emptied
            // the buffer): ask again once events arrive.
            self.snapshot_requested = false;
            return SnapshotOutcome::Stale {
                snapshot_id: snap.last_update_id,
                first_buffered: 0,
            };
        };
        let lid = snap.last_update_id;
        if lid + 1 < first.first_id {
            return SnapshotOutcome::Stale {
                snapshot_id: lid,
                first_buffered: first.first_id,
            };
        }
        self.book.load(&snap.bids, &snap.asks, lid);
        self.status = BookStatus::Live;
        self.snapshot_requested = false;
        let buffered = std::mem::take(&mut self.buffer);
        let mut applied = 0;
        let mut iter = buffered.into_iter();
        for ev in iter.by_ref() {
            match self.apply_live(ev) {
                DiffOutcome::Applied => applied += 1,
                DiffOutcome::Ignored => {}
                DiffOutcome::Resync(reason) => {
                    // Keep what followed the break for the next attempt.
                    self.buffer.extend(iter);
                    self.snapshot_requested = true;
                    return SnapshotOutcome::Resync(reason);
                }
                DiffOutcome::Buffered { .. } => unreachable!("live book never buffers"),
            }
        }
        if self.book.is_crossed() {
            let reason = self.reset(ResyncReason::Crossed { update_id: lid });
            return SnapshotOutcome::Resync(reason);
        }
        self.ever_live = true;
        SnapshotOutcome::Synced {
            applied,
            last_update_id: self.book.last_update_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::Fx;

    fn fx(s: &str) -> Fx {
        Fx::parse(s).unwrap()
    }

    fn ev(u0: u64, u1: u64, bids: &[(&str, &str)], asks: &[(&str, &str)]) -> DepthUpdate {
        DepthUpdate {
            symbol: "BTCUSDT".into(),
            event_time: 0,
            first_id: u0,
            final_id: u1,
            bids: bids.iter().map(|(p, q)| (fx(p), fx(q))).collect(),
            asks: asks.iter().map(|(p, q)| (fx(p), fx(q))).collect(),
        }
    }

    fn snap(id: u64) -> DepthSnapshot {
        DepthSnapshot {
            last_update_id: id,
            bids: vec![(fx("100"), fx("1")), (fx("99"), fx("2"))],
            asks: vec![(fx("101"), fx("1")), (fx("102"), fx("2"))],
        }
    }

    #[test]
    fn first_event_asks_for_a_snapshot_once() {
        let mut s = BookSync::new();
        assert_eq!(
            s.on_diff(ev(10, 12, &[], &[])),
            DiffOutcome::Buffered {
                fetch_snapshot: true
            }
        );
        assert_eq!(
            s.on_diff(ev(13, 14, &[], &[])),
            DiffOutcome::Buffered {
                fetch_snapshot: false
            }
        );
        assert_eq!(s.status(), BookStatus::Syncing);
    }

    #[test]
    fn stale_snapshot_is_refetched() {
        let mut s = BookSync::new();
        s.on_diff(ev(10, 12, &[], &[]));
        // lastUpdateId 5 leaves ids 6..9 unknown.
        assert_eq!(
            s.on_snapshot(&snap(5)),
            SnapshotOutcome::Stale {
                snapshot_id: 5,
                first_buffered: 10
            }
        );
        assert!(!s.is_live());
        // Exactly adjacent (U == lastUpdateId + 1) is fine.
        assert!(matches!(
            s.on_snapshot(&snap(9)),
            SnapshotOutcome::Synced { applied: 1, .. }
        ));
    }

    #[test]
    fn straddling_first_event_is_applied_and_older_ones_dropped() {
        let mut s = BookSync::new();
        s.on_diff(ev(1, 4, &[("100", "9")], &[]));
        s.on_diff(ev(5, 8, &[("99", "7")], &[]));
        s.on_diff(ev(9, 12, &[("98", "5")], &[("101", "0")]));
        let out = s.on_snapshot(&snap(10));
        assert_eq!(
            out,
            SnapshotOutcome::Synced {
                applied: 1,
                last_update_id: 12
            }
        );
        let b = s.book();
        // Events ending at 4 and 8 predate the snapshot: not applied.
        assert_eq!(b.bids.qty_at(fx("100")), fx("1"));
        assert_eq!(b.bids.qty_at(fx("99")), fx("2"));
        // The straddling event is applied in full.
        assert_eq!(b.bids.qty_at(fx("98")), fx("5"));
        assert_eq!(b.best_ask().unwrap().0, fx("102"));
    }

    #[test]
    fn old_and_duplicate_events_are_ignored() {
        let mut s = BookSync::new();
        s.on_diff(ev(11, 11, &[], &[]));
        s.on_snapshot(&snap(10));
        assert_eq!(
            s.on_diff(ev(11, 11, &[("100", "5")], &[])),
            DiffOutcome::Ignored
        );
        assert_eq!(
            s.on_diff(ev(3, 7, &[("100", "5")], &[])),
            DiffOutcome::Ignored
        );
        assert_eq!(s.book().bids.qty_at(fx("100")), fx("1"));
        assert_eq!(
            s.on_diff(ev(12, 12, &[("100", "5")], &[])),
            DiffOutcome::Applied
        );
        assert_eq!(s.book().bids.qty_at(fx("100")), fx("5"));
    }

    #[test]
    fn gap_discards_the_book_and_rebuffers() {
        let mut s = BookSync::new();
        s.on_diff(ev(11, 11, &[], &[]));
        s.on_snapshot(&snap(10));
        assert!(s.is_live());
        let out = s.on_diff(ev(13, 14, &[], &[]));
        assert_eq!(
            out,
            DiffOutcome::Resync(ResyncReason::Gap {
                local: 11,
                first_id: 13
            })
        );
        assert_eq!(s.status(), BookStatus::Resyncing);
        assert_eq!(s.resyncs(), 1);
        assert!(s.book().bids.is_empty());
        assert_eq!(s.buffered(), 1);
        assert!(s.awaiting_snapshot());
        // The next snapshot lines up with the buffered event.
        assert!(matches!(
            s.on_snapshot(&snap(13)),
            SnapshotOutcome::Synced {
                last_update_id: 14,
                ..
            }
        ));
        assert_eq!(s.status(), BookStatus::Live);
    }

    #[test]
    fn zero_quantity_for_an_unknown_level_is_not_an_error() {
        let mut s = BookSync::new();
        s.on_diff(ev(11, 11, &[("50", "0")], &[("500", "0")]));
        s.on_snapshot(&snap(10));
        assert!(s.is_live());
        assert_eq!(s.book().bids.len(), 2);
        assert_eq!(s.book().asks.len(), 2);
    }

    #[test]
    fn crossed_book_triggers_a_resync() {
        let mut s = BookSync::new();
        s.on_diff(ev(11, 11, &[], &[]));
        s.on_snapshot(&snap(10));
        let out = s.on_diff(ev(12, 12, &[("101.5", "1")], &[]));
        assert_eq!(
            out,
            DiffOutcome::Resync(ResyncReason::Crossed { update_id: 12 })
        );
        assert!(!s.is_live());
        assert!(s.book().asks.is_empty());
    }

    #[test]
    fn gap_inside_the_buffer_restarts_from_the_break() {
        let mut s = BookSync::new();
        s.on_diff(ev(9, 11, &[], &[]));
        s.on_diff(ev(15, 16, &[], &[]));
        let out = s.on_snapshot(&snap(10));
        assert_eq!(
            out,
            SnapshotOutcome::Resync(ResyncReason::Gap {
                local: 11,
                first_id: 15
            })
        );
        assert_eq!(s.buffered(), 1);
        assert!(matches!(
            s.on_snapshot(&snap(15)),
            SnapshotOutcome::Synced {
                last_update_id: 16,
                ..
            }
        ));
    }

    #[test]
    fn snapshot_while_live_is_dropped() {
        let mut s = BookSync::new();
        s.on_diff(ev(11, 11, &[], &[]));
        s.on_snapshot(&snap(10));
        assert_eq!(s.on_snapshot(&snap(30)), SnapshotOutcome::Unexpected);
    }
}
