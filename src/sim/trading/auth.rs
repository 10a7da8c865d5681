//! Trusted API keys and request verification, as Binance checks them.
//!
//! REST: the signed payload is the query string followed by the body,
//! exactly as received (percent-encoded bytes), without the `signature`
//! parameter. HMAC-SHA256 signatures are hex (case-insensitive); Ed25519
//! signatures are base64 (percent-encoded in the request). WebSocket API:
//! the params except `signature`, sorted by name, `k=v` joined by `&`, raw
//! UTF-8. Then the timestamp: rejected when `timestamp >= server + 1000` or
//! `server - timestamp > recvWindow` (default 5000, at most 60000).

use super::types::{AccountId, Reject};
use crate::exchange::sign;
use crate::keys::Secret;
use base64ct::{Base64, Encoding};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use std::collections::HashMap;

/// How an API key's requests are verified.
#[derive(Clone, Debug)]
pub enum SimKey {
    /// The shared HMAC secret.
    Hmac(Secret),
    /// The Ed25519 public key registered with the "exchange".
    Ed25519(VerifyingKey),
}

impl SimKey {
    /// An Ed25519 key from its PEM public key (`-----BEGIN PUBLIC KEY-----`).
    pub fn ed25519_pem(pem: &str) -> Result<SimKey, String> {
        use ed25519_dalek::pkcs8::DecodePublicKey;
        VerifyingKey::from_public_key_pem(pem)
            .map(SimKey::Ed25519)
            .map_err(|e| format!("not an Ed25519 public key PEM: {e}"))
    }

    pub fn is_ed25519(&self) -> bool {
        matches!(self, SimKey::Ed25519(_))
    }

    /// Checks `signature` over `payload`.
    pub fn verify(&self, payload: &str, signature: &str) -> bool {
        match self {
            SimKey::Hmac(secret) => {
                let want = sign::hmac_sha256_hex(secret.expose().as_bytes(), payload);
                want.eq_ignore_ascii_case(signature)
            }
            SimKey::Ed25519(key) => {
                let Ok(bytes) = Base64::decode_vec(signature) else {
                    return false;
                };
                let Ok(sig) = Signature::from_slice(&bytes) else {
                    return false;
                };
                key.verify(payload.as_bytes(), &sig).is_ok()
            }
        }
    }
}

/// API key -> (account, key).
#[derive(Debug, Default)]
pub struct KeyRing {
    keys: HashMap<String, (AccountId, SimKey)>,
}

fn bad_signature() -> Reject {
    Reject::new(400, -1022, "Signature for this request is not valid.")
}

pub fn mandatory(name: &str) -> Reject {
    Reject::new(
        400,
        -1102,
        format!("Mandatory parameter '{name}' was not sent, was empty/null, or malformed."),
    )
}

/// A request's timestamp (ms or µs) and recvWindow against server time.
pub fn check_time(
    timestamp: Option<&str>,
    recv_window: Option<&str>,
    server: i64,
) -> Result<(), Reject> {
    let ts = timestamp
        .filter(|t| !t.is_empty())
        .ok_or_else(|| mandatory("timestamp"))?;
    let ts: i64 = ts.parse().map_err(|_| {
        Reject::new(
            400,
            -1100,
            "Illegal characters found in parameter 'timestamp'; legal range is '^[0-9]{1,20}$'.",
        )
    })?;
    // Microseconds are accepted too.
    let ts = if ts > 100_000_000_000_000 {
        ts / 1000
    } else {
        ts
    };
    let window: f64 = match recv_window {
        None => 5000.0,
        Some(w) => w.parse().map_err(|_| mandatory("recvWindow"))?,
    };
    if !(0.0..=60_000.0).contains(&window) {
        return Err(Reject::new(
            400,
            -1131,
            "recvWindow must be less than 60000",
        ));
    }
    if ts >= server + 1000 {
        return Err(Reject::new(
            400,
            -1021,
            "Timestamp for this request was 1000ms ahead of the server's time.",
        ));
    }
    if (server - ts) as f64 > window {
        return Err(Reject::new(
            400,
            -1021,
            "Timestamp for this request is outside of the recvWindow.",
        ));
    }
    Ok(())
}

/// Removes the `signature=...` parameter from a raw query or body.
fn strip_signature(raw: &str) -> (String, Option<String>) {
    let mut sig = None;
    let kept: Vec<&str> = raw
        .split('&')
        .filter(|p| match p.strip_prefix("signature=") {
            Some(s) => {
                sig = Some(super::super::http::percent_decode(s));
                false
            }
            None => !p.is_empty(),
        })
        .collect();
    (kept.join("&"), sig)
}

impl KeyRing {
    pub fn add(&mut self, api_key: &str, account: AccountId, key: SimKey) {
        self.keys.insert(api_key.to_string(), (account, key));
    }

    pub fn get(&self, api_key: &str) -> Result<&(AccountId, SimKey), Reject> {
        if api_key.is_empty()
            || api_key.len() > 100
            || !api_key.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(Reject::new(401, -2014, "API-key format invalid."));
        }
        self.keys.get(api_key).ok_or_else(|| {
            Reject::new(
                401,
                -2015,
                "Invalid API-key, IP, or permissions for action.",
            )
        })
    }

    /// Verifies a signed REST request; `params` are the decoded query and
    /// body parameters. Returns the account.
    pub fn verify_rest(
        &self,
        api_key: Option<&str>,
        raw_query: &str,
        raw_body: &str,
        params: &[(String, String)],
        server: i64,
    ) -> Result<AccountId, Reject> {
        let (account, key) = self.get(api_key.unwrap_or(""))?;
        let (q, qs) = strip_signature(raw_query);
        let (b, bs) = strip_signature(raw_body);
        let sig = qs
            .or(bs)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| mandatory("signature"))?;
        if !key.verify(&format!("{q}{b}"), &sig) {
            return Err(bad_signature());
        }
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        check_time(get("timestamp"), get("recvWindow"), server)?;
        Ok(*account)
    }

    /// Verifies a signed WebSocket API request from its params.
    pub fn verify_ws(
        &self,
        params: &serde_json::Map<String, serde_json::Value>,
        server: i64,
    ) -> Result<(AccountId, bool), Reject> {
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let api_key = params
            .get("apiKey")
            .map(text)
            .ok_or_else(|| mandatory("apiKey"))?;
        let (account, key) = self.get(&api_key)?;
        let sig = params
            .get("signature")
            .map(text)
            .ok_or_else(|| mandatory("signature"))?;
        let pairs: Vec<(&str, String)> =
            params.iter().map(|(k, v)| (k.as_str(), text(v))).collect();
        if !key.verify(&sign::ws_api_payload(&pairs), &sig) {
            return Err(bad_signature());
        }
        let ts = params.get("timestamp").map(text);
        let rw = params.get("recvWindow").map(text);
        check_time(ts.as_deref(), rw.as_deref(), server)?;
        Ok((*account, key.is_ed25519()))
    }
}

/// Random alphanumeric text for generated test credentials and ids.
pub fn random_token(len: usize) -> String {
    use std::hash::{BuildHasher, Hasher};
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    let mut n = 0u64;
    while out.len() < len {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(n);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        let mut v = h.finish();
        for _ in 0..10 {
            if out.len() < len {
                out.push(ABC[(v % ABC.len() as u64) as usize] as char);
                v /= ABC.len() as u64;
            }
        }
        n += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
    const SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
    const Q: &str = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    const SIG: &str = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";

    fn ring() -> KeyRing {
        let mut r = KeyRing::default();
        r.add(KEY, 7, SimKey::Hmac(Secret::new(SECRET)));
        r
    }

    fn params(q: &str) -> Vec<(String, String)> {
        super::super::super::http::parse_query(q)
    }

    #[test]
    fn accepts_the_documented_request_and_rejects_alterations() {
        let r = ring();
        let now = 1499827319559 + 100;
        let full = format!("{Q}&signature={SIG}");
        assert_eq!(
            r.verify_rest(Some(KEY), &full, "", &params(&full), now),
            Ok(7)
        );
        // Case-insensitive hex; signature in the body works too.
        let upper = format!("{Q}&signature={}", SIG.to_uppercase());
        assert_eq!(
            r.verify_rest(Some(KEY), &upper, "", &params(&upper), now),
            Ok(7)
        );
        let body = format!("signature={SIG}");
        assert_eq!(
            r.verify_rest(Some(KEY), Q, &body, &params(&full), now),
            Ok(7)
        );
        let altered = full.replace("quantity=1", "quantity=2");
        let e = r
            .verify_rest(Some(KEY), &altered, "", &params(&altered), now)
            .unwrap_err();
        assert_eq!(e.code, -1022);
        let e = r
            .verify_rest(Some("nope"), &full, "", &params(&full), now)
            .unwrap_err();
        assert_eq!((e.status, e.code), (401, -2015));
        assert_eq!(
            r.verify_rest(None, &full, "", &params(&full), now)
                .unwrap_err()
                .code,
            -2014
        );
        assert_eq!(
            r.verify_rest(Some(KEY), Q, "", &params(Q), now)
                .unwrap_err()
                .code,
            -1102
        );
    }

    #[test]
    fn timestamps_outside_the_window_are_refused() {
        let r = ring();
        let full = format!("{Q}&signature={SIG}");
        let ts = 1499827319559;
        let e = r
            .verify_rest(Some(KEY), &full, "", &params(&full), ts - 1000)
            .unwrap_err();
        assert_eq!(e.code, -1021);
        assert!(e.msg.contains("ahead"));
        let e = r
            .verify_rest(Some(KEY), &full, "", &params(&full), ts + 5001)
            .unwrap_err();
        assert_eq!(e.code, -1021);
        assert!(e.msg.contains("recvWindow"));
        assert!(r
            .verify_rest(Some(KEY), &full, "", &params(&full), ts + 5000)
            .is_ok());
        assert!(r
            .verify_rest(Some(KEY), &full, "", &params(&full), ts - 999)
            .is_ok());
        assert_eq!(
            check_time(Some("1"), Some("60001"), 1).unwrap_err().code,
            -1131
        );
    }

    #[test]
    fn ws_api_requests_are_verified_over_sorted_params() {
        let r = ring();
        let v: serde_json::Value = serde_json::json!({
            "symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "timeInForce": "GTC",
            "quantity": "0.01000000", "price": "52000.00", "recvWindow": 100,
            "timestamp": 1645423376532i64, "apiKey": KEY,
            "signature": "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"
        });
        let m = v.as_object().unwrap();
        assert_eq!(r.verify_ws(m, 1645423376532 + 50), Ok((7, false)));
        let mut bad = m.clone();
        bad.insert("price".into(), "52001.00".into());
        assert_eq!(r.verify_ws(&bad, 1645423376532).unwrap_err().code, -1022);
        assert_eq!(r.verify_ws(m, 1645423376532 + 101).unwrap_err().code, -1021);
    }

    #[test]
    fn ed25519_signatures_verify_and_alterations_fail() {
        use ed25519_dalek::{Signer, SigningKey};
        let sk = SigningKey::from_bytes(&[7u8; 32]);
        let mut r = KeyRing::default();
        r.add("edkey", 3, SimKey::Ed25519(sk.verifying_key()));
        let q = "symbol=BTCUSDT&timestamp=1000";
        let sig = Base64::encode_string(&sk.sign(q.as_bytes()).to_bytes());
        let full = format!("{q}&signature={}", sign::percent_encode(&sig));
        assert_eq!(
            r.verify_rest(Some("edkey"), &full, "", &params(&full), 1100),
            Ok(3)
        );
        let altered = full.replace("1000", "1001");
        assert_eq!(
            r.verify_rest(Some("edkey"), &altered, "", &params(&altered), 1100)
                .unwrap_err()
                .code,
            -1022
        );
    }

    #[test]
    fn tokens_are_alphanumeric_and_differ() {
        let (a, b) = (random_token(64), random_token(64));
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
