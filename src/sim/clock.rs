//! Market time: ms since the sim started, advancing at `speed` times wall
//! time and frozen while paused. Event stamps (`E`, `T`, serverTime) stay
//! wall-clock so a client's latency (receive - E) means something.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Wall clock in ms since the Unix epoch.
pub fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[derive(Debug)]
struct State {
    anchor: Instant,
    anchor_ms: f64,
    paused: bool,
}

#[derive(Debug)]
pub struct SimClock {
    speed: f64,
    st: Mutex<State>,
}

impl SimClock {
    pub fn new(speed: f64) -> Self {
        SimClock {
            speed,
            st: Mutex::new(State {
                anchor: Instant::now(),
                anchor_ms: 0.0,
                paused: false,
            }),
        }
    }

    fn at(&self, st: &State, now: Instant) -> f64 {
        if st.paused {
            st.anchor_ms
        } else {
            st.anchor_ms
                + now.saturating_duration_since(st.anchor).as_secs_f64() * 1000.0 * self.speed
        }
    }

    /// Current market time (ms since start).
    pub fn now_ms(&self) -> u64 {
        let st = self.st.lock().expect("clock");
        self.at(&st, Instant::now()) as u64
    }

    pub fn is_paused(&self) -> bool {
        self.st.lock().expect("clock").paused
    }

    pub fn pause(&self) {
        let mut st = self.st.lock().expect("clock");
        let now = Instant::now();
        st.anchor_ms = self.at(&st, now);
        st.anchor = now;
        st.paused = true;
    }

    pub fn resume(&self) {
        let mut st = self.st.lock().expect("clock");
        st.anchor = Instant::now();
        st.paused = false;
    }

    /// The wall instant at which market time reaches `ms`; `None` while
    /// paused.
    pub fn instant_for(&self, ms: u64) -> Option<Instant> {
        let st = self.st.lock().expect("clock");
        if st.paused {
            return None;
        }
        let ahead = (ms as f64 - st.anchor_ms).max(0.0) / self.speed / 1000.0;
        Some(st.anchor + Duration::from_secs_f64(ahead.min(1e9)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pause_freezes_market_time() {
        let c = SimClock::new(1000.0);
        c.pause();
        let t = c.now_ms();
        assert!(c.is_paused());
        assert_eq!(c.now_ms(), t);
        assert!(c.instant_for(t + 1).is_none());
        c.resume();
        let i = c.instant_for(t + 1000).unwrap();
        assert!(i <= Instant::now() + Duration::from_millis(1));
        assert!(wall_ms() > 1_600_000_000_000);
    }
}
