//! Request signing, exactly as Binance verifies it (docs/binance.md §5).
//!
//! REST: the payload is the percent-encoded query string (plus body), and
//! the client must send exactly the bytes it signed, so one function builds
//! both. WebSocket API: parameters sorted by name, `k=v` joined with `&`,
//! signed as raw UTF-8 without percent-encoding.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Percent-encodes everything but RFC 3986 unreserved characters, as
/// Binance requires before signing (mandatory since 2026-01-15).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `k1=v1&k2=v2` with each key and value percent-encoded, in the given order.
pub fn query_string(params: &[(&str, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// HMAC-SHA256 of `payload`, lower-case hex.
pub fn hmac_sha256_hex(secret: &[u8], payload: &str) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(payload.as_bytes());
    let bytes = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(64);
    for b in bytes.iter() {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

/// The WebSocket API payload: all params except `signature`, sorted by
/// name, joined as `k=v&...` with no encoding.
pub fn ws_api_payload(params: &[(&str, String)]) -> String {
    let mut p: Vec<&(&str, String)> = params.iter().filter(|(k, _)| *k != "signature").collect();
    p.sort_by(|a, b| a.0.cmp(b.0));
    p.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

    #[test]
    fn documented_hmac_vector() {
        let payload = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
        assert_eq!(
            hmac_sha256_hex(SECRET.as_bytes(), payload),
            "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
        );
    }

    #[test]
    fn documented_non_ascii_vector_signs_the_encoded_bytes() {
        let q = query_string(&[
            ("symbol", "１２３４５６".to_string()),
            ("side", "BUY".into()),
            ("type", "LIMIT".into()),
            ("timeInForce", "GTC".into()),
            ("quantity", "1".into()),
            ("price", "0.1".into()),
            ("recvWindow", "5000".into()),
            ("timestamp", "1499827319559".into()),
        ]);
        assert!(q.starts_with("symbol=%EF%BC%91%EF%BC%92"));
        assert_eq!(
            hmac_sha256_hex(SECRET.as_bytes(), &q),
            "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3"
        );
    }

    #[test]
    fn documented_ws_api_vector() {
        let params = [
            ("symbol", "BTCUSDT".to_string()),
            ("side", "SELL".into()),
            ("type", "LIMIT".into()),
            ("timeInForce", "GTC".into()),
            ("quantity", "0.01000000".into()),
            ("price", "52000.00".into()),
            ("recvWindow", "100".into()),
            ("timestamp", "1645423376532".into()),
            (
                "apiKey",
                "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A".into(),
            ),
            ("signature", "ignored".into()),
        ];
        let payload = ws_api_payload(&params);
        assert!(payload.starts_with("apiKey=vmPUZE"));
        assert_eq!(
            hmac_sha256_hex(SECRET.as_bytes(), &payload),
            "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"
        );
    }
}
