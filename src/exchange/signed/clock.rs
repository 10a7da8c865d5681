//! The offset between Binance's clock and ours, measured at the midpoint
//! of a `/api/v3/time` round trip.

use crate::domain::Millis;
use crate::exchange::rest::{now_ms, RestClient, RestError};
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The offset between Binance's clock and ours.
#[derive(Debug)]
pub struct ClockSync {
    offset_ms: AtomicI64,
    synced: Mutex<Option<Instant>>,
    every: Duration,
    syncs: AtomicU32,
}

impl ClockSync {
    pub fn new(every: Duration) -> Self {
        ClockSync {
            offset_ms: AtomicI64::new(0),
            synced: Mutex::new(None),
            every,
            syncs: AtomicU32::new(0),
        }
    }

    /// Server time minus local time, ms.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }

    /// Our estimate of Binance's clock.
    pub fn now_ms(&self) -> Millis {
        now_ms() + self.offset_ms()
    }

    /// How many times the offset was measured.
    pub fn syncs(&self) -> u32 {
        self.syncs.load(Ordering::SeqCst)
    }

    pub(super) fn due(&self) -> bool {
        let g = self.synced.lock().unwrap_or_else(|e| e.into_inner());
        g.is_none_or(|t| t.elapsed() >= self.every)
    }

    /// Measures the offset now.
    pub async fn sync(&self, rest: &RestClient) -> Result<i64, RestError> {
        let off = rest.clock_offset().await?;
        self.offset_ms.store(off, Ordering::SeqCst);
        *self.synced.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        self.syncs.fetch_add(1, Ordering::SeqCst);
        tracing::debug!(offset_ms = off, "server clock offset measured");
        Ok(off)
    }
}
