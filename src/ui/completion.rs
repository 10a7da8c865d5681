//! Symbol completion for the switch prompt: watchlist entries first (they
//! are what people switch between), then exchange symbols by prefix, then by
//! substring.

use crate::engine::View;

/// Completions most useful first.
pub fn candidates(view: &View, typed: &str, limit: usize) -> Vec<String> {
    let q = typed.trim().to_uppercase();
    let mut out: Vec<String> = Vec::new();
    let push = |s: &String, out: &mut Vec<String>| {
        if out.len() < limit && !out.contains(s) {
            out.push(s.clone());
        }
    };
    for s in view.watchlist.iter().filter(|s| s.starts_with(&q)) {
        push(s, &mut out);
    }
    // `symbols` is sorted, so the prefix matches are one contiguous run.
    let syms = &view.symbols;
    let start = syms.partition_point(|s| s.as_str() < q.as_str());
    for s in syms[start..].iter().take_while(|s| s.starts_with(&q)) {
        if out.len() >= limit {
            return out;
        }
        push(s, &mut out);
    }
    if !q.is_empty() {
        for s in syms.iter().filter(|s| s.contains(&q)) {
            if out.len() >= limit {
                break;
            }
            push(s, &mut out);
        }
    }
    out
}

/// Longest common prefix of the candidates (by characters).
pub fn common_prefix(cands: &[String]) -> String {
    let Some(first) = cands.first() else {
        return String::new();
    };
    let mut n = first.chars().count();
    for c in &cands[1..] {
        n = n.min(
            first
                .chars()
                .zip(c.chars())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    first.chars().take(n).collect()
}

/// Whether `sym` can be switched to. Before exchangeInfo has arrived the
/// symbol list is empty; the watchlist is trusted then.
pub fn is_known(view: &View, sym: &str) -> bool {
    if view.symbols.is_empty() {
        view.watchlist.iter().any(|s| s == sym)
    } else {
        view.symbols
            .binary_search_by(|s| s.as_str().cmp(sym))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn view() -> View {
        View {
            symbols: Arc::new(
                [
                    "BNBBTC", "BTCUSDT", "ETHBTC", "ETHUSDC", "ETHUSDT", "SOLUSDT", "WBTCETH",
                ]
                .map(String::from)
                .to_vec(),
            ),
            watchlist: Arc::new(vec!["SOLUSDT".into(), "ETHUSDT".into()]),
            ..View::default()
        }
    }

    #[test]
    fn watchlist_first_then_prefix_then_substring() {
        let v = view();
        assert_eq!(
            candidates(&v, "eth", 10),
            ["ETHUSDT", "ETHBTC", "ETHUSDC", "WBTCETH"]
        );
        assert_eq!(candidates(&v, "", 3), ["SOLUSDT", "ETHUSDT", "BNBBTC"]);
        assert_eq!(common_prefix(&candidates(&v, "ethu", 10)), "ETHUSD");
    }

    #[test]
    fn known_symbols() {
        let v = view();
        assert!(is_known(&v, "ETHUSDT"));
        assert!(!is_known(&v, "NOPE"));
        let empty = View {
            watchlist: Arc::new(vec!["BTCUSDT".into()]),
            ..View::default()
        };
        assert!(is_known(&empty, "BTCUSDT"));
        assert!(!is_known(&empty, "ETHUSDT"));
    }
}
