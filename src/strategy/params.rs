//! Typed strategy parameters: specs with ranges and descriptions (the TUI
//! form and `--param` help are generated from them), a value map that
//! persists with serde, and parsing with messages that name the parameter,
//! the allowed range and the offending text, e.g. "fast must be an integer
//! between 2 and 200 (got 500)".
//!
//! Specs are `const` data: defaults and bounds are written as text and
//! parsed with the same code as user input (a unit test checks that every
//! catalog default parses and passes its strategy's cross-field check).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The type of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    Int,
    /// Exact values: money, percentages of money.
    Decimal,
    /// Statistics thresholds (RSI levels, ATR multiples).
    Float,
    Bool,
    /// One of these words.
    Choice(&'static [&'static str]),
}

/// One parameter of a strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    pub default: &'static str,
    /// Inclusive bounds (Int, Decimal, Float).
    pub min: Option<&'static str>,
    pub max: Option<&'static str>,
    pub description: &'static str,
}

/// A parsed parameter value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ParamValue {
    Int(i64),
    Decimal(Decimal),
    Float(f64),
    Bool(bool),
    Choice(String),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Int(v) => write!(f, "{v}"),
            ParamValue::Decimal(v) => write!(f, "{}", v.normalize()),
            ParamValue::Float(v) => write!(f, "{v}"),
            ParamValue::Bool(v) => write!(f, "{v}"),
            ParamValue::Choice(v) => f.write_str(v),
        }
    }
}

fn range_text(spec: &ParamSpec) -> String {
    match (spec.min, spec.max) {
        (Some(a), Some(b)) => format!(" between {a} and {b}"),
        (Some(a), None) => format!(" of at least {a}"),
        (None, Some(b)) => format!(" of at most {b}"),
        (None, None) => String::new(),
    }
}

/// Parses one value for `spec`, checking its range.
pub fn parse(spec: &ParamSpec, text: &str) -> Result<ParamValue, String> {
    let t = text.trim();
    let name = spec.name;
    match spec.kind {
        ParamKind::Int => {
            let bad = || format!("{name} must be an integer{} (got {t})", range_text(spec));
            let v: i64 = t.parse().map_err(|_| bad())?;
            let lo = spec.min.and_then(|m| m.parse::<i64>().ok());
            let hi = spec.max.and_then(|m| m.parse::<i64>().ok());
            if lo.is_some_and(|lo| v < lo) || hi.is_some_and(|hi| v > hi) {
                return Err(bad());
            }
            Ok(ParamValue::Int(v))
        }
        ParamKind::Decimal => {
            let bad = || format!("{name} must be a number{} (got {t})", range_text(spec));
            let v: Decimal = t.parse().map_err(|_| bad())?;
            let lo = spec.min.and_then(|m| m.parse::<Decimal>().ok());
            let hi = spec.max.and_then(|m| m.parse::<Decimal>().ok());
            if lo.is_some_and(|lo| v < lo) || hi.is_some_and(|hi| v > hi) {
                return Err(bad());
            }
            Ok(ParamValue::Decimal(v.normalize()))
        }
        ParamKind::Float => {
            let bad = || format!("{name} must be a number{} (got {t})", range_text(spec));
            let v: f64 = t.parse().map_err(|_| bad())?;
            let lo = spec.min.and_then(|m| m.parse::<f64>().ok());
            let hi = spec.max.and_then(|m| m.parse::<f64>().ok());
            if !v.is_finite() || lo.is_some_and(|lo| v < lo) || hi.is_some_and(|hi| v > hi) {
                return Err(bad());
            }
            Ok(ParamValue::Float(v))
        }
        ParamKind::Bool => match t.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok(ParamValue::Bool(true)),
            "false" | "no" | "off" | "0" => Ok(ParamValue::Bool(false)),
            _ => Err(format!("{name} must be true or false (got {t})")),
        },
        ParamKind::Choice(options) => options
            .iter()
            .find(|o| o.eq_ignore_ascii_case(t))
            .map(|o| ParamValue::Choice(o.to_string()))
            .ok_or_else(|| format!("{name} must be one of {} (got {t})", options.join(", "))),
    }
}

/// A full set of values for one strategy, by parameter name. Persisted as
/// JSON with the strategy's settings; shown and typed as `k=v` pairs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Params(BTreeMap<String, ParamValue>);

fn spec_of<'s>(specs: &'s [ParamSpec], name: &str) -> Result<&'s ParamSpec, String> {
    specs.iter().find(|s| s.name == name).ok_or_else(|| {
        let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
        format!(
            "unknown parameter '{name}' (known: {})",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )
    })
}

impl Params {
    /// Every parameter at its default.
    pub fn defaults(specs: &[ParamSpec]) -> Result<Params, String> {
        let mut p = Params::default();
        for s in specs {
            p.0.insert(s.name.to_string(), parse(s, s.default)?);
        }
        Ok(p)
    }

    /// Parses `k=v` pairs separated by spaces or commas; parameters not
    /// given keep their defaults. Each value is parsed and range-checked
    /// (cross-field rules are the catalog's: [`super::catalog::parse_params`]).
    pub fn parse(specs: &[ParamSpec], text: &str) -> Result<Params, String> {
        let mut p = Params::defaults(specs)?;
        for pair in text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
        {
            p.set_pair(specs, pair)?;
        }
        Ok(p)
    }

    /// Sets one `k=v` pair (`tradeterm run --param k=v`).
    pub fn set_pair(&mut self, specs: &[ParamSpec], pair: &str) -> Result<(), String> {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("expected name=value, got '{pair}'"))?;
        self.set(specs, k.trim(), v)
    }

    /// Sets one parameter from text (a TUI form field).
    pub fn set(&mut self, specs: &[ParamSpec], name: &str, text: &str) -> Result<(), String> {
        let spec = spec_of(specs, name)?;
        self.0.insert(name.to_string(), parse(spec, text)?);
        Ok(())
    }

    /// Checks a whole set (e.g. one loaded from disk): no unknown names,
    /// every value of its spec's kind and in range; missing ones are filled
    /// with defaults.
    pub fn validated(mut self, specs: &[ParamSpec]) -> Result<Params, String> {
        for name in self.0.keys() {
            spec_of(specs, name)?;
        }
        for s in specs {
            let text = match self.0.get(s.name) {
                Some(ParamValue::Choice(c)) => c.clone(),
                Some(v) => {
                    let ok = matches!(
                        (s.kind, v),
                        (ParamKind::Int, ParamValue::Int(_))
                            | (ParamKind::Decimal, ParamValue::Decimal(_))
                            | (ParamKind::Float, ParamValue::Float(_))
                            | (ParamKind::Bool, ParamValue::Bool(_))
                    );
                    if !ok {
                        return Err(format!("{} has the wrong type ({v})", s.name));
                    }
                    v.to_string()
                }
                None => s.default.to_string(),
            };
            self.0.insert(s.name.to_string(), parse(s, &text)?);
        }
        Ok(self)
    }

    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.0.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ParamValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    fn missing(name: &str) -> String {
        format!("parameter {name} is missing or has the wrong type")
    }

    pub fn int(&self, name: &str) -> Result<i64, String> {
        match self.0.get(name) {
            Some(ParamValue::Int(v)) => Ok(*v),
            _ => Err(Self::missing(name)),
        }
    }

    pub fn decimal(&self, name: &str) -> Result<Decimal, String> {
        match self.0.get(name) {
            Some(ParamValue::Decimal(v)) => Ok(*v),
            _ => Err(Self::missing(name)),
        }
    }

    pub fn float(&self, name: &str) -> Result<f64, String> {
        match self.0.get(name) {
            Some(ParamValue::Float(v)) => Ok(*v),
            _ => Err(Self::missing(name)),
        }
    }

    pub fn bool(&self, name: &str) -> Result<bool, String> {
        match self.0.get(name) {
            Some(ParamValue::Bool(v)) => Ok(*v),
            _ => Err(Self::missing(name)),
        }
    }

    pub fn choice(&self, name: &str) -> Result<&str, String> {
        match self.0.get(name) {
            Some(ParamValue::Choice(v)) => Ok(v),
            _ => Err(Self::missing(name)),
        }
    }

    /// A positive integer parameter as a count or period.
    pub fn usize(&self, name: &str) -> Result<usize, String> {
        usize::try_from(self.int(name)?).map_err(|_| format!("{name} must not be negative"))
    }
}

/// `k=v` pairs separated by spaces, in name order: what [`Params::parse`]
/// reads back.
impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{k}={v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[
        ParamSpec {
            name: "fast",
            kind: ParamKind::Int,
            default: "12",
            min: Some("2"),
            max: Some("200"),
            description: "fast EMA period",
        },
        ParamSpec {
            name: "size",
            kind: ParamKind::Decimal,
            default: "10",
            min: Some("0.01"),
            max: None,
            description: "size",
        },
        ParamSpec {
            name: "ob",
            kind: ParamKind::Float,
            default: "70",
            min: Some("50"),
            max: Some("100"),
            description: "overbought",
        },
        ParamSpec {
            name: "on",
            kind: ParamKind::Bool,
            default: "false",
            min: None,
            max: None,
            description: "a switch",
        },
        ParamSpec {
            name: "mode",
            kind: ParamKind::Choice(&["pct", "quote"]),
            default: "pct",
            min: None,
            max: None,
            description: "sizing",
        },
    ];

    #[test]
    fn messages_name_the_parameter_range_and_value() {
        let e = parse(&SPECS[0], "500").unwrap_err();
        assert_eq!(e, "fast must be an integer between 2 and 200 (got 500)");
        assert_eq!(
            parse(&SPECS[0], "1.5").unwrap_err(),
            "fast must be an integer between 2 and 200 (got 1.5)"
        );
        assert_eq!(
            parse(&SPECS[1], "0").unwrap_err(),
            "size must be a number of at least 0.01 (got 0)"
        );
        assert_eq!(
            parse(&SPECS[2], "NaN").unwrap_err(),
            "ob must be a number between 50 and 100 (got NaN)"
        );
        assert_eq!(
            parse(&SPECS[3], "maybe").unwrap_err(),
            "on must be true or false (got maybe)"
        );
        assert_eq!(
            parse(&SPECS[4], "all").unwrap_err(),
            "mode must be one of pct, quote (got all)"
        );
        assert_eq!(
            parse(&SPECS[4], "QUOTE"),
            Ok(ParamValue::Choice("quote".into()))
        );
    }

    #[test]
    fn text_round_trips_and_defaults_fill_in() {
        let p = Params::parse(SPECS, "fast=20, size=12.50 on=yes").unwrap();
        assert_eq!(p.int("fast"), Ok(20));
        assert_eq!(p.decimal("size"), Ok("12.5".parse().unwrap()));
        assert_eq!(p.float("ob"), Ok(70.0));
        assert_eq!(p.bool("on"), Ok(true));
        assert_eq!(p.choice("mode"), Ok("pct"));
        let text = p.to_string();
        assert_eq!(text, "fast=20 mode=pct ob=70 on=true size=12.5");
        assert_eq!(Params::parse(SPECS, &text), Ok(p));
    }

    #[test]
    fn unknown_names_and_bad_pairs_are_refused() {
        assert_eq!(
            Params::parse(SPECS, "slow=3").unwrap_err(),
            "unknown parameter 'slow' (known: fast, size, ob, on, mode)"
        );
        assert_eq!(
            Params::parse(SPECS, "fast").unwrap_err(),
            "expected name=value, got 'fast'"
        );
    }

    #[test]
    fn persists_as_json_and_revalidates() {
        let p = Params::parse(SPECS, "fast=30 mode=quote").unwrap();
        let json = serde_json::to_string(&p).unwrap();
        let back: Params = serde_json::from_str(&json).unwrap();
        assert_eq!(back.clone().validated(SPECS), Ok(p));
        // A stored set whose value fell out of range (specs changed) is refused.
        let bad: Params = serde_json::from_str(r#"{"fast":{"Int":999}}"#).unwrap();
        assert_eq!(
            bad.validated(SPECS).unwrap_err(),
            "fast must be an integer between 2 and 200 (got 999)"
        );
        let wrong: Params = serde_json::from_str(r#"{"fast":{"Bool":true}}"#).unwrap();
        assert!(wrong.validated(SPECS).unwrap_err().contains("wrong type"));
    }
}
