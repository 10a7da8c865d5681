//! The trading part of the [`View`](super::View): what the order ticket,
//! the orders/fills/balances/positions panes and the kill switch show.
//! Plain display data; the engine fills it from the venue, journal,
//! portfolio and risk state.

use crate::domain::Millis;
use crate::trading::account::{Balance, Fill};
use crate::trading::filters::SymbolFilters;
use crate::trading::order::Order;
use rust_decimal::Decimal;

/// A latched halt (kill switch or daily loss limit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HaltInfo {
    pub reason: String,
    pub since_ms: Millis,
}

/// One symbol's position.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PositionRow {
    pub symbol: String,
    /// Base quantity held by this account's trades (positive = long).
    pub qty: Decimal,
    pub avg_entry: Decimal,
    /// Mark price used for unrealized P&L (mid of the live book when known).
    pub mark: Option<Decimal>,
    pub unrealized_pnl: Decimal,
    pub realized_pnl: Decimal,
    /// Fees paid, converted to the quote asset.
    pub fees: Decimal,
}

/// A completed buy-then-sell cycle (the order history with performance).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RoundTripRow {
    pub symbol: String,
    pub qty: Decimal,
    pub entry_avg: Decimal,
    pub exit_avg: Decimal,
    /// Net of fees, in the quote asset.
    pub pnl: Decimal,
    pub return_pct: Decimal,
    pub opened_ms: Millis,
    pub closed_ms: Millis,
}

/// A message about the last order action (accepted, refused and why).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub error: bool,
    /// The order it is about, when there is one (lets a script match the
    /// outcome of its own request).
    pub client_order_id: Option<String>,
    pub text: String,
    pub time_ms: Millis,
}

/// Everything about the account the UI renders.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TradingView {
    /// Where orders go: "paper", "sim", "Binance testnet", "Binance demo", "Binance LIVE".
    pub venue: String,
    /// False until the account is reconciled (and while halted or read-only).
    pub can_trade: bool,
    /// The venue's open orders, balances and recent trades have been read
    /// since the last (re)connect.
    pub reconciled: bool,
    /// Orders whose state is being asked of the venue (an unknown submit
    /// outcome, or a working order the venue no longer lists).
    pub resolving: usize,
    /// Why trading is not possible right now, if it is not.
    pub blocked_reason: Option<String>,
    pub halted: Option<HaltInfo>,
    /// Open orders, newest first.
    pub open_orders: Vec<Order>,
    /// Recently finished orders, newest first.
    pub recent_orders: Vec<Order>,
    /// Fills, newest first.
    pub fills: Vec<Fill>,
    pub balances: Vec<Balance>,
    pub positions: Vec<PositionRow>,
    /// Newest first.
    pub round_trips: Vec<RoundTripRow>,
    /// Realized P&L of the current UTC day (quote asset of the symbols traded).
    pub daily_realized_pnl: Decimal,
    pub maker_fee: Decimal,
    pub taker_fee: Decimal,
    /// Filters of the current symbol, for the ticket's live validation.
    pub filters: Option<SymbolFilters>,
    /// Base and quote asset of the current symbol.
    pub base_asset: String,
    pub quote_asset: String,
    pub notice: Option<Notice>,
    /// The latest notices, newest first (a script waiting for its order's
    /// outcome must not miss one that a later notice replaced).
    pub notices: Vec<Notice>,
}

impl TradingView {
    /// Free balance of `asset` (zero when unknown).
    pub fn free(&self, asset: &str) -> Decimal {
        self.balances
            .iter()
            .find(|b| b.asset == asset)
            .map(|b| b.free)
            .unwrap_or_default()
    }
}
