//! The task that moves the market: it advances the core to the current
//! market time, publishes what happened, fires scheduled faults, and sleeps
//! until the next event is due (or until paused/resumed/stopped).

use super::bus::Bus;
use super::clock::{wall_ms, SimClock};
use super::data::WEIGHT_LIMIT_1M;
use super::faults::{Fault, FaultControl};
use super::market::Market;
use super::SimTuning;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};

/// Events processed per lock, so REST readers get the market in between.
const STEPS_PER_LOCK: usize = 256;

/// State shared by the driver, the HTTP server and the stream connections.
#[derive(Debug)]
pub struct Shared {
    pub market: Mutex<Market>,
    pub clock: SimClock,
    pub bus: Bus,
    pub faults: FaultControl,
    pub tuning: SimTuning,
    /// `(minute, used weight)` of the fixed one-minute window.
    weights: Mutex<(i64, u32)>,
    /// Wakes the driver (pause, resume).
    wake: Notify,
    pub stop: watch::Receiver<bool>,
    open_conns: AtomicUsize,
    conns_changed: Notify,
}

impl Shared {
    pub fn new(
        market: Market,
        clock: SimClock,
        tuning: SimTuning,
        stop: watch::Receiver<bool>,
    ) -> Self {
        Shared {
            market: Mutex::new(market),
            clock,
            bus: Bus::new(tuning.bus_capacity),
            faults: FaultControl::default(),
            tuning,
            weights: Mutex::new((0, 0)),
            wake: Notify::new(),
            stop,
            open_conns: AtomicUsize::new(0),
            conns_changed: Notify::new(),
        }
    }

    /// Adds request weight to the current minute; returns the total used
    /// and, when over the limit, the seconds until the window resets.
    pub fn add_weight(&self, weight: u32) -> (u32, Option<u64>) {
        let now = wall_ms();
        let minute = now / 60_000;
        let mut w = self.weights.lock().expect("weights");
        if w.0 != minute {
            *w = (minute, 0);
        }
        w.1 += weight;
        let over =
            (w.1 > WEIGHT_LIMIT_1M).then(|| (((minute + 1) * 60_000 - now) as u64).div_ceil(1000));
        (w.1, over)
    }

    pub fn conn_opened(&self) {
        self.open_conns.fetch_add(1, Ordering::SeqCst);
    }

    pub fn conn_closed(&self) {
        self.open_conns.fetch_sub(1, Ordering::SeqCst);
        self.conns_changed.notify_waiters();
    }

    pub async fn wait_connections_closed(&self, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        while self.open_conns.load(Ordering::SeqCst) > 0 {
            let changed = self.conns_changed.notified();
            if self.open_conns.load(Ordering::SeqCst) == 0 {
                break;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                break;
            }
        }
    }
}

/// Freezes the market; see `SimHandle::pause`.
pub fn pause(shared: &Shared) {
    let mut m = shared.market.lock().expect("market lock");
    shared.clock.pause();
    let wall = wall_ms();
    let mut out = Vec::new();
    for (n, s) in m.syms.iter_mut().enumerate() {
        let mut v = Vec::new();
        s.flush_depth1s(wall, &mut v);
        out.extend(v.into_iter().map(|e| (n, e)));
    }
    shared.bus.publish(&m.syms, out.into_iter(), wall);
    drop(m);
    shared.wake.notify_one();
}

pub fn resume(shared: &Shared) {
    shared.clock.resume();
    shared.wake.notify_one();
}

/// The market task; `schedule` holds the faults with an `@AT`.
pub async fn run(shared: Arc<Shared>, mut schedule: Vec<Fault>) {
    schedule.sort_by_key(|f| f.at);
    let mut schedule = schedule.into_iter().peekable();
    let mut stop = shared.stop.clone();
    let mut out = Vec::new();
    let mut next_sample = Instant::now() + shared.tuning.ring_sample;
    loop {
        if *stop.borrow() {
            break;
        }
        let now = shared.clock.now_ms();
        let paused = shared.clock.is_paused();
        while let Some(f) =
            schedule.next_if(|f| !paused && f.at.is_some_and(|at| at.as_millis() as u64 <= now))
        {
            shared.faults.apply(&f.kind);
        }
        let (more, next_due) = {
            let mut m = shared.market.lock().expect("market lock");
            if shared.clock.is_paused() {
                (false, None)
            } else {
                let wall = wall_ms();
                let bus = &shared.bus;
                let more = m.advance(now, wall, STEPS_PER_LOCK, &|s| bus.wants(s), &mut out);
                bus.publish(&m.syms, out.drain(..), wall);
                if Instant::now() >= next_sample {
                    m.sample_rings();
                    next_sample = Instant::now() + shared.tuning.ring_sample;
                }
                (more, Some(m.next_due()))
            }
        };
        if more {
            tokio::task::yield_now().await;
            continue;
        }
        let fault_at = schedule
            .peek()
            .and_then(|f| f.at)
            .map(|d| d.as_millis() as u64);
        let target = match (next_due, fault_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let deadline = target.and_then(|t| shared.clock.instant_for(t));
        tokio::select! {
            _ = tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now).into()), if deadline.is_some() => {}
            _ = shared.wake.notified() => {}
            _ = stop.changed() => {}
        }
    }
}
