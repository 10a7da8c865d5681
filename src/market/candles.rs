//! A candle series seeded from REST klines and continued by the kline
//! stream, where the open candle is replaced on every update.

use crate::domain::{Interval, Kline};

#[derive(Clone, Debug)]
pub struct CandleSeries {
    pub interval: Interval,
    klines: Vec<Kline>,
    cap: usize,
}

impl CandleSeries {
    pub fn new(interval: Interval, cap: usize) -> Self {
        CandleSeries {
            interval,
            klines: Vec::new(),
            cap: cap.max(1),
        }
    }

    /// Replaces the history (REST klines, oldest first).
    pub fn seed(&mut self, mut klines: Vec<Kline>) {
        klines.sort_by_key(|k| k.open_time);
        klines.dedup_by_key(|k| k.open_time);
        if klines.len() > self.cap {
            klines.drain(..klines.len() - self.cap);
        }
        // REST marks every row closed; the newest may still be open.
        self.klines = klines;
    }

    /// Folds one stream update: same open time replaces, a newer one
    /// appends, an older one (late or duplicate) is ignored unless it fills
    /// a slot we do not have.
    pub fn update(&mut self, k: Kline) {
        match self.klines.last() {
            Some(last) if last.open_time == k.open_time => {
                *self.klines.last_mut().expect("non-empty") = k;
            }
            Some(last) if last.open_time > k.open_time => {
                if let Err(i) = self
                    .klines
                    .binary_search_by_key(&k.open_time, |x| x.open_time)
                {
                    self.klines.insert(i, k);
                }
            }
            _ => {
                if let Some(last) = self.klines.last_mut() {
                    last.closed = true;
                }
                self.klines.push(k);
                if self.klines.len() > self.cap {
                    self.klines.remove(0);
                }
            }
        }
    }

    pub fn klines(&self) -> &[Kline] {
        &self.klines
    }

    pub fn last(&self) -> Option<&Kline> {
        self.klines.last()
    }

    pub fn len(&self) -> usize {
        self.klines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.klines.is_empty()
    }

    /// The newest `n` candles (for rendering).
    pub fn tail(&self, n: usize) -> &[Kline] {
        &self.klines[self.klines.len().saturating_sub(n)..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::Fx;

    fn k(t: i64, c: i64) -> Kline {
        Kline {
            open_time: t,
            close_time: t + 59_999,
            open: Fx(c),
            high: Fx(c),
            low: Fx(c),
            close: Fx(c),
            volume: Fx(1),
            quote_volume: Fx(1),
            trades: 1,
            closed: false,
        }
    }

    #[test]
    fn open_candle_is_replaced_then_closed_by_the_next() {
        let mut s = CandleSeries::new(Interval::M1, 3);
        s.seed(vec![k(0, 1), k(60_000, 2)]);
        s.update(k(60_000, 3));
        assert_eq!(s.len(), 2);
        assert_eq!(s.last().unwrap().close, Fx(3));
        s.update(k(120_000, 4));
        s.update(k(180_000, 5));
        assert_eq!(s.len(), 3);
        assert_eq!(s.klines()[0].open_time, 60_000);
        assert!(s.klines()[1].closed);
        s.update(k(60_000, 9)); // late update of a candle already held: ignored
        assert_eq!(s.klines()[0].open_time, 60_000);
    }
}
