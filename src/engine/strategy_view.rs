//! The strategies part of the [`View`](super::View): one row per instance,
//! with its live state for the strategies pane.

use crate::domain::Interval;
use crate::strategy::StrategyState;
use rust_decimal::Decimal;

/// Where an instance is in its life.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StrategyStatus {
    Running,
    Stopped,
    /// Stopped by an error of its own (the reason); the app and the other
    /// instances go on.
    Error(String),
}

impl StrategyStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            StrategyStatus::Running => "RUNNING",
            StrategyStatus::Stopped => "STOPPED",
            StrategyStatus::Error(_) => "ERROR",
        }
    }
}

/// One strategy instance as the pane shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct StrategyRow {
    pub id: u64,
    /// Catalog name ("swing").
    pub name: String,
    pub symbol: String,
    pub interval: Interval,
    /// Where its orders go ("paper", "simulator", ...).
    pub venue: String,
    pub status: StrategyStatus,
    /// Why it last stopped (user, halt, error), if it did.
    pub note: Option<String>,
    /// Its parameters as `k=v` pairs (all of them, defaults included).
    pub params: String,
    /// The tag its client order ids carry.
    pub tag: String,
    /// Its own position and P&L (from its own fills since it started).
    pub position: Decimal,
    pub avg_entry: Decimal,
    pub realized_pnl: Decimal,
    pub unrealized_pnl: Decimal,
    pub open_orders: usize,
    pub fills: usize,
    /// Indicator values, signal, last action and why.
    pub state: Option<StrategyState>,
}
