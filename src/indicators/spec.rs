//! Indicator lists as written on the command line
//! (`sma:20,ema:20,rsi:14,macd:12:26:9,bb:20:2,atr:14,vwap,vwap:14`) and a
//! runner computing all of them bar by bar.

use super::{Atr, Bar, Bollinger, Ema, Macd, Rsi, SessionVwap, Sma, Vwap};

#[derive(Clone, Debug, PartialEq)]
pub enum IndicatorSpec {
    Sma(usize),
    Ema(usize),
    Rsi(usize),
    Macd(usize, usize, usize),
    Bb(usize, f64),
    Atr(usize),
    /// Rolling VWAP over `n` bars.
    Vwap(usize),
    /// VWAP since the start of the UTC day.
    SessionVwap,
}

#[derive(Debug, thiserror::Error)]
#[error("bad indicator {item:?}: {why} (expected e.g. sma:20, ema:20, rsi:14, macd:12:26:9, bb:20:2, atr:14, vwap, vwap:14)")]
pub struct SpecError {
    pub item: String,
    pub why: String,
}

/// The default list of `tradeterm indicators`.
pub const DEFAULT_SPEC: &str = "sma:20,ema:20,rsi:14,macd:12:26:9,bb:20:2,atr:14,vwap:14";

impl IndicatorSpec {
    /// Parses a comma-separated list.
    pub fn parse_list(s: &str) -> Result<Vec<IndicatorSpec>, SpecError> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(IndicatorSpec::parse)
            .collect()
    }

    pub fn parse(item: &str) -> Result<IndicatorSpec, SpecError> {
        let err = |why: &str| SpecError {
            item: item.to_string(),
            why: why.to_string(),
        };
        let mut parts = item.split(':');
        let name = parts.next().unwrap_or("").to_ascii_lowercase();
        let args: Vec<&str> = parts.collect();
        let int = |i: usize, default: usize| -> Result<usize, SpecError> {
            match args.get(i) {
                None => Ok(default),
                Some(a) => match a.parse::<usize>() {
                    Ok(v) if (1..=10_000).contains(&v) => Ok(v),
                    _ => Err(err(&format!(
                        "period {a:?} must be an integer from 1 to 10000"
                    ))),
                },
            }
        };
        let max_args = |n: usize| -> Result<(), SpecError> {
            if args.len() > n {
                Err(err(&format!("takes at most {n} parameters")))
            } else {
                Ok(())
            }
        };
        Ok(match name.as_str() {
            "sma" => {
                max_args(1)?;
                IndicatorSpec::Sma(int(0, 20)?)
            }
            "ema" => {
                max_args(1)?;
                IndicatorSpec::Ema(int(0, 20)?)
            }
            "rsi" => {
                max_args(1)?;
                IndicatorSpec::Rsi(int(0, 14)?)
            }
            "atr" => {
                max_args(1)?;
                IndicatorSpec::Atr(int(0, 14)?)
            }
            "macd" => {
                max_args(3)?;
                let (f, s, g) = (int(0, 12)?, int(1, 26)?, int(2, 9)?);
                if f >= s {
                    return Err(err("the fast period must be shorter than the slow one"));
                }
                IndicatorSpec::Macd(f, s, g)
            }
            "bb" | "bollinger" => {
                max_args(2)?;
                let k = match args.get(1) {
                    None => 2.0,
                    Some(a) => match a.parse::<f64>() {
                        Ok(v) if v > 0.0 && v <= 10.0 => v,
                        _ => {
                            return Err(err(&format!(
                                "width {a:?} must be a number above 0 and at most 10"
                            )))
                        }
                    },
                };
                IndicatorSpec::Bb(int(0, 20)?, k)
            }
            "vwap" => {
                max_args(1)?;
                if args.is_empty() {
                    IndicatorSpec::SessionVwap
                } else {
                    IndicatorSpec::Vwap(int(0, 14)?)
                }
            }
            "" => return Err(err("empty name")),
            _ => return Err(err("unknown indicator")),
        })
    }

    /// Output column names.
    pub fn columns(&self) -> Vec<String> {
        match self {
            IndicatorSpec::Sma(n) => vec![format!("sma_{n}")],
            IndicatorSpec::Ema(n) => vec![format!("ema_{n}")],
            IndicatorSpec::Rsi(n) => vec![format!("rsi_{n}")],
            IndicatorSpec::Atr(n) => vec![format!("atr_{n}")],
            IndicatorSpec::Macd(f, s, g) => {
                let t = format!("{f}_{s}_{g}");
                vec![
                    format!("macd_{t}"),
                    format!("macd_signal_{t}"),
                    format!("macd_hist_{t}"),
                ]
            }
            IndicatorSpec::Bb(n, k) => {
                let t = format!("{n}_{k}");
                vec![
                    format!("bb_mid_{t}"),
                    format!("bb_upper_{t}"),
                    format!("bb_lower_{t}"),
                ]
            }
            IndicatorSpec::Vwap(n) => vec![format!("vwap_{n}")],
            IndicatorSpec::SessionVwap => vec!["vwap_session".into()],
        }
    }
}

enum State {
    Sma(Sma),
    Ema(Ema),
    Rsi(Rsi),
    Macd(Macd),
    Bb(Bollinger),
    Atr(Atr),
    Vwap(Vwap),
    Session(SessionVwap),
}

/// Computes a list of indicators over a bar series.
pub struct Runner {
    states: Vec<State>,
    width: usize,
}

impl Runner {
    pub fn new(specs: &[IndicatorSpec]) -> Runner {
        let states = specs
            .iter()
            .map(|s| match *s {
                IndicatorSpec::Sma(n) => State::Sma(Sma::new(n)),
                IndicatorSpec::Ema(n) => State::Ema(Ema::new(n)),
                IndicatorSpec::Rsi(n) => State::Rsi(Rsi::new(n)),
                IndicatorSpec::Macd(f, s, g) => State::Macd(Macd::new(f, s, g)),
                IndicatorSpec::Bb(n, k) => State::Bb(Bollinger::new(n, k)),
                IndicatorSpec::Atr(n) => State::Atr(Atr::new(n)),
                IndicatorSpec::Vwap(n) => State::Vwap(Vwap::new(n)),
                IndicatorSpec::SessionVwap => State::Session(SessionVwap::new()),
            })
            .collect();
        let width = specs.iter().map(|s| s.columns().len()).sum();
        Runner { states, width }
    }

    /// Values for one bar, one per column (`None` during warm-up).
    pub fn update(&mut self, b: &Bar) -> Vec<Option<f64>> {
        let mut out = Vec::with_capacity(self.width);
        for s in &mut self.states {
            match s {
                State::Sma(i) => out.push(i.update(b.close)),
                State::Ema(i) => out.push(i.update(b.close)),
                State::Rsi(i) => out.push(i.update(b.close)),
                State::Atr(i) => out.push(i.update(b.high, b.low, b.close)),
                State::Vwap(i) => out.push(i.update(b)),
                State::Session(i) => out.push(i.update(b)),
                State::Macd(i) => match i.update(b.close) {
                    Some(v) => out.extend([Some(v.macd), Some(v.signal), Some(v.hist)]),
                    None => out.extend([None, None, None]),
                },
                State::Bb(i) => match i.update(b.close) {
                    Some(v) => out.extend([Some(v.mid), Some(v.upper), Some(v.lower)]),
                    None => out.extend([None, None, None]),
                },
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_list() {
        let l = IndicatorSpec::parse_list(DEFAULT_SPEC).unwrap();
        assert_eq!(l[3], IndicatorSpec::Macd(12, 26, 9));
        assert_eq!(l[4], IndicatorSpec::Bb(20, 2.0));
        assert_eq!(
            IndicatorSpec::parse("vwap").unwrap(),
            IndicatorSpec::SessionVwap
        );
        let cols: Vec<String> = l.iter().flat_map(|s| s.columns()).collect();
        assert_eq!(cols.len(), 11);
        assert_eq!(cols[4], "macd_signal_12_26_9");
    }

    #[test]
    fn rejects_bad_items_with_the_reason() {
        let e = IndicatorSpec::parse("sma:0").unwrap_err().to_string();
        assert!(e.contains("sma:0") && e.contains("1 to 10000"), "{e}");
        assert!(IndicatorSpec::parse("foo:3")
            .unwrap_err()
            .to_string()
            .contains("unknown indicator"));
        assert!(IndicatorSpec::parse("macd:26:12").is_err());
        assert!(IndicatorSpec::parse("bb:20:x").is_err());
        assert!(IndicatorSpec::parse("rsi:14:3").is_err());
    }
}
