//! Bollinger Bands: SMA(n) +/- k population standard deviations. Sums are
//! kept relative to a shift (the first value) so the variance does not
//! lose precision to cancellation at BTC-sized prices.

use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bands {
    pub mid: f64,
    pub upper: f64,
    pub lower: f64,
}

#[derive(Clone, Debug)]
pub struct Bollinger {
    n: usize,
    k: f64,
    shift: Option<f64>,
    buf: VecDeque<f64>,
    sum: f64,
    sumsq: f64,
    since_resum: usize,
}

impl Bollinger {
    pub fn new(n: usize, k: f64) -> Self {
        Bollinger {
            n: n.max(1),
            k,
            shift: None,
            buf: VecDeque::with_capacity(n.max(1) + 1),
            sum: 0.0,
            sumsq: 0.0,
            since_resum: 0,
        }
    }

    pub fn warmup(&self) -> usize {
        self.n - 1
    }

    pub fn update(&mut self, x: f64) -> Option<Bands> {
        let shift = *self.shift.get_or_insert(x);
        let y = x - shift;
        self.buf.push_back(y);
        self.sum += y;
        self.sumsq += y * y;
        if self.buf.len() > self.n {
            let o = self.buf.pop_front().expect("non-empty");
            self.sum -= o;
            self.sumsq -= o * o;
        }
        self.since_resum += 1;
        if self.since_resum >= 1024 {
            // Re-centre on the current window and re-add exactly.
            let c = self.sum / self.buf.len() as f64;
            for v in self.buf.iter_mut() {
                *v -= c;
            }
            self.shift = Some(shift + c);
            self.sum = self.buf.iter().sum();
            self.sumsq = self.buf.iter().map(|v| v * v).sum();
            self.since_resum = 0;
        }
        if self.buf.len() < self.n {
            return None;
        }
        let n = self.n as f64;
        let mean = self.sum / n;
        let var = (self.sumsq / n - mean * mean).max(0.0);
        let sd = var.sqrt();
        let mid = mean + self.shift.expect("set above");
        Some(Bands {
            mid,
            upper: mid + self.k * sd,
            lower: mid - self.k * sd,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn population_deviation() {
        let mut b = super::Bollinger::new(4, 2.0);
        for x in [2.0, 4.0, 4.0] {
            assert!(b.update(x).is_none());
        }
        let v = b.update(6.0).unwrap(); // mean 4, var (4+0+0+4)/4 = 2
        assert!((v.mid - 4.0).abs() < 1e-12);
        assert!((v.upper - (4.0 + 2.0 * 2f64.sqrt())).abs() < 1e-12);
    }
}
