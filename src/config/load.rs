//! Reading, checking and merging the configuration layers, with the origin
//! of every value kept for `tradeterm config` and for error messages.

use super::{Config, Mode, DEFAULT_TOML};
use crate::domain::Interval;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// Where a value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Default,
    File(PathBuf),
    Env(String),
    Flag(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File(p) => write!(f, "{}", p.display()),
            Source::Env(v) => write!(f, "env {v}"),
            Source::Flag(n) => write!(f, "flag {n}"),
        }
    }
}

/// A configuration problem, worded for the user.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {err}", path.display())]
    Io { path: PathBuf, err: std::io::Error },
    #[error("config file {}{}: {msg}", path.display(), line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Syntax {
        path: PathBuf,
        line: Option<usize>,
        msg: String,
    },
    #[error("{origin}: {what} `{key}` = {value}: {expected}")]
    Invalid {
        origin: String,
        what: &'static str,
        key: String,
        value: String,
        expected: String,
    },
}

/// Values given on the command line (highest priority).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub mode: Option<Mode>,
    pub symbol: Option<String>,
    pub rest_url: Option<String>,
    pub ws_url: Option<String>,
    pub ws_api_url: Option<String>,
    pub fps: Option<u32>,
    pub color: Option<String>,
    pub log_file: Option<String>,
}

/// The merged configuration and the origin of each leaf key.
#[derive(Clone, Debug)]
pub struct Layers {
    pub config: Config,
    pub origins: BTreeMap<String, Source>,
}

impl Layers {
    /// `key = value   # origin` lines, sorted by key.
    pub fn describe(&self) -> String {
        let merged = Value::try_from(&self.config).expect("config serializes");
        let mut leaves = Vec::new();
        flatten("", &merged, &mut leaves);
        let mut out = String::new();
        for (k, v) in leaves {
            let origin = self.origins.get(&k).cloned().unwrap_or(Source::Default);
            out.push_str(&format!("{k} = {v}   # {origin}\n"));
        }
        out
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        other => out.push((prefix.to_string(), other.clone())),
    }
}

/// Tables whose keys are the user's (asset names), not a fixed schema: a
/// layer adds or overrides entries, each a string.
fn is_map(key: &str) -> bool {
    key == "paper.balances"
}

/// Allowed values for keys that are enumerations.
fn choices(key: &str) -> Option<Vec<&'static str>> {
    Some(match key {
        "mode" => Mode::ALL.iter().map(|m| m.as_str()).collect(),
        "ui.color" => vec!["auto", "truecolor", "256", "16", "never"],
        "ui.layout" => vec!["auto", "full", "compact"],
        "ui.glyphs" => vec!["ascii", "box"],
        "ui.overlays" => super::Overlay::NAMES.to_vec(),
        "ui.sub_pane" => super::SubPane::NAMES.to_vec(),
        "market.interval" => Interval::ALL.iter().map(|i| i.as_str()).collect(),
        _ => return None,
    })
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "true or false",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

/// Line of `key` in a TOML text (best effort: the last path segment as an
/// assignment, after the table header of the rest of the path).
fn line_of(text: &str, key: &str) -> Option<usize> {
    let (table, leaf) = match key.rsplit_once('.') {
        Some((t, l)) => (Some(t), l),
        None => (None, key),
    };
    let mut in_table = table.is_none();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            let name = t.trim_matches(|c| c == '[' || c == ']').trim();
            in_table = Some(name) == table;
            continue;
        }
        let assigns = t
            .strip_prefix(leaf)
            .map(|r| r.trim_start().starts_with('='))
            .unwrap_or(false);
        if in_table && assigns {
            return Some(i + 1);
        }
        // Dotted keys (`ui.fps = 3`) at top level.
        if table.is_some()
            && t.strip_prefix(key)
                .map(|r| r.trim_start().starts_with('='))
                .unwrap_or(false)
        {
            return Some(i + 1);
        }
    }
    None
}

/// One configuration layer being merged.
struct Layer<'a> {
    origin: Source,
    text: Option<&'a str>,
}

impl Layer<'_> {
    fn describe(&self, key: &str) -> String {
        match (&self.origin, self.text) {
            (Source::File(p), Some(text)) => match line_of(text, key) {
                Some(l) => format!("config file {} line {l}", p.display()),
                None => format!("config file {}", p.display()),
            },
            (Source::Env(v), _) => format!("environment variable {v}"),
            (Source::Flag(f), _) => format!("flag {f}"),
            (o, _) => o.to_string(),
        }
    }
}

/// Checks every leaf of `layer` against the defaults' shape and merges it
/// into `into`, recording origins.
fn merge(
    into: &mut Table,
    layer: &Table,
    defaults: &Table,
    prefix: &str,
    src: &Layer<'_>,
    origins: &mut BTreeMap<String, Source>,
) -> Result<(), ConfigError> {
    for (k, v) in layer {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        let Some(def) = defaults.get(k) else {
            let known: Vec<&str> = defaults.keys().map(|s| s.as_str()).collect();
            return Err(ConfigError::Invalid {
                origin: src.describe(&key),
                what: "unknown key",
                key,
                value: short(v),
                expected: format!("expected one of: {}", known.join(", ")),
            });
        };
        match (def, v) {
            (Value::Table(_), Value::Table(lt)) if is_map(&key) => {
                let slot = into
                    .entry(k.clone())
                    .or_insert_with(|| Value::Table(Table::new()));
                let Value::Table(st) = slot else {
                    unreachable!("defaults and merged share shape")
                };
                for (name, amount) in lt {
                    let leaf = format!("{key}.{name}");
                    if !amount.is_str() {
                        return Err(invalid(
                            src,
                            &leaf,
                            amount,
                            "expected an amount as a string, e.g. \"100\"".into(),
                        ));
                    }
                    st.insert(name.clone(), amount.clone());
                    origins.insert(leaf, src.origin.clone());
                }
            }
            (Value::Table(dt), Value::Table(lt)) => {
                let slot = into
                    .entry(k.clone())
                    .or_insert_with(|| Value::Table(Table::new()));
                let Value::Table(st) = slot else {
                    unreachable!("defaults and merged share shape")
                };
                merge(st, lt, dt, &key, src, origins)?;
            }
            (Value::Table(_), other) => {
                return Err(invalid(src, &key, other, "expected a table".into()))
            }
            (d, other) => {
                let ok = std::mem::discriminant(d) == std::mem::discriminant(other)
                    || matches!((d, other), (Value::Float(_), Value::Integer(_)));
                if !ok {
                    return Err(invalid(
                        src,
                        &key,
                        other,
                        format!("expected {}", type_name(d)),
                    ));
                }
                let other = match (d, other) {
                    (Value::Float(_), Value::Integer(i)) => Value::Float(*i as f64),
                    _ => other.clone(),
                };
                if let (Some(allowed), Value::String(s)) = (choices(&key), &other) {
                    if !allowed.contains(&s.as_str()) {
                        return Err(invalid(
                            src,
                            &key,
                            &other,
                            format!("expected one of: {}", allowed.join(", ")),
                        ));
                    }
                }
                if let Value::Array(items) = &other {
                    if let Some(bad) = items.iter().find(|i| !i.is_str()) {
                        return Err(invalid(src, &key, bad, "expected a list of strings".into()));
                    }
                    // A list of choices (`ui.overlays`): each item is one.
                    if let Some(allowed) = choices(&key) {
                        let unknown = items
                            .iter()
                            .find(|i| !i.as_str().is_some_and(|s| allowed.contains(&s)));
                        if let Some(bad) = unknown {
                            let expected = format!("expected one of: {}", allowed.join(", "));
                            return Err(invalid(src, &key, bad, expected));
                        }
                    }
                }
                into.insert(k.clone(), other);
                origins.insert(key, src.origin.clone());
            }
        }
    }
    Ok(())
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 60 {
        format!("{}...", &s[..57])
    } else {
        s
    }
}

fn invalid(src: &Layer<'_>, key: &str, v: &Value, expected: String) -> ConfigError {
    ConfigError::Invalid {
        origin: src.describe(key),
        what: "key",
        key: key.to_string(),
        value: short(v),
        expected,
    }
}

fn parse_file(path: &Path, text: &str) -> Result<Table, ConfigError> {
    text.parse::<Table>().map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        ConfigError::Syntax {
            path: path.to_path_buf(),
            line,
            msg: e.message().to_string(),
        }
    })
}

/// Reads a TOML value from an environment string: numbers, booleans and
/// lists as TOML, anything else as a plain string.
fn env_value(raw: &str) -> Value {
    let probe = format!("v = {raw}");
    match probe.parse::<Table>() {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| Value::String(raw.to_string())),
        Err(_) => Value::String(raw.to_string()),
    }
}

/// Builds the effective configuration.
///
/// `user_file` is the platform config file (skipped when missing);
/// `explicit` is `--config PATH` (an error when missing); `env` holds the
/// process environment (only `TRADETERM_*` keys matter).
pub fn load(
    user_file: Option<&Path>,
    explicit: Option<&Path>,
    env: &[(String, String)],
    ov: &Overrides,
) -> Result<Layers, ConfigError> {
    let defaults: Table = DEFAULT_TOML.parse().expect("embedded defaults parse");
    let mut merged = defaults.clone();
    let mut origins = BTreeMap::new();

    let mut files: Vec<(PathBuf, bool)> = Vec::new();
    if let Some(p) = user_file {
        files.push((p.to_path_buf(), false));
    }
    if let Some(p) = explicit {
        files.push((p.to_path_buf(), true));
    }
    for (path, required) in files {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(ConfigError::Io { path, err }),
        };
        let table = parse_file(&path, &text)?;
        let layer = Layer {
            origin: Source::File(path.clone()),
            text: Some(&text),
        };
        merge(&mut merged, &table, &defaults, "", &layer, &mut origins)?;
    }

    for (name, raw) in env {
        let Some(rest) = name.strip_prefix("TRADETERM_") else {
            continue;
        };
        let mut path: Vec<String> = rest.to_lowercase().split("__").map(String::from).collect();
        // `TRADETERM_PAPER__BALANCES__SOL=5`: the asset keeps its case and
        // the amount stays a string.
        let map_entry = path.len() == 3 && is_map(&path[..2].join("."));
        if map_entry {
            path[2] = path[2].to_uppercase();
        }
        let known = map_entry || lookup(&defaults, &path).is_some();
        if !known {
            if rest.contains("__") || matches!(rest, "MODE" | "SYMBOL" | "WATCHLIST") {
                return Err(ConfigError::Invalid {
                    origin: format!("environment variable {name}"),
                    what: "unknown key",
                    key: path.join("."),
                    value: raw.clone(),
                    expected: "expected TRADETERM_<SECTION>__<KEY>, e.g. TRADETERM_UI__FPS".into(),
                });
            }
            // Other TRADETERM_* variables (API keys, TRADETERM_CONFIG_DIR)
            // belong to other parts of the program.
            continue;
        }
        let mut layer_table = Table::new();
        let value = if map_entry {
            Value::String(raw.clone())
        } else {
            env_value(raw)
        };
        insert_path(&mut layer_table, &path, value);
        let layer = Layer {
            origin: Source::Env(name.clone()),
            text: None,
        };
        merge(
            &mut merged,
            &layer_table,
            &defaults,
            "",
            &layer,
            &mut origins,
        )?;
    }

    let mode_now = merged
        .get("mode")
        .and_then(|v| v.as_str())
        .unwrap_or("paper")
        .to_string();
    let mut flags: Vec<(&'static str, Vec<String>, Value)> = Vec::new();
    if let Some(m) = ov.mode {
        flags.push((
            "--mode",
            vec!["mode".into()],
            Value::String(m.as_str().into()),
        ));
    }
    let mode = ov.mode.map(|m| m.as_str().to_string()).unwrap_or(mode_now);
    if let Some(s) = &ov.symbol {
        flags.push(("--symbol", vec!["symbol".into()], Value::String(s.clone())));
    }
    for (flag, key, val) in [
        ("--rest-url", "rest", &ov.rest_url),
        ("--ws-url", "ws", &ov.ws_url),
        ("--ws-api-url", "ws_api", &ov.ws_api_url),
    ] {
        if let Some(v) = val {
            flags.push((
                flag,
                vec!["endpoints".into(), mode.clone(), key.into()],
                Value::String(v.clone()),
            ));
        }
    }
    if let Some(f) = ov.fps {
        flags.push((
            "--fps",
            vec!["ui".into(), "fps".into()],
            Value::Integer(f as i64),
        ));
    }
    if let Some(c) = &ov.color {
        flags.push((
            "--color",
            vec!["ui".into(), "color".into()],
            Value::String(c.clone()),
        ));
    }
    if let Some(l) = &ov.log_file {
        flags.push((
            "--log-file",
            vec!["paths".into(), "log_file".into()],
            Value::String(l.clone()),
        ));
    }
    for (flag, path, value) in flags {
        let mut t = Table::new();
        insert_path(&mut t, &path, value);
        let layer = Layer {
            origin: Source::Flag(flag),
            text: None,
        };
        merge(&mut merged, &t, &defaults, "", &layer, &mut origins)?;
    }

    let config: Config = Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| ConfigError::Invalid {
            origin: "merged configuration".into(),
            what: "value",
            key: String::new(),
            value: String::new(),
            expected: e.message().to_string(),
        })?;
    validate_with(&config, &origins)?;
    Ok(Layers { config, origins })
}

fn lookup<'a>(t: &'a Table, path: &[String]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let v = t.get(first)?;
    if rest.is_empty() {
        Some(v)
    } else {
        lookup(v.as_table()?, rest)
    }
}

fn insert_path(t: &mut Table, path: &[String], v: Value) {
    let (first, rest) = path.split_first().expect("non-empty key path");
    if rest.is_empty() {
        t.insert(first.clone(), v);
    } else {
        let e = t
            .entry(first.clone())
            .or_insert_with(|| Value::Table(Table::new()));
        if let Value::Table(inner) = e {
            insert_path(inner, rest, v);
        }
    }
}

/// Range and format checks on the merged values.
#[cfg(test)]
pub(crate) fn validate(c: &Config) -> Result<(), ConfigError> {
    validate_with(c, &BTreeMap::new())
}

fn validate_with(c: &Config, origins: &BTreeMap<String, Source>) -> Result<(), ConfigError> {
    let fail = |key: &str, value: String, expected: &str| -> ConfigError {
        ConfigError::Invalid {
            origin: origins
                .get(key)
                .map(|o| match o {
                    Source::File(p) => match std::fs::read_to_string(p)
                        .ok()
                        .and_then(|t| line_of(&t, key))
                    {
                        Some(l) => format!("config file {} line {l}", p.display()),
                        None => format!("config file {}", p.display()),
                    },
                    Source::Env(v) => format!("environment variable {v}"),
                    Source::Flag(f) => format!("flag {f}"),
                    Source::Default => "defaults".into(),
                })
                .unwrap_or_else(|| "defaults".into()),
            what: "key",
            key: key.to_string(),
            value,
            expected: expected.to_string(),
        }
    };
    let sym_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 20
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    };
    if !sym_ok(&c.symbol) {
        return Err(fail(
            "symbol",
            format!("{:?}", c.symbol),
            "expected an upper-case Binance symbol such as \"BTCUSDT\"",
        ));
    }
    if let Some(bad) = c.watchlist.iter().find(|s| !sym_ok(s)) {
        return Err(fail(
            "watchlist",
            format!("{bad:?}"),
            "expected upper-case Binance symbols such as \"ETHUSDT\"",
        ));
    }
    if !(1..=60).contains(&c.ui.fps) {
        return Err(fail("ui.fps", c.ui.fps.to_string(), "expected 1 to 60"));
    }
    if !(1..=50).contains(&c.ui.book_depth) {
        return Err(fail(
            "ui.book_depth",
            c.ui.book_depth.to_string(),
            "expected 1 to 50",
        ));
    }
    if !(10..=5000).contains(&c.ui.tape_len) {
        return Err(fail(
            "ui.tape_len",
            c.ui.tape_len.to_string(),
            "expected 10 to 5000",
        ));
    }
    if !(5..=5000).contains(&c.market.snapshot_limit) {
        return Err(fail(
            "market.snapshot_limit",
            c.market.snapshot_limit.to_string(),
            "expected 5 to 5000",
        ));
    }
    if !(1..=1000).contains(&c.market.klines_history) {
        return Err(fail(
            "market.klines_history",
            c.market.klines_history.to_string(),
            "expected 1 to 1000",
        ));
    }
    let n = &c.network;
    for (key, v, lo, hi) in [
        (
            "network.connect_timeout_secs",
            n.connect_timeout_secs,
            1,
            300,
        ),
        (
            "network.request_timeout_secs",
            n.request_timeout_secs,
            1,
            300,
        ),
        (
            "network.silence_timeout_secs",
            n.silence_timeout_secs,
            1,
            3600,
        ),
        (
            "network.max_connection_age_secs",
            n.max_connection_age_secs,
            10,
            86_400,
        ),
        (
            "network.backoff_initial_ms",
            n.backoff_initial_ms,
            10,
            600_000,
        ),
        ("network.backoff_max_ms", n.backoff_max_ms, 10, 3_600_000),
        ("network.time_sync_secs", n.time_sync_secs, 10, 86_400),
    ] {
        if !(lo..=hi).contains(&v) {
            return Err(fail(key, v.to_string(), &format!("expected {lo} to {hi}")));
        }
    }
    if !(c.sim.speed > 0.0 && c.sim.speed <= 1000.0) {
        return Err(fail(
            "sim.speed",
            c.sim.speed.to_string(),
            "expected more than 0 and at most 1000",
        ));
    }
    super::trading::validate(c, &fail)?;
    super::chart::validate(c, &fail)?;
    for (mode, ep) in &c.endpoints {
        for (k, url, schemes) in [
            ("rest", &ep.rest, &["http://", "https://"][..]),
            ("ws", &ep.ws, &["ws://", "wss://"][..]),
            ("ws_api", &ep.ws_api, &["ws://", "wss://"][..]),
        ] {
            if !url.is_empty() && !schemes.iter().any(|s| url.starts_with(s)) {
                return Err(fail(
                    &format!("endpoints.{mode}.{k}"),
                    format!("{url:?}"),
                    &format!("expected a URL starting with {}", schemes.join(" or ")),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn layers_apply_in_order_with_origins() {
        let d = tempfile::tempdir().unwrap();
        let user = write(
            d.path(),
            "user.toml",
            "symbol = \"ETHUSDT\"\n[ui]\nfps = 5\n",
        );
        let expl = write(d.path(), "x.toml", "[ui]\nfps = 7\n");
        let env = vec![("TRADETERM_UI__BOOK_DEPTH".to_string(), "20".to_string())];
        let ov = Overrides {
            mode: Some(Mode::Sim),
            rest_url: Some("http://127.0.0.1:1".into()),
            ..Default::default()
        };
        let l = load(Some(&user), Some(&expl), &env, &ov).unwrap();
        assert_eq!(l.config.symbol, "ETHUSDT");
        assert_eq!(l.config.ui.fps, 7);
        assert_eq!(l.config.ui.book_depth, 20);
        assert_eq!(l.config.mode, Mode::Sim);
        assert_eq!(l.config.endpoints().rest, "http://127.0.0.1:1");
        assert_eq!(l.origins["symbol"], Source::File(user.clone()));
        assert_eq!(l.origins["ui.fps"], Source::File(expl.clone()));
        assert_eq!(
            l.origins["ui.book_depth"],
            Source::Env("TRADETERM_UI__BOOK_DEPTH".into())
        );
        assert_eq!(l.origins["endpoints.sim.rest"], Source::Flag("--rest-url"));
        assert!(l.describe().contains("ui.fps = 7   # "));
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "c.toml", "# hi\n[ui]\nfsp = 10\n");
        let e = load(None, Some(&p), &[], &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("c.toml line 3"), "{e}");
        assert!(e.contains("unknown key `ui.fsp`"), "{e}");
        assert!(e.contains("fps"), "{e}");
    }

    #[test]
    fn wrong_type_and_bad_choice_and_range() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "c.toml", "[ui]\nfps = \"fast\"\n");
        let e = load(None, Some(&p), &[], &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2")
                && e.contains("`ui.fps` = \"fast\"")
                && e.contains("expected an integer"),
            "{e}"
        );
        let p = write(d.path(), "c2.toml", "[ui]\ncolor = \"pink\"\n");
        let e = load(None, Some(&p), &[], &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("expected one of: auto, truecolor, 256, 16, never"),
            "{e}"
        );
        let p = write(d.path(), "c3.toml", "[ui]\nfps = 500\n");
        let e = load(None, Some(&p), &[], &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("c3.toml line 2") && e.contains("expected 1 to 60"),
            "{e}"
        );
    }

    #[test]
    fn syntax_error_names_the_line() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "c.toml", "mode = \"paper\"\nsymbol = \n");
        let e = load(None, Some(&p), &[], &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("c.toml line 2"), "{e}");
    }

    #[test]
    fn env_errors_name_the_variable() {
        let env = vec![("TRADETERM_UI__FPZ".to_string(), "3".to_string())];
        let e = load(None, None, &env, &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("TRADETERM_UI__FPZ"), "{e}");
        let env = vec![("TRADETERM_LIVE_API_KEY".to_string(), "x".to_string())];
        assert!(load(None, None, &env, &Overrides::default()).is_ok());
    }

    #[test]
    fn missing_explicit_file_is_an_error_but_missing_user_file_is_not() {
        let d = tempfile::tempdir().unwrap();
        let missing = d.path().join("nope.toml");
        assert!(load(Some(&missing), None, &[], &Overrides::default()).is_ok());
        let e = load(None, Some(&missing), &[], &Overrides::default()).unwrap_err();
        assert!(e.to_string().contains("nope.toml"));
    }
}
