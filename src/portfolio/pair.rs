//! A symbol's base and quote assets.

/// Quote assets tried, in this order, when a symbol's assets were not
/// declared: `ETHBTC` is ETH/BTC, `BTCFDUSD` is BTC/FDUSD.
const QUOTES: [&str; 16] = [
    "FDUSD", "USDT", "USDC", "TUSD", "BUSD", "USDP", "EURI", "DAI", "BTC", "ETH", "BNB", "EUR",
    "TRY", "BRL", "JPY", "XRP",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub base: String,
    pub quote: String,
}

impl Pair {
    pub fn new(base: &str, quote: &str) -> Pair {
        Pair {
            base: base.into(),
            quote: quote.into(),
        }
    }

    /// Splits a symbol on a known quote-asset suffix.
    pub fn guess(symbol: &str) -> Option<Pair> {
        QUOTES.iter().find_map(|q| {
            symbol
                .strip_suffix(q)
                .filter(|b| !b.is_empty())
                .map(|b| Pair::new(b, q))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_common_symbols() {
        assert_eq!(Pair::guess("BTCUSDT"), Some(Pair::new("BTC", "USDT")));
        assert_eq!(Pair::guess("BTCFDUSD"), Some(Pair::new("BTC", "FDUSD")));
        assert_eq!(Pair::guess("ETHBTC"), Some(Pair::new("ETH", "BTC")));
        assert_eq!(Pair::guess("BNBETH"), Some(Pair::new("BNB", "ETH")));
        assert_eq!(Pair::guess("USDT"), None);
        assert_eq!(Pair::guess("FOOBAR"), None);
    }
}
