//! 24h rolling statistics and the 5-minute average price, computed from
//! candles (history + live) and the last trade. Windows are candle-granular
//! (1h for the 24h ticker, 1m for avgPrice), which is close enough for a
//! simulator and keeps every tick cheap.

use super::klines::{div, Candle};
use crate::fixed::{Fx, ONE};

/// 24h rolling statistics in Binance's FULL shape.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats24h {
    pub symbol: String,
    pub change: Fx,
    /// Percent with 3 decimals, as Binance sends it.
    pub change_pct: Fx,
    pub weighted_avg: Fx,
    pub prev_close: Fx,
    pub last: Fx,
    pub last_qty: Fx,
    pub bid: (Fx, Fx),
    pub ask: (Fx, Fx),
    pub open: Fx,
    pub high: Fx,
    pub low: Fx,
    pub volume: Fx,
    pub quote_volume: Fx,
    pub open_time: i64,
    pub close_time: i64,
    pub first_id: i64,
    pub last_id: i64,
    pub count: u64,
}

/// The most recent trade of a symbol.
#[derive(Clone, Copy, Debug)]
pub struct LastTrade {
    pub price: Fx,
    pub qty: Fx,
    pub id: u64,
}

fn window<'a>(
    hist: &'a [Candle],
    live: &'a [Candle],
    from: i64,
) -> (Option<&'a Candle>, impl Iterator<Item = &'a Candle>) {
    let h0 = hist.partition_point(|c| c.close_time <= from);
    let prev = h0.checked_sub(1).and_then(|i| hist.get(i));
    (
        prev,
        hist[h0..]
            .iter()
            .chain(live.iter().filter(move |c| c.close_time > from)),
    )
}

/// Binance's 24hr ticker at epoch ms `now` over hourly candles.
pub fn rolling_24h(
    symbol: &str,
    now: i64,
    hist: &[Candle],
    live: &[Candle],
    last: LastTrade,
    top: ((Fx, Fx), (Fx, Fx)),
) -> Stats24h {
    let from = now - 86_400_000;
    let mut s = Stats24h {
        symbol: symbol.to_string(),
        last: last.price,
        last_qty: last.qty,
        bid: top.0,
        ask: top.1,
        open_time: from,
        close_time: now,
        last_id: last.id as i64,
        ..Stats24h::default()
    };
    let (prev, mut candles) = window(hist, live, from);
    let mut quote: i128 = 0;
    if let Some(first) = candles.next() {
        s.open = first.open;
        s.prev_close = prev.map_or(first.open, |c| c.close);
        s.high = first.high;
        s.low = first.low;
        for c in std::iter::once(first).chain(candles) {
            s.high = s.high.max(c.high);
            s.low = s.low.min(c.low);
            s.volume.0 += c.volume.0;
            quote += c.quote_volume;
            s.count += c.trades;
        }
    }
    s.high = s.high.max(s.last);
    s.low = if s.low.is_zero() {
        s.last
    } else {
        s.low.min(s.last)
    };
    s.change = Fx(s.last.0 - s.open.0);
    // Percent, truncated to Binance's 3 decimals.
    let pct = div(s.change, s.open).0 * 100;
    s.change_pct = Fx(pct / 100_000 * 100_000);
    // A day of quote volume fits `Fx` (about 1e10 USDT at most).
    s.quote_volume = Fx(i64::try_from(quote).unwrap_or(i64::MAX));
    s.weighted_avg = wdiv(quote, s.volume);
    s.first_id = if s.count == 0 {
        -1
    } else {
        (s.last_id - s.count as i64 + 1).max(0)
    };
    s
}

/// A wide quote amount divided by a quantity, as a price.
fn wdiv(quote: i128, qty: Fx) -> Fx {
    if qty.0 == 0 {
        return Fx::ZERO;
    }
    Fx((quote * ONE as i128 / qty.0 as i128) as i64)
}

/// Volume-weighted price of the minute candles of the last 5 minutes
/// (`fallback`, the last price, when nothing traded).
pub fn vwap_5m(now: i64, hist: &[Candle], live: &[Candle], fallback: Fx) -> Fx {
    let (_, candles) = window(hist, live, now - 5 * 60_000);
    let (v, q) = candles.fold((0i64, 0i128), |(v, q), c| {
        (v + c.volume.0, q + c.quote_volume)
    });
    if v == 0 {
        fallback
    } else {
        wdiv(q, Fx(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(hour: i64, o: &str, h: &str, l: &str, cl: &str, v: &str, q: &str) -> Candle {
        let f = |s: &str| Fx::parse(s).unwrap();
        let mut k = Candle::empty(hour * 3_600_000, hour * 3_600_000 + 3_599_999, f(o));
        k.open = f(o);
        k.high = f(h);
        k.low = f(l);
        k.close = f(cl);
        k.volume = f(v);
        k.quote_volume = f(q).0 as i128;
        k.trades = 10;
        k
    }

    #[test]
    fn rolling_window_over_history_and_live() {
        let hist: Vec<Candle> = (0..30)
            .map(|i| c(i, "100", "110", "90", "101", "1", "100"))
            .collect();
        let live = vec![c(30, "101", "120", "100", "118", "2", "220")];
        let now = 30 * 3_600_000 + 60_000;
        let last = LastTrade {
            price: Fx::parse("118").unwrap(),
            qty: Fx::parse("0.5").unwrap(),
            id: 1000,
        };
        let s = rolling_24h("X", now, &hist, &live, last, Default::default());
        // Candles closing after now-24h: hours 6..29 of history plus the live one.
        assert_eq!(s.count, 25 * 10);
        assert_eq!(s.volume.to_string(), "26");
        assert_eq!(
            (s.open.to_string(), s.prev_close.to_string()),
            ("100".into(), "101".into())
        );
        assert_eq!(
            (s.high.to_string(), s.low.to_string()),
            ("120".into(), "90".into())
        );
        assert_eq!(
            (s.change.to_string(), s.change_pct.to_string()),
            ("18".into(), "18".into())
        );
        assert_eq!((s.first_id, s.last_id), (751, 1000));
        assert_eq!(s.weighted_avg.to_string(), "100.76923076", "2620 / 26");
        let minute = |m: i64, v: &str, q: &str| {
            let mut k = c(0, "1", "1", "1", "1", v, q);
            k.open_time = m * 60_000;
            k.close_time = m * 60_000 + 59_999;
            k
        };
        let mins: Vec<Candle> = (0..10).map(|m| minute(m, "1", "10")).collect();
        assert_eq!(vwap_5m(10 * 60_000, &mins, &[], Fx::ZERO).to_string(), "10");
        assert_eq!(
            vwap_5m(100 * 60_000, &mins, &[], Fx(7)),
            Fx(7),
            "nothing traded"
        );
    }
}
