//! What a backtest produced: orders, fills, refusals, balances, P&L and
//! round trips (from the same `portfolio` code the engine uses).

use super::Backtest;
use crate::domain::Millis;
use crate::portfolio::RoundTrip;
use crate::strategy::{OwnPosition, StrategyState};
use crate::trading::account::Fill;
use crate::trading::order::Order;
use crate::venue::paper::Funds;
use rust_decimal::Decimal;
use std::fmt;

/// An intent that did not become an order (filters, the venue).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub time: Millis,
    pub key: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub strategy: String,
    pub symbol: String,
    /// Every order placed, in placement order, in its final state.
    pub orders: Vec<Order>,
    /// Every fill, in time order.
    pub fills: Vec<Fill>,
    pub refusals: Vec<Refusal>,
    /// Market events shown to the strategy.
    pub events: u64,
    pub start_base: Decimal,
    pub start_quote: Decimal,
    pub final_base: Funds,
    pub final_quote: Funds,
    /// Lowest free balances seen after any event (base, quote).
    pub lowest_free: (Decimal, Decimal),
    /// The venue's last trade price (marks the equity).
    pub last_price: Decimal,
    /// The strategy's position at the end.
    pub position: OwnPosition,
    /// Realized P&L net of all fees, in the quote asset.
    pub realized_pnl: Decimal,
    /// Fees converted to the quote asset.
    pub fees_quote: Decimal,
    pub round_trips: Vec<RoundTrip>,
    /// Quote + base × last price, free and locked, at start and end.
    pub equity_start: Decimal,
    pub equity_end: Decimal,
    pub state: StrategyState,
}

impl Report {
    pub(super) fn build(b: &Backtest) -> Report {
        let s = &b.setup;
        let pos = b.inst.portfolio().position(&s.symbol);
        let last_price = b.venue.last_price(&s.symbol).unwrap_or_default();
        let (fb, fq) = (b.venue.funds(&s.base), b.venue.funds(&s.quote));
        let equity = |base: Decimal, quote: Decimal| quote + base * last_price;
        Report {
            strategy: b.inst.strategy().name().to_string(),
            symbol: s.symbol.clone(),
            orders: b.inst.orders().cloned().collect(),
            fills: b.fills.clone(),
            refusals: b.refusals.clone(),
            events: b.events,
            start_base: s.base_balance,
            start_quote: s.quote_balance,
            final_base: fb,
            final_quote: fq,
            lowest_free: b.lowest,
            last_price,
            position: b.inst.position(),
            realized_pnl: pos.map(|p| p.realized_pnl()).unwrap_or_default(),
            fees_quote: pos.map(|p| p.fees_quote).unwrap_or_default(),
            round_trips: b.inst.portfolio().round_trips().to_vec(),
            equity_start: equity(s.base_balance, s.quote_balance),
            equity_end: equity(fb.free + fb.locked, fq.free + fq.locked),
            state: b.inst.state(),
        }
    }

    /// Round trips that made money after fees.
    pub fn winners(&self) -> usize {
        self.round_trips
            .iter()
            .filter(|t| t.net_pnl > Decimal::ZERO)
            .count()
    }
}

/// A short text summary (for `tradeterm backtest` later, and test output).
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = |d: Decimal| d.round_dp(4).normalize();
        writeln!(
            f,
            "{} on {}: {} events",
            self.strategy, self.symbol, self.events
        )?;
        writeln!(
            f,
            "orders {}, fills {}, refused {}, round trips {} ({} won)",
            self.orders.len(),
            self.fills.len(),
            self.refusals.len(),
            self.round_trips.len(),
            self.winners()
        )?;
        writeln!(
            f,
            "realized P&L {} (fees {}), position {} @ {}",
            r(self.realized_pnl),
            r(self.fees_quote),
            self.position.qty.normalize(),
            r(self.position.avg_entry)
        )?;
        write!(
            f,
            "equity {} -> {} at {}",
            r(self.equity_start),
            r(self.equity_end),
            self.last_price.normalize()
        )
    }
}
