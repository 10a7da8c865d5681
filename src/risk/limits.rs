//! The limits, as exact decimals, from the `[risk]` config section.

use crate::config::RiskCfg;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Pre-trade limits; amounts in the quote asset, 0 = check off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskLimits {
    pub max_order_notional: Decimal,
    /// Largest position a buy may create, valued at mid.
    pub max_position_notional: Decimal,
    pub max_open_orders: u32,
    /// Largest distance of a limit price from mid, in percent.
    pub max_price_deviation_pct: Decimal,
    pub max_orders_per_sec: u32,
    /// Net realized loss per UTC day (a positive number) that halts.
    pub daily_loss_limit: Decimal,
}

/// The decimal the user wrote: f64's shortest rendering round-trips, so
/// `1000.1` becomes exactly 1000.1, not 1000.1000000000000227...
fn exact(v: f64) -> Decimal {
    Decimal::from_str(&v.to_string())
        .ok()
        .or_else(|| Decimal::from_f64_retain(v))
        .unwrap_or(Decimal::MAX)
}

impl RiskLimits {
    pub fn from_config(c: &RiskCfg) -> RiskLimits {
        RiskLimits {
            max_order_notional: exact(c.max_order_notional),
            max_position_notional: exact(c.max_position_notional),
            max_open_orders: c.max_open_orders,
            max_price_deviation_pct: exact(c.max_price_deviation_pct),
            max_orders_per_sec: c.max_orders_per_sec,
            daily_loss_limit: exact(c.daily_loss_limit),
        }
    }

    /// Every check off (tests, tools).
    pub fn off() -> RiskLimits {
        RiskLimits {
            max_order_notional: Decimal::ZERO,
            max_position_notional: Decimal::ZERO,
            max_open_orders: 0,
            max_price_deviation_pct: Decimal::ZERO,
            max_orders_per_sec: 0,
            daily_loss_limit: Decimal::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn defaults_become_exact_decimals() {
        let l = RiskLimits::from_config(&Config::defaults().risk);
        assert_eq!(l.max_order_notional, Decimal::from(1000));
        assert_eq!(l.max_position_notional, Decimal::from(5000));
        assert_eq!(l.max_open_orders, 20);
        assert_eq!(l.max_price_deviation_pct, Decimal::from(5));
        assert_eq!(l.max_orders_per_sec, 5);
        assert_eq!(l.daily_loss_limit, Decimal::from(200));
        assert_eq!(exact(1000.1).to_string(), "1000.1");
        assert_eq!(exact(0.0000001).to_string(), "0.0000001");
    }
}
