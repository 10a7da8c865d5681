//! `@depth` (1000 ms) events: ten consecutive 100 ms diff batches merged
//! into one (`U` of the first, `u` of the last, last quantity per price).

use crate::domain::DepthUpdate;
use crate::fixed::Fx;

/// Batches per `@depth` event.
pub const BATCHES_PER_SECOND: u32 = 10;

fn merge_levels(into: &mut Vec<(Fx, Fx)>, from: &[(Fx, Fx)]) {
    for &(p, q) in from {
        match into.iter_mut().find(|l| l.0 == p) {
            Some(l) => l.1 = q,
            None => into.push((p, q)),
        }
    }
}

/// Accumulates batches; boundaries count every batch so they do not depend
/// on who is subscribed, while merging only happens when `keep` is set.
#[derive(Debug, Default)]
pub struct SecondAggregator {
    acc: Option<DepthUpdate>,
    n: u32,
}

impl SecondAggregator {
    /// Adds a batch; returns the aggregate once ten have been seen.
    pub fn push(&mut self, d: &DepthUpdate, keep: bool) -> Option<DepthUpdate> {
        if keep {
            match &mut self.acc {
                Some(acc) => {
                    acc.final_id = d.final_id;
                    acc.event_time = d.event_time;
                    merge_levels(&mut acc.bids, &d.bids);
                    merge_levels(&mut acc.asks, &d.asks);
                }
                None => self.acc = Some(d.clone()),
            }
        }
        self.n += 1;
        if self.n >= BATCHES_PER_SECOND {
            self.flush()
        } else {
            None
        }
    }

    /// The partial aggregate, if any; starts a new second.
    pub fn flush(&mut self) -> Option<DepthUpdate> {
        self.n = 0;
        self.acc.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(u0: u64, u1: u64, bid: (i64, i64)) -> DepthUpdate {
        DepthUpdate {
            first_id: u0,
            final_id: u1,
            bids: vec![(Fx(bid.0), Fx(bid.1))],
            ..DepthUpdate::default()
        }
    }

    #[test]
    fn ten_batches_make_one_event_with_the_last_quantities() {
        let mut a = SecondAggregator::default();
        for i in 0..9u64 {
            assert!(a
                .push(
                    &d(i * 10 + 1, i * 10 + 10, (100 + (i % 2) as i64, i as i64)),
                    true
                )
                .is_none());
        }
        let out = a.push(&d(91, 100, (100, 0)), true).unwrap();
        assert_eq!((out.first_id, out.final_id), (1, 100));
        assert_eq!(out.bids, vec![(Fx(100), Fx(0)), (Fx(101), Fx(7))]);
        assert!(a.flush().is_none());
        // Unobserved batches still count toward the boundary.
        a.push(&d(101, 110, (1, 1)), false);
        assert!(a.push(&d(111, 120, (1, 2)), true).is_none());
        assert_eq!(a.flush().unwrap().first_id, 111);
    }
}
