//! The trading sections, `[risk]` and `[paper]`: their shapes and range
//! checks (the generic type checks against the defaults are in `load`).

use super::{Config, ConfigError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Pre-trade risk limits (`[risk]`); amounts in the quote asset, 0 = off.
/// Kept as TOML numbers here (what the user typed) and turned into exact
/// decimals by `risk::RiskLimits::from_config` via their shortest
/// decimal rendering, so `1000.1` means exactly 1000.1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskCfg {
    pub max_order_notional: f64,
    pub max_position_notional: f64,
    pub max_open_orders: u32,
    pub max_price_deviation_pct: f64,
    pub max_orders_per_sec: u32,
    pub daily_loss_limit: f64,
}

/// The paper venue (`[paper]`). Amounts are strings so they stay exact;
/// `validate` has checked that each parses as a non-negative decimal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperCfg {
    pub maker_fee: String,
    pub taker_fee: String,
    pub balances: BTreeMap<String, String>,
}

impl PaperCfg {
    /// Maker fee as a fraction of the notional.
    pub fn maker_fee(&self) -> Decimal {
        self.maker_fee.trim().parse().unwrap_or_default()
    }

    /// Taker fee as a fraction of the notional.
    pub fn taker_fee(&self) -> Decimal {
        self.taker_fee.trim().parse().unwrap_or_default()
    }

    /// Starting balances as free amounts (the paper venue's settings and
    /// `Journal::balances_or_seed` take this shape).
    pub fn start_balances(&self) -> Vec<crate::trading::account::Balance> {
        self.starting_balances()
            .into_iter()
            .map(|(asset, free)| crate::trading::account::Balance {
                asset,
                free,
                locked: Decimal::ZERO,
            })
            .collect()
    }

    /// Starting balances, zero amounts left out.
    pub fn starting_balances(&self) -> BTreeMap<String, Decimal> {
        self.balances
            .iter()
            .filter_map(|(a, v)| {
                let d: Decimal = v.trim().parse().ok()?;
                (!d.is_zero()).then(|| (a.clone(), d))
            })
            .collect()
    }
}

fn asset_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 20
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Range and format checks; `fail(key, value, expected)` words the error
/// with the key's origin.
pub(super) fn validate(
    c: &Config,
    fail: &dyn Fn(&str, String, &str) -> ConfigError,
) -> Result<(), ConfigError> {
    let r = &c.risk;
    for (key, v, hi) in [
        ("risk.max_order_notional", r.max_order_notional, 1e15),
        ("risk.max_position_notional", r.max_position_notional, 1e15),
        (
            "risk.max_price_deviation_pct",
            r.max_price_deviation_pct,
            100.0,
        ),
        ("risk.daily_loss_limit", r.daily_loss_limit, 1e15),
    ] {
        if !(v.is_finite() && (0.0..=hi).contains(&v)) {
            return Err(fail(
                key,
                v.to_string(),
                &format!("expected 0 (off) to {hi}"),
            ));
        }
    }
    for (key, v, hi) in [
        ("risk.max_open_orders", r.max_open_orders, 10_000),
        ("risk.max_orders_per_sec", r.max_orders_per_sec, 1000),
    ] {
        if v > hi {
            return Err(fail(
                key,
                v.to_string(),
                &format!("expected 0 (off) to {hi}"),
            ));
        }
    }
    let p = &c.paper;
    for (key, v) in [
        ("paper.maker_fee", &p.maker_fee),
        ("paper.taker_fee", &p.taker_fee),
    ] {
        let ok = v
            .trim()
            .parse::<Decimal>()
            .is_ok_and(|d| d >= Decimal::ZERO && d <= Decimal::new(1, 1));
        if !ok {
            return Err(fail(
                key,
                format!("{v:?}"),
                "expected a fee fraction from \"0\" to \"0.1\", e.g. \"0.001\" (0.1 %)",
            ));
        }
    }
    for (asset, amount) in &p.balances {
        let key = format!("paper.balances.{asset}");
        if !asset_ok(asset) {
            return Err(fail(
                &key,
                format!("{asset:?}"),
                "expected an upper-case asset name such as \"USDT\"",
            ));
        }
        let ok = amount
            .trim()
            .parse::<Decimal>()
            .is_ok_and(|d| d >= Decimal::ZERO);
        if !ok {
            return Err(fail(
                &key,
                format!("{amount:?}"),
                "expected a non-negative decimal amount as a string, e.g. \"1000.5\"",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{load, Config, Overrides};
    use rust_decimal::Decimal;
    use std::path::{Path, PathBuf};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join("c.toml");
        std::fs::write(&p, text).unwrap();
        p
    }

    fn load_text(text: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), text);
        load(None, Some(&p), &[], &Overrides::default())
            .map(|l| l.config)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_are_documented_values() {
        let c = Config::defaults();
        assert_eq!(c.risk.max_order_notional, 1000.0);
        assert_eq!(c.risk.max_position_notional, 5000.0);
        assert_eq!(c.risk.max_open_orders, 20);
        assert_eq!(c.risk.max_price_deviation_pct, 5.0);
        assert_eq!(c.risk.max_orders_per_sec, 5);
        assert_eq!(c.risk.daily_loss_limit, 200.0);
        assert_eq!(c.paper.maker_fee(), d("0.001"));
        assert_eq!(c.paper.taker_fee(), d("0.001"));
        let b = c.paper.starting_balances();
        assert_eq!(b.len(), 1, "zero balances are left out: {b:?}");
        assert_eq!(b["USDT"], d("10000"));
        let v = c.paper.start_balances();
        assert_eq!((v.len(), v[0].free, v[0].locked), (1, d("10000"), d("0")));
    }

    #[test]
    fn balances_take_new_assets_from_files_and_env() {
        let c = load_text("[paper.balances]\nSOL = \"12.5\"\nUSDT = \"500\"\n").unwrap();
        let b = c.paper.starting_balances();
        assert_eq!(b["SOL"], d("12.5"));
        assert_eq!(b["USDT"], d("500"));
        let c =
            load_text("[paper]\nbalances = { BNB = \"1\" }\ntaker_fee = \"0.00075\"\n").unwrap();
        assert_eq!(c.paper.starting_balances()["BNB"], d("1"));
        assert_eq!(c.paper.taker_fee(), d("0.00075"));

        let env = vec![
            (
                "TRADETERM_PAPER__BALANCES__DOGE".to_string(),
                "100".to_string(),
            ),
            (
                "TRADETERM_RISK__MAX_OPEN_ORDERS".to_string(),
                "3".to_string(),
            ),
        ];
        let l = load(None, None, &env, &Overrides::default()).unwrap();
        assert_eq!(l.config.paper.starting_balances()["DOGE"], d("100"));
        assert_eq!(l.config.risk.max_open_orders, 3);
        assert!(l.describe().contains("paper.balances.DOGE = \"100\""));
    }

    #[test]
    fn bad_amounts_name_the_key_and_value() {
        let e = load_text("[paper.balances]\nBTC = \"lots\"\n").unwrap_err();
        assert!(
            e.contains("c.toml line 2")
                && e.contains("`paper.balances.BTC` = \"lots\"")
                && e.contains("non-negative decimal"),
            "{e}"
        );
        let e = load_text("[paper.balances]\nBTC = 1\n").unwrap_err();
        assert!(
            e.contains("paper.balances.BTC") && e.contains("as a string"),
            "{e}"
        );
        let e = load_text("[paper.balances]\nUSDT = \"-5\"\n").unwrap_err();
        assert!(e.contains("\"-5\""), "{e}");
        let e = load_text("[paper.balances]\nusdt = \"5\"\n").unwrap_err();
        assert!(e.contains("upper-case asset"), "{e}");
        let e = load_text("[paper]\nmaker_fee = \"0.5\"\n").unwrap_err();
        assert!(
            e.contains("paper.maker_fee") && e.contains("\"0.1\""),
            "{e}"
        );
        let e = load_text("[paper]\nfees = \"0\"\n").unwrap_err();
        assert!(e.contains("unknown key `paper.fees`"), "{e}");
    }

    #[test]
    fn risk_ranges_are_checked() {
        let e = load_text("[risk]\nmax_order_notional = -1\n").unwrap_err();
        assert!(
            e.contains("`risk.max_order_notional` = -1") && e.contains("expected 0 (off)"),
            "{e}"
        );
        let e = load_text("[risk]\nmax_price_deviation_pct = 150\n").unwrap_err();
        assert!(
            e.contains("risk.max_price_deviation_pct") && e.contains("100"),
            "{e}"
        );
        let e = load_text("[risk]\ndaily_loss_limit = nan\n").unwrap_err();
        assert!(e.contains("risk.daily_loss_limit"), "{e}");
        let e = load_text("[risk]\nmax_orders_per_sec = 5000\n").unwrap_err();
        assert!(
            e.contains("risk.max_orders_per_sec") && e.contains("1000"),
            "{e}"
        );
        let e = load_text("[risk]\nmax_open_orders = 2.5\n").unwrap_err();
        assert!(e.contains("expected an integer"), "{e}");
        // Integers are accepted where numbers are expected.
        let c = load_text("[risk]\ndaily_loss_limit = 0\nmax_order_notional = 250.5\n").unwrap();
        assert_eq!(c.risk.daily_loss_limit, 0.0);
        assert_eq!(c.risk.max_order_notional, 250.5);
    }
}
