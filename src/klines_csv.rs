//! Reading kline (OHLCV) files: plain or gzip, with the layout detected from
//! the header: named columns (`timestamp,open,high,low,close,volume`,
//! `open,...,close_datetime`, ...) or Binance's public-data CSV (12 columns,
//! no header, open time in milliseconds or, from 2025, microseconds).

use crate::indicators::Bar;
use chrono::{DateTime, NaiveDateTime};
use std::io::Read;
use std::path::Path;

/// One kline as read: the bar (f64, for indicators) and the close exactly
/// as written in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct KlineRow {
    pub bar: Bar,
    pub close_text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KlineFileError {
    #[error("cannot read {path}: {err}")]
    Io { path: String, err: std::io::Error },
    #[error("{path} line {line}: {why}")]
    Bad {
        path: String,
        line: usize,
        why: String,
    },
    #[error("{path}: {why}")]
    Layout { path: String, why: String },
}

/// Where each field is, and how the time column is to be read.
struct Layout {
    time: usize,
    /// The time column is the bar's close time (open = close + 1 ms - interval).
    time_is_close: bool,
    open: usize,
    high: usize,
    low: usize,
    close: usize,
    volume: usize,
    has_header: bool,
}

fn detect(first: &str) -> Result<Layout, String> {
    let cols: Vec<String> = first
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let is_number = cols.first().is_some_and(|c| c.parse::<f64>().is_ok());
    if is_number {
        if cols.len() < 6 {
            return Err(format!(
                "{} columns without a header; expected Binance's 12-column kline CSV",
                cols.len()
            ));
        }
        return Ok(Layout {
            time: 0,
            time_is_close: false,
            open: 1,
            high: 2,
            low: 3,
            close: 4,
            volume: 5,
            has_header: false,
        });
    }
    let find = |names: &[&str]| cols.iter().position(|c| names.contains(&c.as_str()));
    let need = |names: &[&str]| {
        find(names).ok_or_else(|| format!("no {} column in header {first:?}", names[0]))
    };
    let (time, time_is_close) = match find(&[
        "open_time",
        "timestamp",
        "time",
        "date",
        "datetime",
        "open_datetime",
    ]) {
        Some(i) => (i, false),
        None => (need(&["close_datetime", "close_time"])?, true),
    };
    Ok(Layout {
        time,
        time_is_close,
        open: need(&["open"])?,
        high: need(&["high"])?,
        low: need(&["low"])?,
        close: need(&["close"])?,
        volume: need(&["volume"])?,
        has_header: true,
    })
}

/// Milliseconds since the epoch from an integer (s, ms or µs) or a date
/// time with or without an offset (naive means UTC).
fn parse_time(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if let Ok(v) = s.parse::<i64>() {
        return Ok(match v {
            v if v >= 100_000_000_000_000 => v / 1000, // microseconds
            v if v >= 100_000_000_000 => v,            // milliseconds
            v => v * 1000,                             // seconds
        });
    }
    for f in [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Ok(t.timestamp_millis());
        }
    }
    let naive = s.trim_end_matches('Z');
    for f in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(naive, f) {
            return Ok(t.and_utc().timestamp_millis());
        }
    }
    Err(format!("cannot read time {s:?}"))
}

/// Reads a kline file (`.gz` is decompressed).
pub fn read(path: &Path) -> Result<Vec<KlineRow>, KlineFileError> {
    let p = path.display().to_string();
    let io = |err| KlineFileError::Io {
        path: p.clone(),
        err,
    };
    let raw = std::fs::read(path).map_err(io)?;
    let text = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut s = String::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_string(&mut s)
            .map_err(io)?;
        s
    } else {
        String::from_utf8(raw).map_err(|_| KlineFileError::Layout {
            path: p.clone(),
            why: "not UTF-8 text".into(),
        })?
    };
    parse(&p, &text)
}

/// Parses kline text; `name` is used in error messages.
pub fn parse(name: &str, text: &str) -> Result<Vec<KlineRow>, KlineFileError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, first)) = lines.clone().next() else {
        return Err(KlineFileError::Layout {
            path: name.into(),
            why: "empty file".into(),
        });
    };
    let layout =
        detect(first.trim_start_matches('\u{feff}')).map_err(|why| KlineFileError::Layout {
            path: name.into(),
            why,
        })?;
    if layout.has_header {
        lines.next();
    }
    let mut rows = Vec::new();
    for (i, line) in lines {
        let bad = |why: String| KlineFileError::Bad {
            path: name.into(),
            line: i + 1,
            why,
        };
        let cols: Vec<&str> = line.split(',').map(str::trim).collect();
        let get = |idx: usize| {
            cols.get(idx)
                .copied()
                .ok_or_else(|| bad(format!("missing column {}", idx + 1)))
        };
        let num = |idx: usize| -> Result<f64, KlineFileError> {
            let s = get(idx)?;
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad(format!("not a number: {s:?}")))
        };
        let time = parse_time(get(layout.time)?).map_err(bad)?;
        rows.push(KlineRow {
            bar: Bar {
                time,
                open: num(layout.open)?,
                high: num(layout.high)?,
                low: num(layout.low)?,
                close: num(layout.close)?,
                volume: num(layout.volume)?,
            },
            close_text: get(layout.close)?.to_string(),
        });
    }
    if layout.time_is_close && rows.len() >= 2 {
        // Close times end in .999: open = close + 1 ms - interval.
        let mut diffs: Vec<i64> = rows
            .windows(2)
            .map(|w| w[1].bar.time - w[0].bar.time)
            .collect();
        diffs.sort_unstable();
        let interval = diffs[diffs.len() / 2];
        for r in &mut rows {
            r.bar.time = r.bar.time + 1 - interval;
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_columns_with_open_time() {
        let r = parse(
            "x",
            "timestamp,open,high,low,close,volume\n2022-01-01 00:00:00,1,2,0.5,1.5,10\n",
        )
        .unwrap();
        assert_eq!(r[0].bar.time, 1_640_995_200_000);
        assert_eq!(r[0].bar.close, 1.5);
        assert_eq!(r[0].close_text, "1.5");
    }

    #[test]
    fn close_datetime_with_offset_gives_open_time() {
        let t = "open,high,low,close,volume,quote_volume,trades,close_datetime\n\
                 1,1,1,1,1,1,1,2024-12-01 00:00:59.999000+01:00\n\
                 1,1,1,1,1,1,1,2024-12-01 00:01:59.999000+01:00\n";
        let r = parse("x", t).unwrap();
        // 2024-11-30 23:00:00 UTC
        assert_eq!(r[0].bar.time, 1_733_007_600_000);
        assert_eq!(r[1].bar.time - r[0].bar.time, 60_000);
    }

    #[test]
    fn binance_public_data_ms_and_us() {
        let ms = "1499040000000,0.01634790,0.80000000,0.01575800,0.01577100,148976.11427815,1499644799999,2434.19055334,308,1756.87402397,28.46694368,0\n";
        let us = "1735689600000000,93576.00,93610.93,93537.50,93610.93,8.21827,1735689659999999,769013.1,1332,3.99,373778.3,0\n";
        assert_eq!(parse("x", ms).unwrap()[0].bar.time, 1_499_040_000_000);
        assert_eq!(parse("x", us).unwrap()[0].bar.time, 1_735_689_600_000);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse(
            "f.csv",
            "timestamp,open,high,low,close,volume\n2022-01-01 00:00:00,1,2,x,1,1\n",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "f.csv line 2: not a number: \"x\"");
        assert!(parse("f.csv", "a,b\n1,2\n").is_err());
    }
}
