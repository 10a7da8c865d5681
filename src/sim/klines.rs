//! Candles: bucket arithmetic, the full Binance kline record, and the live
//! candles built from the simulator's own trades on top of the embedded
//! history (see `history.rs` for where the history comes from).

use super::history::HistoryStore;
use crate::domain::{Interval, Kline, Side};
use crate::fixed::{Fx, ONE};
use std::collections::VecDeque;
use std::sync::Arc;

/// Closed live candles kept per interval (REST `limit` is at most 1000).
const LIVE_CAP: usize = 2000;

/// A kline with every field Binance sends (REST array and stream `k`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candle {
    pub open_time: i64,
    pub close_time: i64,
    pub open: Fx,
    pub high: Fx,
    pub low: Fx,
    pub close: Fx,
    pub volume: Fx,
    /// Quote amounts in units of 1e-8, wide because a month of BTCUSDT
    /// (2.3e11 USDT in 2023-03) does not fit `Fx`.
    pub quote_volume: i128,
    pub taker_base: Fx,
    pub taker_quote: i128,
    pub trades: u64,
    /// First and last trade id in the candle, -1 when none (as Binance).
    pub first_trade: i64,
    pub last_trade: i64,
}

/// `price * qty` truncated to 8 decimals (quote amounts).
pub fn mul(a: Fx, b: Fx) -> Fx {
    Fx((a.0 as i128 * b.0 as i128 / ONE as i128) as i64)
}

/// `a / b` truncated to 8 decimals; zero when `b` is zero.
pub fn div(a: Fx, b: Fx) -> Fx {
    if b.0 == 0 {
        return Fx::ZERO;
    }
    Fx((a.0 as i128 * ONE as i128 / b.0 as i128) as i64)
}

impl Candle {
    /// A candle with no trades yet, showing `price` flat (Binance shows the
    /// previous close until the first trade).
    pub fn empty(open_time: i64, close_time: i64, price: Fx) -> Candle {
        Candle {
            open_time,
            close_time,
            open: price,
            high: price,
            low: price,
            close: price,
            volume: Fx::ZERO,
            quote_volume: 0,
            taker_base: Fx::ZERO,
            taker_quote: 0,
            trades: 0,
            first_trade: -1,
            last_trade: -1,
        }
    }

    fn is_untraded(&self) -> bool {
        self.trades == 0 && self.volume.is_zero()
    }

    /// Folds a later candle of the same bucket into this one.
    pub fn merge(&mut self, later: &Candle) {
        if self.is_untraded() {
            self.open = later.open;
            self.high = later.high;
            self.low = later.low;
        } else {
            self.high = self.high.max(later.high);
            self.low = self.low.min(later.low);
        }
        self.close = later.close;
        self.volume.0 += later.volume.0;
        self.quote_volume += later.quote_volume;
        self.taker_base.0 += later.taker_base.0;
        self.taker_quote += later.taker_quote;
        self.trades += later.trades;
        if self.first_trade < 0 {
            self.first_trade = later.first_trade;
        }
        if later.last_trade >= 0 {
            self.last_trade = later.last_trade;
        }
    }

    pub fn add_trade(&mut self, price: Fx, qty: Fx, aggressor: Side, id: u64) {
        if self.is_untraded() {
            self.open = price;
            self.high = price;
            self.low = price;
        } else {
            self.high = self.high.max(price);
            self.low = self.low.min(price);
        }
        self.close = price;
        let quote = mul(price, qty).0 as i128;
        self.volume.0 += qty.0;
        self.quote_volume += quote;
        if aggressor == Side::Buy {
            self.taker_base.0 += qty.0;
            self.taker_quote += quote;
        }
        self.trades += 1;
        if self.first_trade < 0 {
            self.first_trade = id as i64;
        }
        self.last_trade = id as i64;
    }

    pub fn to_kline(&self, closed: bool) -> Kline {
        Kline {
            open_time: self.open_time,
            close_time: self.close_time,
            open: self.open,
            high: self.high,
            low: self.low,
            close: self.close,
            volume: self.volume.to_decimal(),
            quote_volume: rust_decimal::Decimal::from_i128_with_scale(
                self.quote_volume,
                crate::fixed::SCALE,
            )
            .normalize(),
            trades: self.trades,
            closed,
        }
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date `(year, month, day)` of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

const DAY: i64 = 86_400_000;
/// 1970-01-05, the first Monday: Binance weeks start on Monday.
const FIRST_MONDAY: i64 = 4 * DAY;

/// Open time of the bucket of `interval` containing `t` (UTC; weeks start
/// Monday, months are calendar months).
pub fn bucket_start(interval: Interval, t: i64) -> i64 {
    match interval {
        Interval::Mo1 => {
            let (y, m, _) = civil_from_days(t.div_euclid(DAY));
            days_from_civil(y, m, 1) * DAY
        }
        Interval::W1 => {
            let w = 7 * DAY;
            (t - FIRST_MONDAY).div_euclid(w) * w + FIRST_MONDAY
        }
        i => t - t.rem_euclid(i.millis()),
    }
}

/// Close time (last millisecond) of the bucket opening at `start`.
pub fn bucket_end(interval: Interval, start: i64) -> i64 {
    match interval {
        Interval::Mo1 => {
            let (y, m, _) = civil_from_days(start.div_euclid(DAY));
            let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            days_from_civil(y, m, 1) * DAY - 1
        }
        i => start + i.millis() - 1,
    }
}

/// Aggregates time-ordered candles of a finer interval into `interval`.
pub fn aggregate(interval: Interval, bars: &[Candle]) -> Vec<Candle> {
    let mut out: Vec<Candle> = Vec::new();
    for b in bars {
        let start = bucket_start(interval, b.open_time);
        match out.last_mut() {
            Some(c) if c.open_time == start => c.merge(b),
            _ => {
                let mut c = b.clone();
                c.open_time = start;
                c.close_time = bucket_end(interval, start);
                out.push(c);
            }
        }
    }
    out
}

fn idx(i: Interval) -> usize {
    Interval::ALL.iter().position(|x| *x == i).unwrap_or(0)
}

/// A candle that just closed or changed, for the kline streams.
#[derive(Clone, Debug)]
pub struct KlineUpdate {
    pub interval: Interval,
    pub candle: Candle,
    pub closed: bool,
}

/// Live candles of one symbol for every interval, continuing the history.
#[derive(Debug)]
pub struct KlineBook {
    history: Arc<HistoryStore>,
    live: Vec<VecDeque<Candle>>,
    current: Vec<Candle>,
}

impl KlineBook {
    /// Starts every interval's current candle at `start_epoch` (ms), folding
    /// in the history bars that already fall inside its bucket.
    pub fn new(history: Arc<HistoryStore>, start_epoch: i64, price: Fx) -> KlineBook {
        let current = Interval::ALL
            .iter()
            .map(|&i| {
                let open = bucket_start(i, start_epoch);
                let mut c = Candle::empty(open, bucket_end(i, open), price);
                for bar in history.in_current_bucket(i) {
                    c.merge(&bar);
                }
                c
            })
            .collect();
        KlineBook {
            history,
            live: Interval::ALL.iter().map(|_| VecDeque::new()).collect(),
            current,
        }
    }

    pub fn history(&self) -> &Arc<HistoryStore> {
        &self.history
    }

    /// Closes every candle whose bucket ended before `t`, pushing the closed
    /// ones to `out` (x = true on the stream).
    pub fn roll(&mut self, t: i64, out: &mut Vec<KlineUpdate>) {
        for (n, &i) in Interval::ALL.iter().enumerate() {
            let cur = &mut self.current[n];
            if t <= cur.close_time {
                continue;
            }
            let open = bucket_start(i, t);
            let next = Candle::empty(open, bucket_end(i, open), cur.close);
            let done = std::mem::replace(cur, next);
            out.push(KlineUpdate {
                interval: i,
                candle: done.clone(),
                closed: true,
            });
            let ring = &mut self.live[n];
            if ring.len() == LIVE_CAP {
                ring.pop_front();
            }
            ring.push_back(done);
        }
    }

    pub fn add_trade(&mut self, price: Fx, qty: Fx, aggressor: Side, id: u64) {
        for c in &mut self.current {
            c.add_trade(price, qty, aggressor, id);
        }
    }

    pub fn current(&self, i: Interval) -> &Candle {
        &self.current[idx(i)]
    }

    /// Closed candles since the start plus the open one, oldest first.
    pub fn live(&self, i: Interval) -> Vec<Candle> {
        let n = idx(i);
        let mut v: Vec<Candle> = self.live[n].iter().cloned().collect();
        v.push(self.current[n].clone());
        v
    }
}

/// REST `klines` selection over history + live candles (both oldest first):
/// with `start` the first `limit` from there, else the last `limit` up to
/// `end`.
pub fn select(
    history: &[Candle],
    live: &[Candle],
    start: Option<i64>,
    end: Option<i64>,
    limit: usize,
) -> Vec<Candle> {
    let lo = start.unwrap_or(i64::MIN);
    let hi = end.unwrap_or(i64::MAX);
    let in_range = |c: &&Candle| c.open_time >= lo && c.open_time <= hi;
    let h0 = history.partition_point(|c| c.open_time < lo);
    let h1 = history.partition_point(|c| c.open_time <= hi);
    let hist = &history[h0..h1.max(h0)];
    if start.is_some() {
        hist.iter()
            .chain(live.iter().filter(in_range))
            .take(limit)
            .cloned()
            .collect()
    } else {
        let tail: Vec<&Candle> = live.iter().filter(in_range).collect();
        let need = limit.saturating_sub(tail.len());
        let skip_tail = tail.len().saturating_sub(limit);
        hist[hist.len().saturating_sub(need)..]
            .iter()
            .chain(tail.into_iter().skip(skip_tail))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(s: &str) -> Fx {
        Fx::parse(s).unwrap()
    }

    fn bar(t: i64, o: &str, h: &str, l: &str, c: &str, v: &str) -> Candle {
        Candle {
            open_time: t,
            close_time: t + 59_999,
            open: fx(o),
            high: fx(h),
            low: fx(l),
            close: fx(c),
            volume: fx(v),
            quote_volume: 0,
            taker_base: Fx::ZERO,
            taker_quote: 0,
            trades: 1,
            first_trade: -1,
            last_trade: -1,
        }
    }

    #[test]
    fn civil_round_trip_and_buckets() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 8, 8), 19_943);
        for z in [-1000, 0, 19_943, 20_000, 30_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        let t = days_from_civil(2024, 8, 8) * DAY + 23 * 3_600_000 + 54 * 60_000 + 15_123;
        assert_eq!(bucket_start(Interval::H1, t), t - 54 * 60_000 - 15_123);
        assert_eq!(
            bucket_start(Interval::D1, t),
            days_from_civil(2024, 8, 8) * DAY
        );
        // 2024-08-05 was a Monday.
        assert_eq!(
            bucket_start(Interval::W1, t),
            days_from_civil(2024, 8, 5) * DAY
        );
        assert_eq!(
            bucket_start(Interval::Mo1, t),
            days_from_civil(2024, 8, 1) * DAY
        );
        assert_eq!(
            bucket_end(Interval::Mo1, days_from_civil(2024, 12, 1) * DAY),
            days_from_civil(2025, 1, 1) * DAY - 1
        );
        assert_eq!(bucket_end(Interval::M1, 0), 59_999);
    }

    #[test]
    fn aggregation_folds_ohlcv() {
        let bars = [
            bar(0, "10", "12", "9", "11", "1"),
            bar(60_000, "11", "15", "10", "14", "2"),
            bar(120_000, "14", "14", "8", "9", "3"),
            bar(180_000, "9", "10", "9", "10", "4"),
        ];
        let out = aggregate(Interval::M3, &bars);
        assert_eq!(out.len(), 2);
        let a = &out[0];
        assert_eq!(
            (a.open, a.high, a.low, a.close),
            (fx("10"), fx("15"), fx("8"), fx("9"))
        );
        assert_eq!(a.volume, fx("6"));
        assert_eq!(a.trades, 3);
        assert_eq!((a.open_time, a.close_time), (0, 179_999));
        assert_eq!(out[1].open_time, 180_000);
        assert_eq!(out[1].volume, fx("4"));
    }

    #[test]
    fn trades_open_an_empty_candle_at_their_price() {
        let mut c = Candle::empty(0, 999, fx("100"));
        c.add_trade(fx("101"), fx("2"), Side::Buy, 7);
        c.add_trade(fx("99.5"), fx("1"), Side::Sell, 8);
        assert_eq!(
            (c.open, c.high, c.low, c.close),
            (fx("101"), fx("101"), fx("99.5"), fx("99.5"))
        );
        assert_eq!(c.quote_volume, fx("301.5").0 as i128);
        assert_eq!(c.taker_base, fx("2"));
        assert_eq!((c.first_trade, c.last_trade, c.trades), (7, 8, 2));
    }

    #[test]
    fn select_takes_from_start_or_the_tail() {
        let h: Vec<Candle> = (0..5)
            .map(|i| bar(i * 60_000, "1", "1", "1", "1", "1"))
            .collect();
        let l: Vec<Candle> = (5..8)
            .map(|i| bar(i * 60_000, "1", "1", "1", "1", "1"))
            .collect();
        let times = |v: Vec<Candle>| v.iter().map(|c| c.open_time / 60_000).collect::<Vec<_>>();
        assert_eq!(times(select(&h, &l, None, None, 4)), vec![4, 5, 6, 7]);
        assert_eq!(times(select(&h, &l, None, None, 2)), vec![6, 7]);
        assert_eq!(times(select(&h, &l, Some(60_000), None, 3)), vec![1, 2, 3]);
        assert_eq!(
            times(select(&h, &l, Some(240_000), Some(360_000), 10)),
            vec![4, 5, 6]
        );
        assert_eq!(times(select(&h, &l, None, Some(120_000), 2)), vec![1, 2]);
    }
}
