//! Exact fixed-point numbers for prices and quantities on the hot path.
//!
//! Binance sends every price and quantity as a decimal string with at most 8
//! fractional digits. Holding them as `i64` units of 1e-8 keeps them exact
//! (no float rounding) and makes book updates cheap; `rust_decimal::Decimal`
//! is used at the edges (order entry, display, accounting).

use rust_decimal::Decimal;
use std::fmt;

/// Number of implied fractional digits.
pub const SCALE: u32 = 8;
/// `10^SCALE`.
pub const ONE: i64 = 100_000_000;

/// A non-negative or signed exact decimal with 8 implied fractional digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fx(pub i64);

/// Why a decimal string could not be read as [`Fx`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FxError {
    #[error("empty number")]
    Empty,
    #[error("invalid character in number {0:?}")]
    Invalid(String),
    #[error("more than 8 fractional digits in {0:?}")]
    TooPrecise(String),
    #[error("number out of range: {0:?}")]
    Overflow(String),
}

impl Fx {
    pub const ZERO: Fx = Fx(0);

    /// Parses a plain decimal string (`"61837.63000000"`, `"-1.5"`, `"3"`).
    /// Trailing zeros beyond 8 fractional digits are accepted; other extra
    /// digits are an error rather than a silent rounding.
    #[inline]
    pub fn parse(s: &str) -> Result<Fx, FxError> {
        Self::parse_bytes(s.as_bytes()).map_err(|e| match e {
            FxError::Invalid(_) => FxError::Invalid(s.to_string()),
            FxError::TooPrecise(_) => FxError::TooPrecise(s.to_string()),
            FxError::Overflow(_) => FxError::Overflow(s.to_string()),
            other => other,
        })
    }

    /// Byte-level parser used by the stream decoders; errors carry no text to
    /// stay allocation-free on success paths.
    #[inline]
    pub fn parse_bytes(b: &[u8]) -> Result<Fx, FxError> {
        if b.is_empty() {
            return Err(FxError::Empty);
        }
        let (neg, digits) = match b[0] {
            b'-' => (true, &b[1..]),
            b'+' => (false, &b[1..]),
            _ => (false, b),
        };
        if digits.is_empty() {
            return Err(FxError::Empty);
        }
        let mut int: i64 = 0;
        let mut i = 0;
        while i < digits.len() && digits[i] != b'.' {
            let d = digits[i].wrapping_sub(b'0');
            if d > 9 {
                return Err(FxError::Invalid(String::new()));
            }
            int = int
                .checked_mul(10)
                .and_then(|v| v.checked_add(d as i64))
                .ok_or(FxError::Overflow(String::new()))?;
            i += 1;
        }
        let mut frac: i64 = 0;
        let mut nfrac = 0u32;
        if i < digits.len() {
            i += 1; // '.'
            if i == digits.len() && i == 1 {
                return Err(FxError::Invalid(String::new()));
            }
            while i < digits.len() {
                let d = digits[i].wrapping_sub(b'0');
                if d > 9 {
                    return Err(FxError::Invalid(String::new()));
                }
                if nfrac < SCALE {
                    frac = frac * 10 + d as i64;
                    nfrac += 1;
                } else if d != 0 {
                    return Err(FxError::TooPrecise(String::new()));
                }
                i += 1;
            }
        }
        frac *= POW10[(SCALE - nfrac) as usize];
        let v = int
            .checked_mul(ONE)
            .and_then(|v| v.checked_add(frac))
            .ok_or(FxError::Overflow(String::new()))?;
        Ok(Fx(if neg { -v } else { v }))
    }

    /// Exact conversion to `Decimal`.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, SCALE).normalize()
    }

    /// Exact conversion from `Decimal`; `None` when it has more than 8
    /// fractional digits or does not fit.
    pub fn from_decimal(d: Decimal) -> Option<Fx> {
        let mut d = d.normalize();
        if d.scale() > SCALE {
            return None;
        }
        d.rescale(SCALE);
        let m = d.mantissa();
        i64::try_from(m).ok().map(Fx)
    }

    /// Lossy float view for charts and statistics only.
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / ONE as f64
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Formats with exactly `dp` fractional digits (truncating toward zero
    /// beyond them), as a ladder column needs.
    pub fn fmt_dp(self, dp: u32) -> String {
        let dp = dp.min(SCALE);
        let neg = self.0 < 0;
        let a = self.0.unsigned_abs();
        let int = a / ONE as u64;
        let frac = (a % ONE as u64) / POW10[(SCALE - dp) as usize] as u64;
        let sign = if neg { "-" } else { "" };
        if dp == 0 {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac:0width$}", width = dp as usize)
        }
    }

    /// Number of significant fractional digits (0..=8), e.g. of a tick size.
    pub fn decimals(self) -> u32 {
        let mut v = self.0.unsigned_abs() % ONE as u64;
        if v == 0 {
            return 0;
        }
        let mut n = SCALE;
        while v.is_multiple_of(10) {
            v /= 10;
            n -= 1;
        }
        n
    }
}

const POW10: [i64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

impl fmt::Display for Fx {
    /// Plain decimal notation without trailing zeros (`61837.63`, `0.001`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let a = self.0.unsigned_abs();
        let int = a / ONE as u64;
        let mut frac = a % ONE as u64;
        if neg {
            f.write_str("-")?;
        }
        if frac == 0 {
            return write!(f, "{int}");
        }
        let mut width = SCALE as usize;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        write!(f, "{int}.{frac:0width$}")
    }
}

impl fmt::Debug for Fx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for Fx {
    type Err = FxError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fx::parse(s)
    }
}

impl serde::Serialize for Fx {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Fx {
    /// Accepts Binance's decimal strings without allocating, and plain JSON
    /// numbers for leniency.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Fx;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number as a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Fx, E> {
                Fx::parse_bytes(v.as_bytes()).map_err(|e| E::custom(format!("{e} ({v:?})")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Fx, E> {
                i64::try_from(v)
                    .ok()
                    .and_then(|v| v.checked_mul(ONE))
                    .map(Fx)
                    .ok_or_else(|| E::custom("number out of range"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Fx, E> {
                v.checked_mul(ONE)
                    .map(Fx)
                    .ok_or_else(|| E::custom("number out of range"))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Fx, E> {
                // Shortest round-trip text of the float, read exactly.
                self.visit_str(&format!("{v}"))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_binance_strings_exactly() {
        assert_eq!(Fx::parse("61837.63000000").unwrap(), Fx(6_183_763_000_000));
        assert_eq!(Fx::parse("0.00000001").unwrap(), Fx(1));
        assert_eq!(Fx::parse("3").unwrap(), Fx(300_000_000));
        assert_eq!(Fx::parse("-1.5").unwrap(), Fx(-150_000_000));
        assert_eq!(Fx::parse("1.1234567800").unwrap(), Fx(112_345_678));
        assert_eq!(Fx::parse(".5").unwrap(), Fx(50_000_000));
    }

    #[test]
    fn rejects_what_it_cannot_hold() {
        assert!(matches!(
            Fx::parse("0.000000001"),
            Err(FxError::TooPrecise(_))
        ));
        assert!(matches!(Fx::parse("1e5"), Err(FxError::Invalid(_))));
        assert!(matches!(Fx::parse(""), Err(FxError::Empty)));
        assert!(matches!(Fx::parse("-"), Err(FxError::Empty)));
        assert!(matches!(Fx::parse("."), Err(FxError::Invalid(_))));
        assert!(matches!(
            Fx::parse("99999999999999999999"),
            Err(FxError::Overflow(_))
        ));
    }

    #[test]
    fn formats_plainly() {
        assert_eq!(Fx::parse("61837.63000000").unwrap().to_string(), "61837.63");
        assert_eq!(Fx(1).to_string(), "0.00000001");
        assert_eq!(Fx(-150_000_000).to_string(), "-1.5");
        assert_eq!(Fx(6_183_763_000_000).fmt_dp(2), "61837.63");
        assert_eq!(Fx(123_456_789).fmt_dp(5), "1.23456");
        assert_eq!(Fx::parse("0.01").unwrap().decimals(), 2);
        assert_eq!(Fx::parse("0.00001000").unwrap().decimals(), 5);
    }

    #[test]
    fn decimal_round_trip_is_exact() {
        let f = Fx::parse("2600.12345678").unwrap();
        let d = f.to_decimal();
        assert_eq!(d.to_string(), "2600.12345678");
        assert_eq!(Fx::from_decimal(d), Some(f));
        assert_eq!(Fx::from_decimal("0.000000001".parse().unwrap()), None);
    }
}
