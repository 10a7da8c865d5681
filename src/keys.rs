//! API keys: loaded from a keys file (refused when group or others can
//! read it, as ssh does) or from the environment, held in [`Secret`]s that
//! never print, and wiped from memory when dropped.

use crate::config::Mode;
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::Zeroize;

/// A secret string: `Debug` prints `[REDACTED]`, there is no `Display` or
/// `Serialize`, and the bytes are zeroed on drop. Only the signer calls
/// [`Secret::expose`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// How requests are signed for one environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signer {
    Hmac(Secret),
    Ed25519 { private_key_path: PathBuf },
}

/// Credentials for one environment. The API key is not secret in the same
/// way (it is sent in a header) but is still kept off screens and logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    pub api_key: Secret,
    pub signer: Signer,
    /// Where they came from, for messages.
    pub origin: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error("keys file {} can be read by group or others (mode {mode:o}); fix it with: chmod 600 {}", path.display(), path.display())]
    Permissions { path: PathBuf, mode: u32 },
    #[error("cannot read keys file {}: {err}", path.display())]
    Io { path: PathBuf, err: std::io::Error },
    #[error("keys file {}{}: {msg}", path.display(), line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Syntax {
        path: PathBuf,
        line: Option<usize>,
        msg: String,
    },
    #[error("keys file {}: [{section}] {msg}", path.display())]
    Invalid {
        path: PathBuf,
        section: String,
        msg: String,
    },
    #[error("no API key for {mode}: add a [{mode}] section to {} or set TRADETERM_{}_API_KEY and TRADETERM_{}_API_SECRET", file.display(), mode.as_str().to_uppercase(), mode.as_str().to_uppercase())]
    Missing { mode: Mode, file: PathBuf },
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Section {
    #[serde(default)]
    api_key: String,
    #[serde(default)]
    api_secret: String,
    #[serde(default)]
    private_key_path: String,
}

impl Drop for Section {
    fn drop(&mut self) {
        self.api_secret.zeroize();
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    testnet: Option<Section>,
    demo: Option<Section>,
    live: Option<Section>,
}

/// Refuses a keys file that group or others may read.
pub fn check_permissions(path: &Path) -> Result<(), KeysError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(|err| KeysError::Io {
            path: path.to_path_buf(),
            err,
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeysError::Permissions {
                path: path.to_path_buf(),
                mode,
            });
        }
    }
    Ok(())
}

fn from_section(s: &Section, path: &Path, mode: Mode) -> Result<Option<Credentials>, KeysError> {
    if s.api_key.is_empty() && s.api_secret.is_empty() && s.private_key_path.is_empty() {
        return Ok(None);
    }
    let invalid = |msg: &str| KeysError::Invalid {
        path: path.to_path_buf(),
        section: mode.as_str().into(),
        msg: msg.into(),
    };
    if s.api_key.is_empty() {
        return Err(invalid("api_key is empty"));
    }
    let signer = match (s.api_secret.is_empty(), s.private_key_path.is_empty()) {
        (false, true) => Signer::Hmac(Secret::new(s.api_secret.clone())),
        (true, false) => Signer::Ed25519 {
            private_key_path: PathBuf::from(&s.private_key_path),
        },
        (true, true) => {
            return Err(invalid(
                "needs api_secret (HMAC) or private_key_path (Ed25519)",
            ))
        }
        (false, false) => {
            return Err(invalid(
                "give either api_secret or private_key_path, not both",
            ))
        }
    };
    Ok(Some(Credentials {
        api_key: Secret::new(s.api_key.clone()),
        signer,
        origin: path.display().to_string(),
    }))
}

/// Loads the credentials for `mode`: environment variables first
/// (`TRADETERM_<MODE>_API_KEY` + `_API_SECRET`), then the keys file.
pub fn load(mode: Mode, file: &Path, env: &[(String, String)]) -> Result<Credentials, KeysError> {
    let up = mode.as_str().to_uppercase();
    let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if let (Some(key), Some(secret)) = (
        get(&format!("TRADETERM_{up}_API_KEY")),
        get(&format!("TRADETERM_{up}_API_SECRET")),
    ) {
        return Ok(Credentials {
            api_key: Secret::new(key),
            signer: Signer::Hmac(Secret::new(secret)),
            origin: format!("environment (TRADETERM_{up}_API_KEY)"),
        });
    }
    let missing = || KeysError::Missing {
        mode,
        file: file.to_path_buf(),
    };
    if !file.exists() {
        return Err(missing());
    }
    check_permissions(file)?;
    let mut text = std::fs::read_to_string(file).map_err(|err| KeysError::Io {
        path: file.to_path_buf(),
        err,
    })?;
    let parsed: Result<KeysFile, _> = toml::from_str(&text);
    let parsed = parsed.map_err(|e| KeysError::Syntax {
        path: file.to_path_buf(),
        line: e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
        // The message could quote a value: keep only toml's own words.
        msg: e.message().lines().next().unwrap_or("").to_string(),
    });
    text.zeroize();
    let parsed = parsed?;
    let section = match mode {
        Mode::Testnet => parsed.testnet.as_ref(),
        Mode::Demo => parsed.demo.as_ref(),
        Mode::Live => parsed.live.as_ref(),
        Mode::Paper | Mode::Sim => None,
    };
    match section {
        Some(s) => from_section(s, file, mode)?.ok_or_else(missing),
        None => Err(missing()),
    }
}

/// Makes the process non-dumpable (no core files, no ptrace by other
/// users' processes) so keys in memory do not end up on disk.
pub fn harden_process() {
    #[cfg(target_os = "linux")]
    unsafe {
        // SAFETY: plain syscalls with constant arguments; failure is harmless.
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
        let zero = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &zero);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "CANARY-SECRET-7f3a9c";

    fn write(dir: &Path, text: &str, mode: u32) -> PathBuf {
        let p = dir.join("keys.toml");
        std::fs::write(&p, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        p
    }

    #[test]
    fn secrets_never_print() {
        let c = Credentials {
            api_key: Secret::new("k"),
            signer: Signer::Hmac(Secret::new(CANARY)),
            origin: "x".into(),
        };
        let dbg = format!("{c:?}");
        assert!(!dbg.contains(CANARY), "{dbg}");
        assert!(dbg.contains("[REDACTED]"));
    }

    #[cfg(unix)]
    #[test]
    fn readable_keys_file_is_refused_with_the_fix() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            &format!("[testnet]\napi_key = \"k\"\napi_secret = \"{CANARY}\"\n"),
            0o644,
        );
        let e = load(Mode::Testnet, &p, &[]).unwrap_err().to_string();
        assert!(e.contains("chmod 600"), "{e}");
        assert!(!e.contains(CANARY));
        let p = write(
            d.path(),
            &format!("[testnet]\napi_key = \"k\"\napi_secret = \"{CANARY}\"\n"),
            0o600,
        );
        let c = load(Mode::Testnet, &p, &[]).unwrap();
        assert_eq!(c.signer, Signer::Hmac(Secret::new(CANARY)));
    }

    #[test]
    fn errors_never_quote_secrets() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            &format!("[testnet]\napi_key = \"k\"\napi_secret = {CANARY}\n"),
            0o600,
        );
        let e = load(Mode::Testnet, &p, &[]).unwrap_err().to_string();
        assert!(e.contains("line 3"), "{e}");
        assert!(!e.contains(CANARY), "{e}");
        let p = write(
            d.path(),
            &format!(
                "[live]\napi_key = \"k\"\napi_secret = \"{CANARY}\"\nprivate_key_path = \"/x\"\n"
            ),
            0o600,
        );
        let e = load(Mode::Live, &p, &[]).unwrap_err().to_string();
        assert!(e.contains("not both") && !e.contains(CANARY), "{e}");
    }

    #[test]
    fn environment_wins_and_missing_keys_say_how_to_add_them() {
        let d = tempfile::tempdir().unwrap();
        let env = vec![
            ("TRADETERM_DEMO_API_KEY".to_string(), "k".to_string()),
            ("TRADETERM_DEMO_API_SECRET".to_string(), CANARY.to_string()),
        ];
        let c = load(Mode::Demo, &d.path().join("none.toml"), &env).unwrap();
        assert!(c.origin.contains("TRADETERM_DEMO_API_KEY"));
        let e = load(Mode::Live, &d.path().join("none.toml"), &env)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("[live]") && e.contains("TRADETERM_LIVE_API_KEY"),
            "{e}"
        );
    }

    #[test]
    fn example_keys_file_parses() {
        let d = tempfile::tempdir().unwrap();
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/keys.example.toml"))
                .unwrap();
        let p = write(d.path(), &text, 0o600);
        // Every section is empty in the example: keys are missing, not malformed.
        for m in [Mode::Testnet, Mode::Demo, Mode::Live] {
            assert!(matches!(load(m, &p, &[]), Err(KeysError::Missing { .. })));
        }
    }
}
