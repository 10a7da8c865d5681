//! The one place secrets are used: turns [`Credentials`] into request
//! signatures. HMAC-SHA256 gives lowercase hex; Ed25519 (Binance's
//! recommended key type, required for `session.logon`) gives base64, which
//! a REST query carries percent-encoded. Nothing here logs, and `Debug`
//! prints no key material.

use super::sign;
use crate::keys::{Credentials, Secret, Signer};
use base64ct::{Base64, Encoding};
use ed25519_dalek::pkcs8::DecodePrivateKey;
use ed25519_dalek::{Signer as _, SigningKey};
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::Zeroize;

#[derive(Debug, thiserror::Error)]
pub enum SignerError {
    #[error("cannot read the Ed25519 private key {}: {reason}", path.display())]
    KeyFile { path: PathBuf, reason: String },
    #[error("{} is not an Ed25519 private key in PKCS#8 PEM form (-----BEGIN PRIVATE KEY-----)", path.display())]
    BadKey { path: PathBuf },
    #[error(transparent)]
    Permissions(#[from] crate::keys::KeysError),
}

/// Loads an Ed25519 private key from a PKCS#8 PEM file that only its owner
/// can read (as ssh requires of private keys).
pub fn load_ed25519(path: &Path) -> Result<SigningKey, SignerError> {
    crate::keys::check_permissions(path)?;
    let mut pem = std::fs::read_to_string(path).map_err(|e| SignerError::KeyFile {
        path: path.to_path_buf(),
        reason: e.kind().to_string(),
    })?;
    let key = SigningKey::from_pkcs8_pem(pem.trim());
    pem.zeroize();
    key.map_err(|_| SignerError::BadKey {
        path: path.to_path_buf(),
    })
}

enum Kind {
    Hmac(Secret),
    Ed25519(Box<SigningKey>),
}

/// Signs requests for one API key.
pub struct RequestSigner {
    api_key: Secret,
    kind: Kind,
}

impl fmt::Debug for RequestSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            Kind::Hmac(_) => "HMAC",
            Kind::Ed25519(_) => "Ed25519",
        };
        write!(f, "RequestSigner({kind}, [REDACTED])")
    }
}

impl RequestSigner {
    /// From loaded credentials (reads the Ed25519 key file once).
    pub fn from_credentials(c: &Credentials) -> Result<Self, SignerError> {
        let kind = match &c.signer {
            Signer::Hmac(s) => Kind::Hmac(s.clone()),
            Signer::Ed25519 { private_key_path } => {
                Kind::Ed25519(Box::new(load_ed25519(private_key_path)?))
            }
        };
        Ok(RequestSigner {
            api_key: c.api_key.clone(),
            kind,
        })
    }

    pub fn hmac(api_key: Secret, secret: Secret) -> Self {
        RequestSigner {
            api_key,
            kind: Kind::Hmac(secret),
        }
    }

    pub fn ed25519(api_key: Secret, key: SigningKey) -> Self {
        RequestSigner {
            api_key,
            kind: Kind::Ed25519(Box::new(key)),
        }
    }

    pub fn is_ed25519(&self) -> bool {
        matches!(self.kind, Kind::Ed25519(_))
    }

    /// The API key, for the `X-MBX-APIKEY` header and WS API params only.
    pub(crate) fn api_key(&self) -> &str {
        self.api_key.expose()
    }

    fn raw(&self, payload: &str) -> String {
        match &self.kind {
            Kind::Hmac(s) => sign::hmac_sha256_hex(s.expose().as_bytes(), payload),
            Kind::Ed25519(k) => Base64::encode_string(&k.sign(payload.as_bytes()).to_bytes()),
        }
    }

    /// The `signature` value for a REST payload, ready to append to the
    /// query (Ed25519's base64 percent-encoded).
    pub fn sign_rest(&self, payload: &str) -> String {
        match self.kind {
            Kind::Hmac(_) => self.raw(payload),
            Kind::Ed25519(_) => sign::percent_encode(&self.raw(payload)),
        }
    }

    /// The `signature` param for a WS API payload (raw hex / base64).
    pub fn sign_ws(&self, payload: &str) -> String {
        self.raw(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    use ed25519_dalek::{Signature, Verifier};

    #[test]
    fn hmac_matches_the_documented_vector() {
        let s = RequestSigner::hmac(
            Secret::new("k"),
            Secret::new("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"),
        );
        let p = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
        assert_eq!(
            s.sign_rest(p),
            "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
        );
    }

    #[test]
    fn ed25519_round_trip_through_a_pem_file() {
        let sk = SigningKey::from_bytes(&[42u8; 32]);
        let pem = sk.to_pkcs8_pem(Default::default()).unwrap();
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("ed.pem");
        std::fs::write(&p, pem.as_bytes()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(load_ed25519(&p), Err(SignerError::Permissions(_))));
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let c = Credentials {
            api_key: Secret::new("k"),
            signer: Signer::Ed25519 {
                private_key_path: p.clone(),
            },
            origin: "t".into(),
        };
        let s = RequestSigner::from_credentials(&c).unwrap();
        assert!(s.is_ed25519());
        let payload = "symbol=BTCUSDT&timestamp=1";
        let b64 = s.sign_ws(payload);
        let bytes = Base64::decode_vec(&b64).unwrap();
        let sig = Signature::from_slice(&bytes).unwrap();
        assert!(sk.verifying_key().verify(payload.as_bytes(), &sig).is_ok());
        assert!(sk.verifying_key().verify(b"other", &sig).is_err());
        // REST carries it percent-encoded.
        assert_eq!(s.sign_rest(payload), sign::percent_encode(&b64));
        assert!(!format!("{s:?}").contains('k') || format!("{s:?}").contains("REDACTED"));
        std::fs::write(&p, "not a key").unwrap();
        assert!(matches!(load_ed25519(&p), Err(SignerError::BadKey { .. })));
    }
}
