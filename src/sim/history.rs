//! Kline history behind the live candles, derived from the embedded files:
//!
//! * intervals of 1h and more: the real 1h bars of the symbol up to the hour
//!   in which the capture starts (2024-08-08 23:00 UTC), so history and the
//!   replayed book are at the same price level; longer intervals are
//!   aggregated from them. The files carry no trade count, quote volume or
//!   taker volume: quote volume is `volume * (o+h+l+c)/4`, the trade count
//!   `volume / mean trade size of the capture`, taker buy volume half.
//! * 1m..30m: the real BTCUSDT 1m bars of December 2024 (the only minute
//!   file), with prices scaled so the last close equals the capture's
//!   starting mid price (rounded to the symbol's tick), volumes scaled
//!   inversely (rounded to its step) and quote volume and trades kept;
//!   ETHUSDT reuses the same minute shape at its own price level.
//! * 1s: the last 17 scaled minutes, each split into 60 one-second bars
//!   along the path open -> low -> high -> close (or open -> high -> low ->
//!   close for a falling minute).
//!
//! Each series is re-stamped (shifted by whole base intervals) so that its
//! last bar ends where the live candle of the sim's start begins.

use super::data;
use super::klines::{aggregate, bucket_start, days_from_civil, mul, Candle};
use super::replay;
use crate::domain::Interval;
use crate::fixed::Fx;
use std::sync::OnceLock;

const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;
/// Minutes split into one-second bars (1000 bars = REST's max limit).
const SPLIT_MINUTES: usize = 17;

/// The unshifted base series of one symbol.
#[derive(Debug)]
pub struct Base {
    pub hours: Vec<Candle>,
    pub minutes: Vec<Candle>,
    pub seconds: Vec<Candle>,
}

/// The base series for `symbol`, built once per process.
pub fn base(symbol: &str) -> Result<&'static Base, String> {
    static BTC: OnceLock<Result<Base, String>> = OnceLock::new();
    static ETH: OnceLock<Result<Base, String>> = OnceLock::new();
    let cell = match symbol {
        "BTCUSDT" => &BTC,
        "ETHUSDT" => &ETH,
        _ => return Err(format!("no kline history for {symbol}")),
    };
    cell.get_or_init(|| build(symbol))
        .as_ref()
        .map_err(Clone::clone)
}

fn build(symbol: &str) -> Result<Base, String> {
    let spec = data::spec(symbol).ok_or("unknown symbol")?;
    let (tick, step) = (spec.info.tick_size, spec.info.step_size);
    let cap = replay::capture(symbol)?;
    let mid = match (cap.snapshot.bids.first(), cap.snapshot.asks.first()) {
        (Some(b), Some(a)) => (b.0.to_f64() + a.0.to_f64()) / 2.0,
        _ => return Err("empty capture snapshot".into()),
    };
    let cut = bucket_start(Interval::H1, cap.recorded_at_ms);
    let hourly = data::gunzip(data::hourly_bytes(symbol).ok_or("no hourly file")?)?;
    let mut hours = parse_hourly(&hourly, cap.mean_trade_qty, step)?;
    hours.retain(|c| c.open_time + HOUR <= cut);
    let minute_text = data::gunzip(data::BTC_1M)?;
    let raw = parse_minutes(&minute_text)?;
    let last = raw.last().ok_or("empty minute file")?.close.to_f64();
    let factor = mid / last;
    let minutes: Vec<Candle> = raw.iter().map(|c| scale(c, factor, tick, step)).collect();
    let seconds = minutes[minutes.len().saturating_sub(SPLIT_MINUTES)..]
        .iter()
        .flat_map(|m| split_minute(m, tick, step))
        .collect();
    Ok(Base {
        hours,
        minutes,
        seconds,
    })
}

fn round_to(v: f64, unit: Fx) -> Fx {
    let u = unit.0.max(1);
    Fx(((v * 1e8) / u as f64).round() as i64 * u)
}

fn floor_to(v: Fx, unit: Fx) -> Fx {
    let u = unit.0.max(1);
    Fx(v.0 - v.0.rem_euclid(u))
}

/// `"2024-12-01 00:00:59.999000+01:00"` or `"2022-01-01 00:00:00"` -> ms UTC.
fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let days = days_from_civil(num(0..4)?, num(5..7)? as u32, num(8..10)? as u32);
    let mut ms =
        days * 86_400_000 + num(11..13)? * HOUR + num(14..16)? * MINUTE + num(17..19)? * 1000;
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let end = frac.find(['+', '-']).unwrap_or(frac.len());
        let digits = &frac[..end.min(3)];
        ms += digits.parse::<i64>().ok()? * 10i64.pow(3 - digits.len() as u32);
        rest = &frac[end..];
    }
    if rest.len() >= 6 {
        let sign = if rest.starts_with('-') { -1 } else { 1 };
        ms -= sign
            * (rest[1..3].parse::<i64>().ok()? * HOUR + rest[4..6].parse::<i64>().ok()? * MINUTE);
    }
    Some(ms)
}

fn fx(s: &str, line: usize) -> Result<Fx, String> {
    Fx::parse(s).map_err(|e| format!("line {line}: {e}"))
}

fn parse_hourly(text: &str, mean_qty: f64, step: Fx) -> Result<Vec<Candle>, String> {
    let mut out = Vec::with_capacity(35_000);
    for (n, line) in text.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() < 6 {
            continue;
        }
        let t = parse_time(f[0]).ok_or_else(|| format!("line {}: bad time", n + 1))?;
        let (o, h, l, c, v) = (
            fx(f[1], n)?,
            fx(f[2], n)?,
            fx(f[3], n)?,
            fx(f[4], n)?,
            fx(f[5], n)?,
        );
        let typical = Fx((o.0 + h.0 + l.0 + c.0) / 4);
        let quote = mul(v, typical);
        let trades = (v.to_f64() / mean_qty.max(1e-8)).round() as u64;
        out.push(Candle {
            open_time: t,
            close_time: t + HOUR - 1,
            open: o,
            high: h,
            low: l,
            close: c,
            volume: v,
            quote_volume: quote.0 as i128,
            taker_base: floor_to(Fx(v.0 / 2), step),
            taker_quote: quote.0 as i128 / 2,
            trades: if v.is_zero() { 0 } else { trades.max(1) },
            first_trade: -1,
            last_trade: -1,
        });
    }
    Ok(out)
}

fn parse_minutes(text: &str) -> Result<Vec<Candle>, String> {
    let mut out = Vec::with_capacity(42_000);
    for (n, line) in text.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() < 8 {
            continue;
        }
        let close_t = parse_time(f[7]).ok_or_else(|| format!("line {}: bad time", n + 1))?;
        let t = bucket_start(Interval::M1, close_t);
        let (v, q) = (fx(f[4], n)?, fx(f[5], n)?);
        out.push(Candle {
            open_time: t,
            close_time: t + MINUTE - 1,
            open: fx(f[0], n)?,
            high: fx(f[1], n)?,
            low: fx(f[2], n)?,
            close: fx(f[3], n)?,
            volume: v,
            quote_volume: q.0 as i128,
            taker_base: Fx(v.0 / 2),
            taker_quote: q.0 as i128 / 2,
            trades: f[6]
                .parse()
                .map_err(|_| format!("line {}: bad trades", n + 1))?,
            first_trade: -1,
            last_trade: -1,
        });
    }
    Ok(out)
}

fn scale(c: &Candle, factor: f64, tick: Fx, step: Fx) -> Candle {
    let p = |x: Fx| round_to(x.to_f64() * factor, tick);
    let volume = round_to(c.volume.to_f64() / factor, step);
    Candle {
        open: p(c.open),
        high: p(c.high),
        low: p(c.low),
        close: p(c.close),
        volume,
        taker_base: floor_to(Fx(volume.0 / 2), step),
        ..c.clone()
    }
}

fn split_minute(m: &Candle, tick: Fx, step: Fx) -> Vec<Candle> {
    let (o, h, l, c) = (
        m.open.to_f64(),
        m.high.to_f64(),
        m.low.to_f64(),
        m.close.to_f64(),
    );
    let knots = if c >= o { [o, l, h, c] } else { [o, h, l, c] };
    let at = |s: usize| {
        let seg = (s / 20).min(2);
        let frac = (s - seg * 20) as f64 / 20.0;
        round_to(knots[seg] + (knots[seg + 1] - knots[seg]) * frac, tick)
    };
    let steps = m.volume.0 / step.0.max(1);
    let share = |total: i64, s: i64| total / 60 + i64::from(s < total % 60);
    (0..60usize)
        .map(|s| {
            let (po, pc) = (at(s), at(s + 1));
            let volume = Fx(share(steps, s as i64) * step.0);
            let quote = mul(volume, Fx((po.0 + pc.0) / 2));
            let t = m.open_time + s as i64 * 1000;
            Candle {
                open_time: t,
                close_time: t + 999,
                open: po,
                high: po.max(pc),
                low: po.min(pc),
                close: pc,
                volume,
                quote_volume: quote.0 as i128,
                taker_base: floor_to(Fx(volume.0 / 2), step),
                taker_quote: quote.0 as i128 / 2,
                trades: share(m.trades as i64, s as i64) as u64,
                first_trade: -1,
                last_trade: -1,
            }
        })
        .collect()
}

/// The history of one symbol re-stamped for one simulator run.
#[derive(Debug)]
pub struct HistoryStore {
    base: &'static Base,
    start_epoch: i64,
    /// Shifts (ms) for the hour, minute and second series.
    shifts: [i64; 3],
    closed: Vec<OnceLock<Vec<Candle>>>,
}

fn series(i: Interval) -> usize {
    match i {
        Interval::S1 => 2,
        Interval::M1 | Interval::M3 | Interval::M5 | Interval::M15 | Interval::M30 => 1,
        _ => 0,
    }
}

impl HistoryStore {
    pub fn new(symbol: &str, start_epoch: i64) -> Result<HistoryStore, String> {
        let base = base(symbol)?;
        let end_of = |v: &[Candle], i: Interval| -> Result<i64, String> {
            let last = v.last().ok_or("empty history series")?;
            Ok(bucket_start(i, start_epoch) - (last.close_time + 1))
        };
        Ok(HistoryStore {
            base,
            start_epoch,
            shifts: [
                end_of(&base.hours, Interval::H1)?,
                end_of(&base.minutes, Interval::M1)?,
                end_of(&base.seconds, Interval::S1)?,
            ],
            closed: Interval::ALL.iter().map(|_| OnceLock::new()).collect(),
        })
    }

    fn shifted(&self, i: Interval) -> impl DoubleEndedIterator<Item = Candle> + '_ {
        let s = series(i);
        let v = match s {
            0 => &self.base.hours,
            1 => &self.base.minutes,
            _ => &self.base.seconds,
        };
        let shift = self.shifts[s];
        v.iter().map(move |c| Candle {
            open_time: c.open_time + shift,
            close_time: c.close_time + shift,
            ..c.clone()
        })
    }

    /// Base bars inside the bucket of `i` that contains the start (they
    /// begin the live candle), oldest first.
    pub fn in_current_bucket(&self, i: Interval) -> Vec<Candle> {
        let open = bucket_start(i, self.start_epoch);
        let mut v: Vec<Candle> = self
            .shifted(i)
            .rev()
            .take_while(|c| c.open_time >= open)
            .collect();
        v.reverse();
        v
    }

    /// Closed history candles of `i`, oldest first (aggregated on first use).
    pub fn closed(&self, i: Interval) -> &[Candle] {
        let n = Interval::ALL.iter().position(|x| *x == i).unwrap_or(0);
        self.closed[n].get_or_init(|| {
            let open = bucket_start(i, self.start_epoch);
            let bars: Vec<Candle> = self.shifted(i).collect();
            let mut v = aggregate(i, &bars);
            v.retain(|c| c.open_time < open);
            v
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_time_formats() {
        let t = parse_time("2024-12-01 00:00:59.999000+01:00").unwrap();
        assert_eq!(
            t,
            days_from_civil(2024, 11, 30) * 86_400_000 + 23 * HOUR + 59_999
        );
        assert_eq!(
            parse_time("2022-01-01 00:00:00").unwrap(),
            days_from_civil(2022, 1, 1) * 86_400_000
        );
    }

    #[test]
    fn history_matches_the_capture_and_is_on_the_grid() {
        let b = base("BTCUSDT").unwrap();
        let last = b.hours.last().unwrap();
        // 2024-08-08 22:00 UTC, the last full hour before the capture.
        assert_eq!(
            last.open_time,
            days_from_civil(2024, 8, 8) * 86_400_000 + 22 * HOUR
        );
        assert_eq!(last.close.to_string(), "62332");
        let tick = Fx::parse("0.01").unwrap();
        let step = Fx::parse("0.00001").unwrap();
        for c in b.minutes.iter().chain(&b.seconds) {
            assert!(c.low <= c.open.min(c.close) && c.open.max(c.close) <= c.high);
            assert_eq!(c.open.0 % tick.0, 0);
            assert_eq!(c.volume.0 % step.0, 0);
        }
        let end = b.minutes.last().unwrap().close.to_f64();
        assert!((end - 61_837.6).abs() < 1.0, "scaled to the capture: {end}");
        assert_eq!(b.seconds.len(), SPLIT_MINUTES * 60);
        assert_eq!(
            b.seconds.last().unwrap().close,
            b.minutes.last().unwrap().close
        );
    }

    #[test]
    fn restamped_history_ends_where_the_live_candle_begins() {
        let start = days_from_civil(2026, 11, 22) * 86_400_000 + 5 * HOUR + 17 * MINUTE + 3_250;
        let h = HistoryStore::new("ETHUSDT", start).unwrap();
        for i in Interval::ALL {
            let closed = h.closed(i);
            let last = closed.last().unwrap();
            assert_eq!(last.close_time + 1, bucket_start(i, start), "{i}");
            assert!(closed.windows(2).all(|w| w[0].open_time < w[1].open_time));
        }
        assert_eq!(h.in_current_bucket(Interval::H1).len(), 0);
        assert_eq!(h.in_current_bucket(Interval::D1).len(), 5);
        assert_eq!(h.in_current_bucket(Interval::M15).len(), 2);
    }
}
