//! Exponential moving average, alpha = 2/(n+1), seeded with the SMA of the
//! first `n` values (TA-Lib's convention).

#[derive(Clone, Debug)]
pub struct Ema {
    n: usize,
    alpha: f64,
    seed_sum: f64,
    count: usize,
    value: Option<f64>,
}

impl Ema {
    pub fn new(n: usize) -> Self {
        let n = n.max(1);
        Ema {
            n,
            alpha: 2.0 / (n as f64 + 1.0),
            seed_sum: 0.0,
            count: 0,
            value: None,
        }
    }

    pub fn warmup(&self) -> usize {
        self.n - 1
    }

    pub fn value(&self) -> Option<f64> {
        self.value
    }

    pub fn update(&mut self, x: f64) -> Option<f64> {
        self.value = match self.value {
            Some(v) => Some(v + self.alpha * (x - v)),
            None => {
                self.count += 1;
                self.seed_sum += x;
                (self.count == self.n).then(|| self.seed_sum / self.n as f64)
            }
        };
        self.value
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn seeds_with_sma_then_smooths() {
        let mut e = super::Ema::new(3);
        assert_eq!(e.update(1.0), None);
        assert_eq!(e.update(2.0), None);
        assert_eq!(e.update(3.0), Some(2.0));
        assert_eq!(e.update(4.0), Some(3.0)); // 2 + 0.5 * (4 - 2)
    }
}
