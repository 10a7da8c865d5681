//! Average True Range with Wilder's smoothing. The true range needs the
//! previous close, so the first value comes on bar `n` (TA-Lib's rule).

#[derive(Clone, Debug)]
pub struct Atr {
    n: usize,
    prev_close: Option<f64>,
    count: usize,
    value: f64,
}

impl Atr {
    pub fn new(n: usize) -> Self {
        Atr {
            n: n.max(1),
            prev_close: None,
            count: 0,
            value: 0.0,
        }
    }

    pub fn warmup(&self) -> usize {
        self.n
    }

    pub fn update(&mut self, high: f64, low: f64, close: f64) -> Option<f64> {
        let prev = self.prev_close.replace(close)?;
        let tr = (high - low)
            .max((high - prev).abs())
            .max((low - prev).abs());
        let n = self.n as f64;
        self.count += 1;
        if self.count < self.n {
            self.value += tr;
            return None;
        }
        if self.count == self.n {
            self.value = (self.value + tr) / n;
        } else {
            self.value = (self.value * (n - 1.0) + tr) / n;
        }
        Some(self.value)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_value_is_the_mean_true_range() {
        let mut a = super::Atr::new(2);
        assert_eq!(a.update(10.0, 8.0, 9.0), None);
        assert_eq!(a.update(11.0, 9.0, 10.0), None); // tr 2
        assert_eq!(a.update(10.0, 6.0, 7.0), Some(3.0)); // tr 4 -> (2+4)/2
        assert_eq!(a.update(8.0, 7.0, 8.0), Some(2.0)); // tr 1 -> (3+1)/2
    }
}
