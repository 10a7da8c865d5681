//! MACD: EMA(fast) - EMA(slow), its EMA(signal), and the histogram.
//! As in TA-Lib, the fast EMA is started so that both EMAs produce their
//! first value on the same bar (the fast one is seeded from the last
//! `fast` closes of the slow one's seed window).

use super::Ema;
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MacdValue {
    pub macd: f64,
    pub signal: f64,
    pub hist: f64,
}

#[derive(Clone, Debug)]
pub struct Macd {
    fast_n: usize,
    slow_n: usize,
    fast: Ema,
    slow: Ema,
    signal: Ema,
    seed: VecDeque<f64>,
    started: bool,
}

impl Macd {
    pub fn new(fast: usize, slow: usize, signal: usize) -> Self {
        let (fast, slow) = (fast.max(1), slow.max(1));
        let (fast, slow) = if fast > slow {
            (slow, fast)
        } else {
            (fast, slow)
        };
        Macd {
            fast_n: fast,
            slow_n: slow,
            fast: Ema::new(fast),
            slow: Ema::new(slow),
            signal: Ema::new(signal.max(1)),
            seed: VecDeque::with_capacity(slow),
            started: false,
        }
    }

    pub fn warmup(&self) -> usize {
        self.slow_n - 1 + self.signal.warmup()
    }

    pub fn update(&mut self, x: f64) -> Option<MacdValue> {
        let slow = self.slow.update(x);
        let fast = if self.started {
            self.fast.update(x)
        } else {
            self.seed.push_back(x);
            if self.seed.len() > self.fast_n {
                self.seed.pop_front();
            }
            if slow.is_some() {
                self.started = true;
                let mut f = None;
                for v in self.seed.drain(..) {
                    f = self.fast.update(v);
                }
                f
            } else {
                None
            }
        };
        let macd = fast? - slow?;
        let signal = self.signal.update(macd)?;
        Some(MacdValue {
            macd,
            signal,
            hist: macd - signal,
        })
    }
}
