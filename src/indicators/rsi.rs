//! Relative Strength Index with Wilder's smoothing. The first value needs
//! `n` price changes (n+1 closes); averages start as simple means.

#[derive(Clone, Debug)]
pub struct Rsi {
    n: usize,
    prev: Option<f64>,
    changes: usize,
    gain: f64,
    loss: f64,
}

impl Rsi {
    pub fn new(n: usize) -> Self {
        Rsi {
            n: n.max(1),
            prev: None,
            changes: 0,
            gain: 0.0,
            loss: 0.0,
        }
    }

    pub fn warmup(&self) -> usize {
        self.n
    }

    pub fn update(&mut self, x: f64) -> Option<f64> {
        let prev = self.prev.replace(x)?;
        let d = x - prev;
        let (g, l) = if d > 0.0 { (d, 0.0) } else { (0.0, -d) };
        let n = self.n as f64;
        self.changes += 1;
        if self.changes <= self.n {
            self.gain += g;
            self.loss += l;
            if self.changes < self.n {
                return None;
            }
            self.gain /= n;
            self.loss /= n;
        } else {
            self.gain = (self.gain * (n - 1.0) + g) / n;
            self.loss = (self.loss * (n - 1.0) + l) / n;
        }
        let total = self.gain + self.loss;
        Some(if total == 0.0 {
            0.0
        } else {
            100.0 * self.gain / total
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn all_gains_is_100_and_all_losses_is_0() {
        let mut r = super::Rsi::new(3);
        let v: Vec<_> = [1.0, 2.0, 3.0, 4.0, 5.0]
            .iter()
            .map(|x| r.update(*x))
            .collect();
        assert_eq!(v, vec![None, None, None, Some(100.0), Some(100.0)]);
        let mut r = super::Rsi::new(2);
        let v: Vec<_> = [5.0, 4.0, 3.0].iter().map(|x| r.update(*x)).collect();
        assert_eq!(v[2], Some(0.0));
    }

    #[test]
    fn wilder_smoothing() {
        let mut r = super::Rsi::new(2);
        r.update(10.0);
        r.update(11.0); // +1
        assert_eq!(r.update(10.0), Some(50.0)); // gain 0.5 loss 0.5
                                                // +2: gain (0.5+2)/2 = 1.25, loss 0.25 -> 83.33
        let v = r.update(12.0).unwrap();
        assert!((v - 100.0 * 1.25 / 1.5).abs() < 1e-12);
    }
}
