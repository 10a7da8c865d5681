//! The chart overlay settings of `[ui]`: which indicators start on, and
//! their periods. Their shapes are checked against the defaults in `load`
//! like every key; the ranges and the fast/slow order are checked here.

use super::{Config, ConfigError};
use serde::{Deserialize, Serialize};

/// An indicator drawn over the candles, in the candles' price scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Overlay {
    /// Two exponential moving averages (`ema_fast`, `ema_slow`).
    Ema,
    /// Bollinger Bands (`bb_period`, `bb_stddev`).
    Bb,
}

impl Overlay {
    /// The names `ui.overlays` accepts, for the error message.
    pub const NAMES: [&'static str; 2] = ["ema", "bb"];
}

/// The indicator pane under the chart, which has a scale of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubPane {
    #[default]
    Off,
    /// RSI (`rsi_period`) with the 30/70 guides.
    Rsi,
    /// MACD 12/26/9: line, signal and histogram.
    Macd,
}

impl SubPane {
    pub const NAMES: [&'static str; 3] = ["off", "rsi", "macd"];

    /// The next state of the cycle key: off, RSI, MACD, off.
    pub fn next(self) -> SubPane {
        match self {
            SubPane::Off => SubPane::Rsi,
            SubPane::Rsi => SubPane::Macd,
            SubPane::Macd => SubPane::Off,
        }
    }
}

/// Longest period accepted: the chart never holds more than
/// `market.klines_history` (at most 1000) candles, and a period longer than
/// half of that would leave little to draw after the warm-up.
pub const MAX_PERIOD: u32 = 500;

/// Range checks; `fail(key, value, expected)` words the error with the
/// key's origin (file and line, variable or flag).
pub(super) fn validate(
    c: &Config,
    fail: &dyn Fn(&str, String, &str) -> ConfigError,
) -> Result<(), ConfigError> {
    let u = &c.ui;
    for (key, v) in [
        ("ui.ema_fast", u.ema_fast),
        ("ui.ema_slow", u.ema_slow),
        ("ui.bb_period", u.bb_period),
        ("ui.rsi_period", u.rsi_period),
    ] {
        if !(2..=MAX_PERIOD).contains(&v) {
            return Err(fail(
                key,
                v.to_string(),
                &format!("expected a period of 2 to {MAX_PERIOD} candles"),
            ));
        }
    }
    if u.ema_fast >= u.ema_slow {
        return Err(fail(
            "ui.ema_fast",
            u.ema_fast.to_string(),
            &format!(
                "expected less than ui.ema_slow ({}): the fast average is the shorter one",
                u.ema_slow
            ),
        ));
    }
    if !(u.bb_stddev.is_finite() && u.bb_stddev > 0.0 && u.bb_stddev <= 10.0) {
        return Err(fail(
            "ui.bb_stddev",
            u.bb_stddev.to_string(),
            "expected more than 0 and at most 10 standard deviations",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{load, Config, Overrides};
    use super::*;
    use std::path::PathBuf;

    fn load_text(text: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().unwrap();
        let p: PathBuf = dir.path().join("c.toml");
        std::fs::write(&p, text).unwrap();
        load(None, Some(&p), &[], &Overrides::default())
            .map(|l| l.config)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_are_the_documented_values() {
        let u = Config::defaults().ui;
        assert_eq!(u.overlays, vec![Overlay::Ema]);
        assert_eq!(u.sub_pane, SubPane::Off);
        assert_eq!((u.ema_fast, u.ema_slow), (20, 50));
        assert_eq!((u.bb_period, u.bb_stddev), (20, 2.0));
        assert_eq!(u.rsi_period, 14);
    }

    #[test]
    fn overlays_and_periods_load_from_a_file() {
        let c = load_text(
            "[ui]\noverlays = [\"bb\", \"ema\"]\nsub_pane = \"macd\"\nema_fast = 9\n\
             ema_slow = 21\nbb_period = 10\nbb_stddev = 3\nrsi_period = 7\n",
        )
        .unwrap();
        let u = c.ui;
        assert_eq!(u.overlays, vec![Overlay::Bb, Overlay::Ema]);
        assert_eq!(u.sub_pane, SubPane::Macd);
        assert_eq!((u.ema_fast, u.ema_slow, u.bb_period), (9, 21, 10));
        assert_eq!((u.bb_stddev, u.rsi_period), (3.0, 7));
        let c = load_text("[ui]\noverlays = []\n").unwrap();
        assert!(c.ui.overlays.is_empty());
    }

    #[test]
    fn bad_values_name_file_line_and_key() {
        let e = load_text("[ui]\nfps = 15\noverlays = [\"ema\", \"sma\"]\n").unwrap_err();
        assert!(
            e.contains("c.toml line 3")
                && e.contains("`ui.overlays` = \"sma\"")
                && e.contains("expected one of: ema, bb"),
            "{e}"
        );
        let e = load_text("[ui]\nsub_pane = \"stoch\"\n").unwrap_err();
        assert!(
            e.contains("c.toml line 2")
                && e.contains("`ui.sub_pane`")
                && e.contains("expected one of: off, rsi, macd"),
            "{e}"
        );
        let e = load_text("[ui]\noverlays = \"ema\"\n").unwrap_err();
        assert!(e.contains("`ui.overlays`") && e.contains("a list"), "{e}");
        let e = load_text("\n[ui]\nrsi_period = 1\n").unwrap_err();
        assert!(
            e.contains("c.toml line 3")
                && e.contains("`ui.rsi_period` = 1")
                && e.contains("2 to 500"),
            "{e}"
        );
        let e = load_text("[ui]\nbb_period = 501\n").unwrap_err();
        assert!(e.contains("`ui.bb_period` = 501"), "{e}");
        let e = load_text("[ui]\nema_fast = 60\n").unwrap_err();
        assert!(
            e.contains("c.toml line 2")
                && e.contains("`ui.ema_fast` = 60")
                && e.contains("less than ui.ema_slow (50)"),
            "{e}"
        );
        let e = load_text("[ui]\nbb_stddev = 0\n").unwrap_err();
        assert!(
            e.contains("`ui.bb_stddev` = 0") && e.contains("more than 0"),
            "{e}"
        );
        let e = load_text("[ui]\nbb_stddev = nan\n").unwrap_err();
        assert!(e.contains("`ui.bb_stddev` = NaN"), "{e}");
        let e = load_text("[ui]\nema_slow = 2.5\n").unwrap_err();
        assert!(e.contains("expected an integer"), "{e}");
    }

    #[test]
    fn environment_variables_set_them_too() {
        let env = vec![
            ("TRADETERM_UI__OVERLAYS".into(), "[\"ema\", \"bb\"]".into()),
            ("TRADETERM_UI__SUB_PANE".into(), "rsi".into()),
            ("TRADETERM_UI__BB_STDDEV".into(), "2.5".into()),
        ];
        let u = load(None, None, &env, &Overrides::default())
            .unwrap()
            .config
            .ui;
        assert_eq!(u.overlays, vec![Overlay::Ema, Overlay::Bb]);
        assert_eq!((u.sub_pane, u.bb_stddev), (SubPane::Rsi, 2.5));
        let env = vec![("TRADETERM_UI__EMA_SLOW".to_string(), "5".to_string())];
        let e = load(None, None, &env, &Overrides::default()).unwrap_err();
        let e = e.to_string();
        assert!(
            e.contains("`ui.ema_fast` = 20") && e.contains("less than ui.ema_slow (5)"),
            "{e}"
        );
    }

    #[test]
    fn sub_pane_cycles_off_rsi_macd() {
        let mut s = SubPane::Off;
        let seen: Vec<SubPane> = (0..4)
            .map(|_| {
                s = s.next();
                s
            })
            .collect();
        assert_eq!(
            seen,
            [SubPane::Rsi, SubPane::Macd, SubPane::Off, SubPane::Rsi]
        );
    }
}
