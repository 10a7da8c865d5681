//! Simple moving average.

use super::WindowSum;

#[derive(Clone, Debug)]
pub struct Sma {
    sum: WindowSum,
}

impl Sma {
    pub fn new(n: usize) -> Self {
        Sma {
            sum: WindowSum::new(n),
        }
    }

    /// Bars before the first value.
    pub fn warmup(&self) -> usize {
        self.sum.len() - 1
    }

    pub fn update(&mut self, x: f64) -> Option<f64> {
        self.sum.push(x).map(|s| s / self.sum.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn averages_the_last_n() {
        let mut s = super::Sma::new(3);
        assert_eq!(s.update(1.0), None);
        assert_eq!(s.update(2.0), None);
        assert_eq!(s.update(3.0), Some(2.0));
        assert_eq!(s.update(7.0), Some(4.0));
        assert_eq!(s.warmup(), 2);
    }
}
