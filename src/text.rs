//! Sanitising strings that come from the exchange before they reach the
//! screen: control characters (ESC sequences, BEL, CR) could corrupt the
//! terminal or forge screen content.

/// Removes control characters, keeping ordinary text (including non-ASCII
/// letters, which testnet symbols use).
pub fn sanitize(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn strips_escape_sequences_and_controls() {
        assert_eq!(super::sanitize("BTC\u{1b}[31mUSDT\u{7}\r\n"), "BTC[31mUSDT");
        assert_eq!(super::sanitize("这是测试币456"), "这是测试币456");
    }
}
