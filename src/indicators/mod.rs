//! Technical indicators, incremental: each `update` is O(1) and returns
//! `None` until the indicator's warm-up is complete. Conventions follow
//! TA-Lib (EMA seeded with the SMA of its first `n` values, Wilder
//! smoothing for RSI and ATR, population standard deviation for Bollinger
//! Bands) so values match what traders see elsewhere; the reference test
//! checks this against TA-Lib on real klines.
//!
//! Arithmetic is `f64`: indicators are statistics, not money.

pub mod atr;
pub mod bollinger;
pub mod ema;
pub mod macd;
pub mod rsi;
pub mod sma;
pub mod spec;
pub mod vwap;

pub use atr::Atr;
pub use bollinger::Bollinger;
pub use ema::Ema;
pub use macd::Macd;
pub use rsi::Rsi;
pub use sma::Sma;
pub use spec::{IndicatorSpec, Runner, SpecError, DEFAULT_SPEC};
pub use vwap::{SessionVwap, Vwap};

/// One OHLCV bar as indicators see it.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Bar {
    /// Open time, ms since the epoch (UTC).
    pub time: i64,
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
}

/// A running sum over a sliding window that re-adds the window from
/// scratch every so often, so rounding drift cannot accumulate over long
/// series (34k+ bars).
#[derive(Clone, Debug)]
pub(crate) struct WindowSum {
    n: usize,
    buf: std::collections::VecDeque<f64>,
    sum: f64,
    since_resum: usize,
}

impl WindowSum {
    pub(crate) fn new(n: usize) -> Self {
        WindowSum {
            n: n.max(1),
            buf: std::collections::VecDeque::with_capacity(n.max(1) + 1),
            sum: 0.0,
            since_resum: 0,
        }
    }

    /// Adds `x`; returns the sum once the window is full.
    pub(crate) fn push(&mut self, x: f64) -> Option<f64> {
        self.buf.push_back(x);
        self.sum += x;
        if self.buf.len() > self.n {
            let old = self.buf.pop_front().expect("non-empty");
            self.sum -= old;
        }
        self.since_resum += 1;
        if self.since_resum >= 1024 {
            self.sum = self.buf.iter().sum();
            self.since_resum = 0;
        }
        (self.buf.len() == self.n).then_some(self.sum)
    }

    pub(crate) fn len(&self) -> usize {
        self.n
    }
}
