//! Layered settings: the embedded `config/default.toml` < the user file in
//! the platform config dir < `--config PATH` < `TRADETERM_*` environment <
//! flags. Each layer is checked on its own so an error names the file (or
//! variable), the line, the key and what was expected.

mod chart;
mod load;
pub mod paths;
mod trading;

pub use chart::{Overlay, SubPane, MAX_PERIOD};
pub use load::{load, ConfigError, Layers, Overrides, Source};
pub use trading::{PaperCfg, RiskCfg};

use crate::domain::Interval;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The embedded defaults.
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

/// Where orders go and which market data is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Paper,
    Sim,
    Testnet,
    Demo,
    Live,
}

impl Mode {
    pub const ALL: [Mode; 5] = [
        Mode::Paper,
        Mode::Sim,
        Mode::Testnet,
        Mode::Demo,
        Mode::Live,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Paper => "paper",
            Mode::Sim => "sim",
            Mode::Testnet => "testnet",
            Mode::Demo => "demo",
            Mode::Live => "live",
        }
    }

    /// The badge in the status bar.
    pub fn badge(self) -> &'static str {
        match self {
            Mode::Paper => "PAPER",
            Mode::Sim => "SIM",
            Mode::Testnet => "TESTNET",
            Mode::Demo => "DEMO",
            Mode::Live => "LIVE",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Endpoints {
    pub rest: String,
    pub ws: String,
    pub ws_api: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketCfg {
    pub interval: String,
    pub snapshot_limit: u32,
    pub klines_history: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkCfg {
    pub connect_timeout_secs: u64,
    pub request_timeout_secs: u64,
    pub silence_timeout_secs: u64,
    pub max_connection_age_secs: u64,
    pub backoff_initial_ms: u64,
    pub backoff_max_ms: u64,
    pub time_sync_secs: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    Auto,
    Truecolor,
    #[serde(rename = "256")]
    C256,
    #[serde(rename = "16")]
    C16,
    Never,
}

impl ColorChoice {
    pub fn parse(s: &str) -> Option<ColorChoice> {
        Some(match s {
            "auto" => ColorChoice::Auto,
            "truecolor" => ColorChoice::Truecolor,
            "256" => ColorChoice::C256,
            "16" => ColorChoice::C16,
            "never" => ColorChoice::Never,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayoutChoice {
    Auto,
    Full,
    Compact,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Glyphs {
    Ascii,
    Box,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiCfg {
    pub fps: u32,
    pub color: ColorChoice,
    pub book_depth: u32,
    pub tape_len: u32,
    pub layout: LayoutChoice,
    pub glyphs: Glyphs,
    /// Indicators drawn over the candles at start (`E`/`B` toggle them).
    pub overlays: Vec<Overlay>,
    /// The indicator pane under the chart at start (`I` cycles it).
    pub sub_pane: SubPane,
    pub ema_fast: u32,
    pub ema_slow: u32,
    pub bb_period: u32,
    pub bb_stddev: f64,
    pub rsi_period: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimCfg {
    pub port: u16,
    pub seed: u64,
    pub speed: f64,
    pub faults: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathsCfg {
    pub log_file: String,
}

/// The effective configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub mode: Mode,
    pub symbol: String,
    pub watchlist: Vec<String>,
    pub endpoints: BTreeMap<Mode, Endpoints>,
    pub market: MarketCfg,
    pub network: NetworkCfg,
    pub ui: UiCfg,
    pub sim: SimCfg,
    pub paths: PathsCfg,
    pub risk: RiskCfg,
    pub paper: PaperCfg,
    pub strategies: StrategiesCfg,
}

/// Strategy instances (`[strategies]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategiesCfg {
    /// Start the instances that were running when the last session ended
    /// (otherwise they come back stopped).
    pub resume_on_start: bool,
    /// Cancel an instance's open orders when it stops.
    pub cancel_on_stop: bool,
}

impl Config {
    /// The embedded defaults alone (tests and `config --default`).
    pub fn defaults() -> Config {
        toml::from_str(DEFAULT_TOML).expect("embedded default.toml is valid")
    }

    /// Endpoints of the active mode.
    pub fn endpoints(&self) -> Endpoints {
        self.endpoints.get(&self.mode).cloned().unwrap_or_default()
    }

    pub fn interval(&self) -> Interval {
        Interval::parse(&self.market.interval).unwrap_or(Interval::M1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_defaults_parse_and_validate() {
        let c = Config::defaults();
        assert_eq!(c.mode, Mode::Paper);
        assert_eq!(c.symbol, "BTCUSDT");
        load::validate(&c).unwrap();
        for m in Mode::ALL {
            assert!(c.endpoints.contains_key(&m), "endpoints for {m}");
        }
    }
}
