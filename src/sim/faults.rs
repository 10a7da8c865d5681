//! Fault injection: the startup spec grammar and the runtime knobs.
//!
//! # Spec grammar
//!
//! ```text
//! spec     = "" | item *("," item)          (spaces around items are ignored)
//! item     = name ["@" AT] [":" ARG]
//! AT       = duration                       sim (market) time since start;
//!                                           without it the fault fires at start
//! duration = integer ("ms" | "s" | "m")     e.g. 500ms, 30s, 2m
//!
//! name            ARG               effect
//! drop            -                 close every stream socket, no close frame
//! gap             [N]   (1)         withhold the next N diff batches on every
//!                                   open diff stream (the book still applies
//!                                   them; the client sees U > last u + 1)
//! stale-snapshot  [N]   (1)         the next N GET /api/v3/depth answers come
//!                                   from an older book state
//! delay-snapshot  DUR               sleep DUR before every /api/v3/depth
//!                                   answer from then on (0ms clears)
//! silence         DUR               stream connections send nothing, not even
//!                                   pings, for DUR; TCP stays open
//! shutdown        -                 send serverShutdown, then close, on every
//!                                   stream connection
//! rest-429        [SECS[xK]] (7x1)  the next K REST requests get 429, -1003
//!                                   and Retry-After: SECS
//! rest-418        [SECS[xK]] (120x1) the same with 418 (IP ban)
//! rest-5xx        [K]   (1)         the next K REST requests get 503, -1008
//! rest-NNN        [K]   (1)         500..=599: the next K get status NNN
//! ```
//!
//! Trading faults (order path and user data stream) are listed in
//! [`super::trading::faults`]: `lose-response`, `delay-response`,
//! `submit-503[-drop]`, `submit-1007[-drop]`, `dup-reports`,
//! `reorder-reports`, `stream-terminated`, `clock-skew`, `balance-lag`.
//!
//! Example: `drop@30s,gap@45s,stale-snapshot:2,delay-snapshot:1500ms,
//! silence@40s:20s,shutdown@60s,rest-429@10s:7,rest-418@20s:120,rest-5xx:3`.
//!
//! `AT` is in sim time (it scales with `speed`, like the market); durations
//! (`DUR`, `SECS`) are wall-clock, because that is what a client's timers
//! see. Stream faults act on the connections open when they fire.

use super::SimError;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// The grammar, quoted in parse errors.
pub const GRAMMAR: &str = "comma-separated name[@AT][:ARG] with AT/DUR like 500ms, 30s or 2m; \
names: drop, gap[:N], stale-snapshot[:N], delay-snapshot:DUR, silence:DUR, shutdown, \
rest-429[:SECS[xK]], rest-418[:SECS[xK]], rest-5xx[:K], rest-500..rest-599[:K], \
lose-response[:N], delay-response:DUR, submit-503[:N], submit-503-drop[:N], submit-1007[:N], \
submit-1007-drop[:N], dup-reports, reorder-reports, stream-terminated, clock-skew:±MS, balance-lag:DUR";

/// What a fault does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    Drop,
    Gap(u32),
    StaleSnapshot(u32),
    DelaySnapshot(Duration),
    Silence(Duration),
    Shutdown,
    Rest {
        status: u16,
        count: u32,
        retry_after: Option<u64>,
    },
    /// An order-path / user-stream fault (`trading::faults`).
    Trade(super::trading::faults::TradeFault),
}

/// A fault and when it fires (sim time since start; `None` = at start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub at: Option<Duration>,
    pub kind: FaultKind,
}

fn bad(item: &str, reason: impl Into<String>) -> SimError {
    SimError::Faults {
        item: item.to_string(),
        reason: reason.into(),
    }
}

/// Parses `500ms`, `30s`, `2m`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().ok()?;
    match unit {
        "ms" => Some(Duration::from_millis(n)),
        "s" => Some(Duration::from_secs(n)),
        "m" => Some(Duration::from_secs(n.checked_mul(60)?)),
        _ => None,
    }
}

/// Parses a fault spec (see the module docs for the grammar).
pub fn parse_faults(spec: &str) -> Result<Vec<Fault>, SimError> {
    let mut out = Vec::new();
    for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (head, arg) = match item.split_once(':') {
            Some((h, a)) => (h, Some(a)),
            None => (item, None),
        };
        let (name, at) = match head.split_once('@') {
            Some((n, at)) => {
                let d = parse_duration(at).ok_or_else(|| {
                    bad(
                        item,
                        format!("bad time {at:?} after '@' (use e.g. 500ms, 30s, 2m)"),
                    )
                })?;
                (n, Some(d))
            }
            None => (head, None),
        };
        let count =
            |default: u32| -> Result<u32, SimError> {
                match arg {
                    None => Ok(default),
                    Some(a) => a.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                        bad(item, format!("{name} takes a positive count, got {a:?}"))
                    }),
                }
            };
        let duration = || -> Result<Duration, SimError> {
            let a = arg
                .ok_or_else(|| bad(item, format!("{name} needs a duration, e.g. {name}:1500ms")))?;
            parse_duration(a).ok_or_else(|| {
                bad(
                    item,
                    format!("bad duration {a:?} (use e.g. 500ms, 30s, 2m)"),
                )
            })
        };
        let ban = |status: u16, default: u64| -> Result<FaultKind, SimError> {
            let (secs, k) = match arg {
                None => (default, 1),
                Some(a) => {
                    let (s, k) = a.split_once('x').unwrap_or((a, "1"));
                    let s = s.parse::<u64>().map_err(|_| {
                        bad(item, format!("Retry-After seconds expected, got {s:?}"))
                    })?;
                    let k = k.parse::<u32>().ok().filter(|k| *k > 0).ok_or_else(|| {
                        bad(
                            item,
                            format!("positive request count expected after 'x', got {k:?}"),
                        )
                    })?;
                    (s, k)
                }
            };
            Ok(FaultKind::Rest {
                status,
                count: k,
                retry_after: Some(secs),
            })
        };
        let no_arg = |k: FaultKind| -> Result<FaultKind, SimError> {
            match arg {
                Some(a) => Err(bad(item, format!("{name} takes no argument, got {a:?}"))),
                None => Ok(k),
            }
        };
        let kind = match name {
            "drop" => no_arg(FaultKind::Drop)?,
            "shutdown" => no_arg(FaultKind::Shutdown)?,
            "gap" => FaultKind::Gap(count(1)?),
            "stale-snapshot" => FaultKind::StaleSnapshot(count(1)?),
            "delay-snapshot" => FaultKind::DelaySnapshot(duration()?),
            "silence" => FaultKind::Silence(duration()?),
            "rest-429" => ban(429, 7)?,
            "rest-418" => ban(418, 120)?,
            "rest-5xx" => FaultKind::Rest {
                status: 503,
                count: count(1)?,
                retry_after: None,
            },
            n => match n.strip_prefix("rest-").and_then(|s| s.parse::<u16>().ok()) {
                Some(status @ 500..=599) => FaultKind::Rest {
                    status,
                    count: count(1)?,
                    retry_after: None,
                },
                _ => match super::trading::faults::parse(name, arg) {
                    Some(t) => FaultKind::Trade(t.map_err(|reason| bad(item, reason))?),
                    None => return Err(bad(item, format!("unknown fault {name:?}"))),
                },
            },
        };
        out.push(Fault { at, kind });
    }
    Ok(out)
}

/// A fault aimed at one stream connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnFault {
    /// Close the TCP connection without a close frame.
    Drop,
    /// Withhold the next N batches of every diff stream.
    Gap(u32),
    /// Send nothing (no data, no pings) for this long.
    Silence(Duration),
    /// Send `serverShutdown`, then close.
    Shutdown,
}

/// A pending REST error answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestFault {
    pub status: u16,
    pub retry_after: Option<u64>,
}

#[derive(Debug, Default)]
struct State {
    conns: Mutex<HashMap<u64, mpsc::UnboundedSender<ConnFault>>>,
    next_conn: AtomicU64,
    stale: AtomicU32,
    delay_ms: AtomicU64,
    rest: Mutex<Option<(RestFault, u32)>>,
    trade: super::trading::faults::TradeFaults,
}

/// Runtime fault knobs, shared by the simulator and tests (cheap to clone).
#[derive(Clone, Debug, Default)]
pub struct FaultControl {
    st: Arc<State>,
}

impl FaultControl {
    /// Sends `f` to every open stream connection; returns how many.
    fn broadcast(&self, f: ConnFault) -> usize {
        let conns = self.st.conns.lock().expect("fault registry");
        conns.values().filter(|tx| tx.send(f).is_ok()).count()
    }

    /// Drops every stream socket without a close frame.
    pub fn drop_streams(&self) -> usize {
        self.broadcast(ConnFault::Drop)
    }

    /// Withholds the next `batches` diff batches on every open diff stream.
    pub fn gap(&self, batches: u32) -> usize {
        self.broadcast(ConnFault::Gap(batches))
    }

    /// Stops all data and pings on every stream connection for `d`.
    pub fn silence(&self, d: Duration) -> usize {
        self.broadcast(ConnFault::Silence(d))
    }

    /// Sends `serverShutdown` and closes every stream connection.
    pub fn server_shutdown(&self) -> usize {
        self.broadcast(ConnFault::Shutdown)
    }

    /// The next `n` depth snapshots are served from an older book state.
    pub fn stale_snapshots(&self, n: u32) {
        self.st.stale.store(n, Ordering::SeqCst);
    }

    /// Sleeps `d` before answering each depth snapshot (zero clears).
    pub fn delay_snapshots(&self, d: Duration) {
        self.st
            .delay_ms
            .store(d.as_millis() as u64, Ordering::SeqCst);
    }

    /// Answers the next `count` REST requests with `status` (429/418 carry
    /// -1003, 5xx -1008/-1000), with `Retry-After` when given.
    pub fn rest_error(&self, status: u16, count: u32, retry_after_secs: Option<u64>) {
        let f = RestFault {
            status,
            retry_after: retry_after_secs,
        };
        *self.st.rest.lock().expect("rest fault") = (count > 0).then_some((f, count));
    }

    /// Ids of the open stream connections.
    pub fn stream_connections(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self
            .st
            .conns
            .lock()
            .expect("fault registry")
            .keys()
            .copied()
            .collect();
        v.sort_unstable();
        v
    }

    /// Aims a fault at one connection; false if it is gone.
    pub fn send_to(&self, conn: u64, f: ConnFault) -> bool {
        let conns = self.st.conns.lock().expect("fault registry");
        conns.get(&conn).is_some_and(|tx| tx.send(f).is_ok())
    }

    /// Applies a parsed fault now.
    pub fn apply(&self, kind: &FaultKind) {
        tracing::info!(?kind, "sim fault");
        match *kind {
            FaultKind::Drop => {
                self.drop_streams();
            }
            FaultKind::Gap(n) => {
                self.gap(n);
            }
            FaultKind::StaleSnapshot(n) => self.stale_snapshots(n),
            FaultKind::DelaySnapshot(d) => self.delay_snapshots(d),
            FaultKind::Silence(d) => {
                self.silence(d);
            }
            FaultKind::Shutdown => {
                self.server_shutdown();
            }
            FaultKind::Rest {
                status,
                count,
                retry_after,
            } => self.rest_error(status, count, retry_after),
            FaultKind::Trade(ref t) => self.apply_trade(t),
        }
    }

    pub(crate) fn trade(&self) -> &super::trading::faults::TradeFaults {
        &self.st.trade
    }

    pub(crate) fn register(&self) -> (u64, mpsc::UnboundedReceiver<ConnFault>) {
        let id = self.st.next_conn.fetch_add(1, Ordering::SeqCst) + 1;
        let (tx, rx) = mpsc::unbounded_channel();
        self.st.conns.lock().expect("fault registry").insert(id, tx);
        (id, rx)
    }

    pub(crate) fn unregister(&self, id: u64) {
        self.st.conns.lock().expect("fault registry").remove(&id);
    }

    /// Consumes one pending stale snapshot, if any.
    pub(crate) fn take_stale(&self) -> bool {
        self.st
            .stale
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    pub(crate) fn snapshot_delay(&self) -> Duration {
        Duration::from_millis(self.st.delay_ms.load(Ordering::SeqCst))
    }

    /// Consumes one pending REST error, if any.
    pub(crate) fn take_rest_error(&self) -> Option<RestFault> {
        let mut g = self.st.rest.lock().expect("rest fault");
        let (f, left) = (*g)?;
        *g = (left > 1).then_some((f, left - 1));
        Some(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(spec: &str) -> Vec<(Option<u64>, FaultKind)> {
        parse_faults(spec)
            .unwrap()
            .into_iter()
            .map(|f| (f.at.map(|d| d.as_millis() as u64), f.kind))
            .collect()
    }

    #[test]
    fn parses_the_documented_example() {
        let v = kinds(
            "drop@30s, gap@45s,stale-snapshot:2,delay-snapshot:1500ms,silence@40s:20s,shutdown@60s,\
             rest-429@10s:7,rest-418@20s:120x3,rest-5xx:3,rest-502,gap:4,drop@2m",
        );
        let rest = |status, count, retry_after| FaultKind::Rest {
            status,
            count,
            retry_after,
        };
        assert_eq!(
            v,
            vec![
                (Some(30_000), FaultKind::Drop),
                (Some(45_000), FaultKind::Gap(1)),
                (None, FaultKind::StaleSnapshot(2)),
                (None, FaultKind::DelaySnapshot(Duration::from_millis(1500))),
                (Some(40_000), FaultKind::Silence(Duration::from_secs(20))),
                (Some(60_000), FaultKind::Shutdown),
                (Some(10_000), rest(429, 1, Some(7))),
                (Some(20_000), rest(418, 3, Some(120))),
                (None, rest(503, 3, None)),
                (None, rest(502, 1, None)),
                (None, FaultKind::Gap(4)),
                (Some(120_000), FaultKind::Drop),
            ]
        );
        assert!(parse_faults("").unwrap().is_empty());
        assert!(parse_faults(" , ").unwrap().is_empty());
        assert_eq!(kinds("rest-418"), vec![(None, rest(418, 1, Some(120)))]);
    }

    #[test]
    fn errors_name_the_item_and_the_grammar() {
        for (spec, item, why) in [
            ("drop,explode@3s", "explode@3s", "unknown fault"),
            ("gap@30", "gap@30", "bad time"),
            ("gap:0", "gap:0", "positive count"),
            ("silence", "silence", "needs a duration"),
            ("delay-snapshot:1.5s", "delay-snapshot:1.5s", "bad duration"),
            ("drop:3", "drop:3", "takes no argument"),
            ("rest-429:7xz", "rest-429:7xz", "after 'x'"),
            ("rest-404", "rest-404", "unknown fault"),
        ] {
            let e = parse_faults(spec).unwrap_err();
            let text = e.to_string();
            assert!(
                matches!(&e, SimError::Faults { item: i, .. } if i == item),
                "{text}"
            );
            assert!(text.contains(why), "{text}");
            assert!(text.contains("name[@AT][:ARG]"), "{text}");
        }
    }

    #[test]
    fn counted_knobs_run_out() {
        let f = FaultControl::default();
        f.stale_snapshots(2);
        assert!(f.take_stale() && f.take_stale() && !f.take_stale());
        f.rest_error(429, 2, Some(7));
        let e = f.take_rest_error().unwrap();
        assert_eq!((e.status, e.retry_after), (429, Some(7)));
        assert!(f.take_rest_error().is_some() && f.take_rest_error().is_none());
        let (id, mut rx) = f.register();
        assert_eq!(f.stream_connections(), vec![id]);
        assert_eq!(f.gap(3), 1);
        assert_eq!(rx.try_recv().unwrap(), ConnFault::Gap(3));
        assert!(f.send_to(id, ConnFault::Drop));
        f.unregister(id);
        assert!(!f.send_to(id, ConnFault::Drop));
        assert_eq!(f.drop_streams(), 0);
    }
}
