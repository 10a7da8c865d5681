//! Text formatting shared by the panes. Prices and quantities are formatted
//! from exact [`Fx`] / [`Decimal`] values with the symbol's decimals, never
//! through f64.

use crate::fixed::Fx;
use crate::text::sanitize;
use rust_decimal::Decimal;

/// `+1.50` / `-1.50` / `0.00`: an explicit sign so direction reads without
/// colour.
pub fn signed(v: Fx, dp: u32) -> String {
    let s = v.fmt_dp(dp);
    if v.0 > 0 {
        format!("+{s}")
    } else {
        s
    }
}

/// Signed value in Binance's own precision (percentages).
pub fn signed_plain(v: Fx) -> String {
    if v.0 > 0 {
        format!("+{v}")
    } else {
        v.to_string()
    }
}

/// Mid price: exact half of bid + ask, shown with one extra decimal when the
/// half falls between ticks.
pub fn mid(bid: Fx, ask: Fx, dp: u32) -> String {
    let m = Fx((bid.0 + ask.0) / 2);
    let dp = if m.decimals() > dp {
        (dp + 1).min(8)
    } else {
        dp
    };
    m.fmt_dp(dp)
}

/// Host (and port) of an endpoint URL, for the status bar.
pub fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?']).next().unwrap_or("");
    sanitize(host)
}

/// Right-aligns `s` in `width` columns.
pub fn rpad(s: &str, width: usize) -> String {
    format!("{s:>width$}")
}

/// Signed milliseconds: `+12ms` / `-3ms`.
pub fn signed_ms(v: i64) -> String {
    if v > 0 {
        format!("+{v}ms")
    } else {
        format!("{v}ms")
    }
}

/// A volume (a `Decimal`, since sums can exceed `Fx`) with exactly `dp`
/// decimals, truncated like [`Fx::fmt_dp`].
pub fn volume(v: Decimal, dp: u32) -> String {
    dec(v, dp)
}

/// Exactly `dp` decimals, truncated toward zero like [`Fx::fmt_dp`]; a
/// value that truncates to zero prints without a sign.
pub fn dec(v: Decimal, dp: u32) -> String {
    let t = v.trunc_with_scale(dp);
    let t = if t.is_zero() { Decimal::ZERO } else { t };
    format!("{:.*}", dp as usize, t)
}

/// `+1.50` / `-1.50` / `0.00`: money direction that reads without colour.
pub fn signed_dec(v: Decimal, dp: u32) -> String {
    let s = dec(v, dp);
    if v.trunc_with_scale(dp) > Decimal::ZERO {
        format!("+{s}")
    } else {
        s
    }
}

/// At most `max_dp` decimals, trailing zeros dropped (fees, balances of
/// assets whose precision is not known here).
pub fn trim(v: Decimal, max_dp: u32) -> String {
    let t = v.trunc_with_scale(max_dp).normalize();
    if t.is_zero() {
        "0".into()
    } else {
        t.to_string()
    }
}

/// Word-wraps `s` into lines of at most `width` characters (a word longer
/// than the line is cut), so a refusal's nearest valid value is not lost
/// off the edge of an overlay.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let mut word: String = word.to_string();
        loop {
            let (cl, wl) = (cur.chars().count(), word.chars().count());
            if cl > 0 && cl + 1 + wl <= width {
                cur.push(' ');
                cur.push_str(&word);
                break;
            }
            if cl > 0 {
                out.push(std::mem::take(&mut cur));
            }
            if wl <= width {
                cur = word;
                break;
            }
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            out.push(head);
        }
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

/// A fee rate as a percentage: `0.001` -> `0.1%`.
pub fn rate_pct(rate: Decimal) -> String {
    format!("{}%", trim(rate * Decimal::ONE_HUNDRED, 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(s: &str) -> Fx {
        Fx::parse(s).unwrap()
    }

    #[test]
    fn signs_and_mid() {
        assert_eq!(signed(fx("1.5"), 2), "+1.50");
        assert_eq!(signed(fx("-1.5"), 2), "-1.50");
        assert_eq!(signed(Fx::ZERO, 2), "0.00");
        assert_eq!(signed_plain(fx("0.204")), "+0.204");
        assert_eq!(mid(fx("100.01"), fx("100.02"), 2), "100.015");
        assert_eq!(mid(fx("100.01"), fx("100.03"), 2), "100.02");
    }

    #[test]
    fn decimals_are_exact_and_signed() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(dec(d("61837.629"), 2), "61837.62");
        assert_eq!(dec(d("0.5"), 5), "0.50000");
        assert_eq!(dec(d("-0.001"), 2), "0.00");
        assert_eq!(signed_dec(d("12.345"), 2), "+12.34");
        assert_eq!(signed_dec(d("-5"), 2), "-5.00");
        assert_eq!(signed_dec(d("0.001"), 2), "0.00");
        assert_eq!(trim(d("0.061837620"), 8), "0.06183762");
        assert_eq!(trim(d("0"), 8), "0");
        assert_eq!(rate_pct(d("0.00075")), "0.075%");
    }

    #[test]
    fn wraps_words() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 5), [""]);
    }

    #[test]
    fn hosts() {
        assert_eq!(
            host("wss://stream.binance.com:9443/stream?x=1"),
            "stream.binance.com:9443"
        );
        assert_eq!(host("https://api.binance.com"), "api.binance.com");
        assert_eq!(host("ws://127.0.0.1:9000"), "127.0.0.1:9000");
    }
}
