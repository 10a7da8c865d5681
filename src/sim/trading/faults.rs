//! Trading fault knobs: what can go wrong between a client and Binance's
//! order path, so a client can prove it never resends blindly and ends with
//! the exchange's truth.
//!
//! ```text
//! name             ARG          effect
//! lose-response    [N]  (1)     the next N order submissions (POST order,
//!                               orderList/oco) are applied, then the HTTP
//!                               connection is closed without an answer
//! delay-response   DUR          order submissions are applied, answered
//!                               after DUR (past a client's timeout); 0ms clears
//! submit-503       [N]  (1)     the next N submissions are ACCEPTED, then
//!                               answered 503 (-1001 "Internal error")
//! submit-503-drop  [N]  (1)     ... NOT accepted, answered 503
//! submit-1007      [N]  (1)     ... ACCEPTED, answered HTTP 408 with -1007
//!                               (a 4xx whose code still means "unknown")
//! submit-1007-drop [N]  (1)     ... NOT accepted, answered 408 / -1007
//! dup-reports      -            every executionReport is delivered twice
//! reorder-reports  -            the reports of one action arrive reversed
//! stream-terminated -           every user-data subscription gets
//!                               eventStreamTerminated and ends (the WS API
//!                               connection stays open)
//! clock-skew       ±MS          server time (GET /api/v3/time, timestamp
//!                               checks) runs MS ms off the wall clock
//! balance-lag      DUR          outboundAccountPosition is delivered DUR
//!                               after the executionReports it follows
//! report-lag       DUR          every user-data event is delivered DUR
//!                               late (with delay-response: a client that
//!                               dies in that window never heard of its
//!                               order); 0ms clears
//! ```
//!
//! Runtime only: [`FaultControl::mute_user_data`] drops every user-data
//! event while on (what a client misses while its stream is down, without
//! the disconnect), so tests can prove reconciliation recovers it.

use super::super::faults::{parse_duration, FaultControl};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::broadcast;

/// Names and arguments for the grammar message.
pub const GRAMMAR: &str = "lose-response[:N], delay-response:DUR, submit-503[:N], \
submit-503-drop[:N], submit-1007[:N], submit-1007-drop[:N], dup-reports, reorder-reports, \
stream-terminated, clock-skew:±MS, balance-lag:DUR, report-lag:DUR";

/// How a faulty submission is answered, and whether it was applied first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubmitFault {
    /// 503 (-1001) or 408 (-1007).
    pub status: u16,
    /// Apply the order before answering with the error.
    pub accept: bool,
}

/// A parsed trading fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TradeFault {
    LoseResponse(u32),
    DelayResponse(Duration),
    Submit(SubmitFault, u32),
    DupReports,
    ReorderReports,
    StreamTerminated,
    ClockSkew(i64),
    BalanceLag(Duration),
    ReportLag(Duration),
}

/// Parses one trading fault item; `None` if `name` is not one.
pub fn parse(name: &str, arg: Option<&str>) -> Option<Result<TradeFault, String>> {
    let count = || match arg {
        None => Ok(1),
        Some(a) => a
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{name} takes a positive count, got {a:?}")),
    };
    let dur = || {
        let a = arg.ok_or_else(|| format!("{name} needs a duration, e.g. {name}:1500ms"))?;
        parse_duration(a).ok_or_else(|| format!("bad duration {a:?} (use e.g. 500ms, 30s, 2m)"))
    };
    let none = |f: TradeFault| match arg {
        Some(a) => Err(format!("{name} takes no argument, got {a:?}")),
        None => Ok(f),
    };
    let submit =
        |status, accept| count().map(|n| TradeFault::Submit(SubmitFault { status, accept }, n));
    Some(match name {
        "lose-response" => count().map(TradeFault::LoseResponse),
        "delay-response" => dur().map(TradeFault::DelayResponse),
        "submit-503" => submit(503, true),
        "submit-503-drop" => submit(503, false),
        "submit-1007" => submit(408, true),
        "submit-1007-drop" => submit(408, false),
        "dup-reports" => none(TradeFault::DupReports),
        "reorder-reports" => none(TradeFault::ReorderReports),
        "stream-terminated" => none(TradeFault::StreamTerminated),
        "clock-skew" => {
            let a = arg.unwrap_or("");
            let a = a.strip_suffix("ms").unwrap_or(a);
            let a = a.strip_prefix('+').unwrap_or(a);
            a.parse::<i64>().map(TradeFault::ClockSkew).map_err(|_| {
                format!("clock-skew needs signed milliseconds, e.g. clock-skew:-6000, got {arg:?}")
            })
        }
        "balance-lag" => dur().map(TradeFault::BalanceLag),
        "report-lag" => dur().map(TradeFault::ReportLag),
        _ => return None,
    })
}

/// The trading knobs' state (inside [`FaultControl`]).
#[derive(Debug)]
pub struct TradeFaults {
    lose: AtomicU32,
    delay_ms: AtomicU64,
    submit: Mutex<Option<(SubmitFault, u32)>>,
    dup: AtomicBool,
    reorder: AtomicBool,
    skew_ms: AtomicI64,
    balance_lag_ms: AtomicU64,
    report_lag_ms: AtomicU64,
    mute: AtomicBool,
    terminate: broadcast::Sender<()>,
}

impl Default for TradeFaults {
    fn default() -> Self {
        TradeFaults {
            lose: AtomicU32::new(0),
            delay_ms: AtomicU64::new(0),
            submit: Mutex::new(None),
            dup: AtomicBool::new(false),
            reorder: AtomicBool::new(false),
            skew_ms: AtomicI64::new(0),
            balance_lag_ms: AtomicU64::new(0),
            report_lag_ms: AtomicU64::new(0),
            mute: AtomicBool::new(false),
            terminate: broadcast::channel(16).0,
        }
    }
}

impl TradeFaults {
    /// Consumes one pending lost response.
    pub fn take_lose(&self) -> bool {
        self.lose
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    pub fn delay(&self) -> Duration {
        Duration::from_millis(self.delay_ms.load(Ordering::SeqCst))
    }

    /// Consumes one pending submit error.
    pub fn take_submit(&self) -> Option<SubmitFault> {
        let mut g = self.submit.lock().expect("submit fault");
        let (f, left) = (*g)?;
        *g = (left > 1).then_some((f, left - 1));
        Some(f)
    }

    pub fn dup(&self) -> bool {
        self.dup.load(Ordering::SeqCst)
    }

    pub fn reorder(&self) -> bool {
        self.reorder.load(Ordering::SeqCst)
    }

    pub fn skew_ms(&self) -> i64 {
        self.skew_ms.load(Ordering::SeqCst)
    }

    pub fn balance_lag(&self) -> Duration {
        Duration::from_millis(self.balance_lag_ms.load(Ordering::SeqCst))
    }

    pub fn report_lag(&self) -> Duration {
        Duration::from_millis(self.report_lag_ms.load(Ordering::SeqCst))
    }

    /// User-data events are being dropped.
    pub fn muted(&self) -> bool {
        self.mute.load(Ordering::SeqCst)
    }

    /// Fires when `stream-terminated` is applied.
    pub fn terminations(&self) -> broadcast::Receiver<()> {
        self.terminate.subscribe()
    }
}

/// Runtime trading knobs (see the module docs for their meaning).
impl FaultControl {
    /// The next `n` order submissions are applied and then left unanswered.
    pub fn lose_responses(&self, n: u32) {
        self.trade().lose.store(n, Ordering::SeqCst);
    }

    /// Answers order submissions after `d` (zero clears).
    pub fn delay_responses(&self, d: Duration) {
        self.trade()
            .delay_ms
            .store(d.as_millis() as u64, Ordering::SeqCst);
    }

    /// The next `n` submissions get `status` (503 or 408/-1007), after
    /// being applied when `accept`.
    pub fn submit_errors(&self, status: u16, accept: bool, n: u32) {
        *self.trade().submit.lock().expect("submit fault") =
            (n > 0).then_some((SubmitFault { status, accept }, n));
    }

    pub fn dup_reports(&self, on: bool) {
        self.trade().dup.store(on, Ordering::SeqCst);
    }

    pub fn reorder_reports(&self, on: bool) {
        self.trade().reorder.store(on, Ordering::SeqCst);
    }

    /// Ends every user-data subscription with `eventStreamTerminated`;
    /// returns how many WS API connections were told.
    pub fn terminate_user_streams(&self) -> usize {
        self.trade().terminate.send(()).unwrap_or(0)
    }

    /// Drops every user-data event while `on` (runtime only).
    pub fn mute_user_data(&self, on: bool) {
        self.trade().mute.store(on, Ordering::SeqCst);
    }

    /// Server time = wall clock + `ms`.
    pub fn clock_skew(&self, ms: i64) {
        self.trade().skew_ms.store(ms, Ordering::SeqCst);
    }

    /// Delays `outboundAccountPosition` by `d` (zero clears).
    pub fn balance_lag(&self, d: Duration) {
        self.trade()
            .balance_lag_ms
            .store(d.as_millis() as u64, Ordering::SeqCst);
    }

    /// Delays every user-data event by `d` (zero clears).
    pub fn report_lag(&self, d: Duration) {
        self.trade()
            .report_lag_ms
            .store(d.as_millis() as u64, Ordering::SeqCst);
    }

    /// Applies a parsed trading fault.
    pub fn apply_trade(&self, f: &TradeFault) {
        match *f {
            TradeFault::LoseResponse(n) => self.lose_responses(n),
            TradeFault::DelayResponse(d) => self.delay_responses(d),
            TradeFault::Submit(s, n) => self.submit_errors(s.status, s.accept, n),
            TradeFault::DupReports => self.dup_reports(true),
            TradeFault::ReorderReports => self.reorder_reports(true),
            TradeFault::StreamTerminated => {
                self.terminate_user_streams();
            }
            TradeFault::ClockSkew(ms) => self.clock_skew(ms),
            TradeFault::BalanceLag(d) => self.balance_lag(d),
            TradeFault::ReportLag(d) => self.report_lag(d),
        }
    }

    /// Server time as the signed endpoints and `/api/v3/time` see it.
    pub fn server_time_ms(&self) -> i64 {
        super::super::clock::wall_ms() + self.trade().skew_ms()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_trading_fault() {
        let p = |n: &str, a: Option<&str>| parse(n, a).unwrap().unwrap();
        assert_eq!(p("lose-response", None), TradeFault::LoseResponse(1));
        assert_eq!(p("lose-response", Some("3")), TradeFault::LoseResponse(3));
        assert_eq!(
            p("delay-response", Some("2s")),
            TradeFault::DelayResponse(Duration::from_secs(2))
        );
        let sf = |status, accept| SubmitFault { status, accept };
        assert_eq!(p("submit-503", None), TradeFault::Submit(sf(503, true), 1));
        assert_eq!(
            p("submit-503-drop", Some("2")),
            TradeFault::Submit(sf(503, false), 2)
        );
        assert_eq!(p("submit-1007", None), TradeFault::Submit(sf(408, true), 1));
        assert_eq!(
            p("submit-1007-drop", None),
            TradeFault::Submit(sf(408, false), 1)
        );
        assert_eq!(p("dup-reports", None), TradeFault::DupReports);
        assert_eq!(p("reorder-reports", None), TradeFault::ReorderReports);
        assert_eq!(p("stream-terminated", None), TradeFault::StreamTerminated);
        assert_eq!(p("clock-skew", Some("-6000")), TradeFault::ClockSkew(-6000));
        assert_eq!(
            p("clock-skew", Some("+1500ms")),
            TradeFault::ClockSkew(1500)
        );
        assert_eq!(
            p("balance-lag", Some("500ms")),
            TradeFault::BalanceLag(Duration::from_millis(500))
        );
        assert!(parse("gap", None).is_none());
        assert!(parse("dup-reports", Some("1")).unwrap().is_err());
        assert!(parse("clock-skew", Some("soon")).unwrap().is_err());
        assert!(parse("delay-response", None).unwrap().is_err());
    }

    #[test]
    fn knobs_run_out_and_clear() {
        let f = FaultControl::default();
        f.lose_responses(1);
        assert!(f.trade().take_lose() && !f.trade().take_lose());
        f.submit_errors(503, false, 2);
        assert_eq!(f.trade().take_submit().map(|s| s.accept), Some(false));
        assert!(f.trade().take_submit().is_some() && f.trade().take_submit().is_none());
        f.clock_skew(-6000);
        assert_eq!(f.trade().skew_ms(), -6000);
        let mut rx = f.trade().terminations();
        assert_eq!(f.terminate_user_streams(), 1);
        assert!(rx.try_recv().is_ok());
    }
}
