//! Volume-weighted average price of the typical price (high+low+close)/3:
//! over a rolling window of `n` bars ([`Vwap`], the `ta` library's
//! definition) or since the start of the UTC day ([`SessionVwap`], the
//! intraday anchor traders use).

use super::{Bar, WindowSum};

#[derive(Clone, Debug)]
pub struct Vwap {
    pv: WindowSum,
    v: WindowSum,
}

impl Vwap {
    pub fn new(n: usize) -> Self {
        Vwap {
            pv: WindowSum::new(n),
            v: WindowSum::new(n),
        }
    }

    pub fn warmup(&self) -> usize {
        self.pv.len() - 1
    }

    pub fn update(&mut self, b: &Bar) -> Option<f64> {
        let tp = (b.high + b.low + b.close) / 3.0;
        let pv = self.pv.push(tp * b.volume);
        let v = self.v.push(b.volume);
        let (pv, v) = (pv?, v?);
        (v > 0.0).then(|| pv / v)
    }
}

const DAY_MS: i64 = 86_400_000;

#[derive(Clone, Debug, Default)]
pub struct SessionVwap {
    day: Option<i64>,
    pv: f64,
    v: f64,
}

impl SessionVwap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, b: &Bar) -> Option<f64> {
        let day = b.time.div_euclid(DAY_MS);
        if self.day != Some(day) {
            self.day = Some(day);
            self.pv = 0.0;
            self.v = 0.0;
        }
        self.pv += (b.high + b.low + b.close) / 3.0 * b.volume;
        self.v += b.volume;
        (self.v > 0.0).then(|| self.pv / self.v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(t: i64, p: f64, v: f64) -> Bar {
        Bar {
            time: t,
            open: p,
            high: p,
            low: p,
            close: p,
            volume: v,
        }
    }

    #[test]
    fn rolling_and_session() {
        let mut w = Vwap::new(2);
        assert_eq!(w.update(&bar(0, 10.0, 1.0)), None);
        assert_eq!(w.update(&bar(1, 20.0, 3.0)), Some(17.5));
        let mut s = SessionVwap::new();
        assert_eq!(s.update(&bar(0, 10.0, 1.0)), Some(10.0));
        assert_eq!(s.update(&bar(1, 20.0, 1.0)), Some(15.0));
        assert_eq!(s.update(&bar(DAY_MS, 30.0, 1.0)), Some(30.0));
    }
}
