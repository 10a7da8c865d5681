//! The registry of built-in strategies: what the TUI lists, what
//! `tradeterm run <name> --param k=v` accepts, and how an instance is
//! built. One line per strategy in [`CATALOG`].

use super::params::{ParamSpec, Params};
use super::{dca, grid, scalping, swing, Strategy};

/// Builds an instance for a symbol from checked params.
pub type Builder = fn(&str, &Params) -> Result<Box<dyn Strategy>, String>;

/// One entry of the catalog.
#[derive(Clone, Copy, Debug)]
pub struct StrategyInfo {
    pub name: &'static str,
    /// One line for lists and help.
    pub description: &'static str,
    pub params: &'static [ParamSpec],
    /// Cross-field rules (fast < slow, lower < upper, ...), on params
    /// already parsed and range-checked.
    pub check: fn(&Params) -> Result<(), String>,
    pub build: Builder,
}

/// Every built-in strategy.
pub const CATALOG: &[StrategyInfo] = &[
    StrategyInfo {
        name: swing::NAME,
        description: swing::DESCRIPTION,
        params: swing::SPECS,
        check: swing::check,
        build: swing::build,
    },
    StrategyInfo {
        name: scalping::NAME,
        description: scalping::DESCRIPTION,
        params: scalping::SPECS,
        check: scalping::check,
        build: scalping::build,
    },
    StrategyInfo {
        name: grid::NAME,
        description: grid::DESCRIPTION,
        params: grid::SPECS,
        check: grid::check,
        build: grid::build,
    },
    StrategyInfo {
        name: dca::NAME,
        description: dca::DESCRIPTION,
        params: dca::SPECS,
        check: dca::check,
        build: dca::build,
    },
];

/// The catalog entry of `name`, or an error listing the known names.
pub fn find(name: &str) -> Result<&'static StrategyInfo, String> {
    CATALOG.iter().find(|s| s.name == name).ok_or_else(|| {
        let names: Vec<&str> = CATALOG.iter().map(|s| s.name).collect();
        format!("unknown strategy '{name}' (known: {})", names.join(", "))
    })
}

/// Parses `k=v` text for a strategy: defaults for what is not given,
/// ranges, then the strategy's cross-field rules.
pub fn parse_params(name: &str, text: &str) -> Result<Params, String> {
    let info = find(name)?;
    let p = Params::parse(info.params, text)?;
    (info.check)(&p)?;
    Ok(p)
}

/// Checks a whole parameter set (e.g. loaded from disk): names, types,
/// ranges and cross-field rules; missing values get their defaults.
pub fn validate_params(name: &str, p: Params) -> Result<Params, String> {
    let info = find(name)?;
    let p = p.validated(info.params)?;
    (info.check)(&p)?;
    Ok(p)
}

/// Builds a strategy instance for `symbol` (params are validated first).
pub fn build(name: &str, symbol: &str, params: &Params) -> Result<Box<dyn Strategy>, String> {
    let info = find(name)?;
    let p = validate_params(name, params.clone())?;
    (info.build)(symbol, &p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::params::ParamKind;

    #[test]
    fn every_default_parses_checks_and_builds() {
        for s in CATALOG {
            let p = Params::defaults(s.params).unwrap_or_else(|e| panic!("{}: {e}", s.name));
            (s.check)(&p).unwrap_or_else(|e| panic!("{}: {e}", s.name));
            let built = build(s.name, "BTCUSDT", &p).unwrap();
            assert_eq!(built.name(), s.name);
            assert_eq!(built.state().symbol, "BTCUSDT");
            for spec in s.params {
                assert!(!spec.description.is_empty(), "{}.{}", s.name, spec.name);
                for bound in [spec.min, spec.max].into_iter().flatten() {
                    assert!(
                        crate::strategy::params::parse(
                            &ParamSpec {
                                min: None,
                                max: None,
                                ..*spec
                            },
                            bound
                        )
                        .is_ok(),
                        "{}.{} bound {bound}",
                        s.name,
                        spec.name
                    );
                }
                if let ParamKind::Choice(opts) = spec.kind {
                    assert!(opts.contains(&spec.default));
                }
            }
        }
    }

    #[test]
    fn names_are_unique_and_unknown_names_are_listed() {
        let mut names: Vec<&str> = CATALOG.iter().map(|s| s.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len());
        assert_eq!(
            find("martingale").unwrap_err(),
            "unknown strategy 'martingale' (known: swing, scalping, grid, dca)"
        );
    }

    #[test]
    fn params_text_round_trips_through_the_catalog() {
        let p = parse_params("swing", "fast=9 slow=21 size_mode=quote size=250").unwrap();
        let again = parse_params("swing", &p.to_string()).unwrap();
        assert_eq!(p, again);
        assert_eq!(
            parse_params("swing", "fast=500").unwrap_err(),
            "fast must be an integer between 2 and 200 (got 500)"
        );
        assert_eq!(
            parse_params("swing", "fast=30 slow=20").unwrap_err(),
            "fast (30) must be below slow (20)"
        );
        assert!(parse_params("grid", "lower=100 upper=90")
            .unwrap_err()
            .contains("below upper"));
        let json = serde_json::to_string(&p).unwrap();
        let back: Params = serde_json::from_str(&json).unwrap();
        assert_eq!(validate_params("swing", back), Ok(p));
    }
}
