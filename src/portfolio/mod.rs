//! The portfolio: balances as the venue reports them, and positions,
//! realized/unrealized P&L, daily P&L and round trips folded from fills.
//!
//! Pure and deterministic: no clock, no I/O. The engine feeds it venue
//! balance events and fills (live, or all journaled fills at start, oldest
//! first); a fill already seen (same symbol and trade id) changes nothing.
//! Balances are never derived from fills: the venue's numbers are the
//! truth and fills only drive positions and P&L.

mod pair;
mod position;
mod round_trip;

pub use pair::Pair;
pub use position::{FillEffect, Position};
pub use round_trip::RoundTrip;

use crate::domain::Millis;
use crate::trading::account::{Balance, Fill};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashSet};

const DAY_MS: i64 = 86_400_000;

/// The UTC day number of a time (days since the epoch).
pub fn utc_day(ms: Millis) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// A price lookup for fees paid in a third asset:
/// `rate(asset, quote)` = the price of one `asset` in `quote`.
pub type Rates<'a> = &'a dyn Fn(&str, &str) -> Option<Decimal>;

/// No conversion prices: third-asset fees are reported apart.
pub fn no_rates(_asset: &str, _quote: &str) -> Option<Decimal> {
    None
}

#[derive(Clone, Debug, Default)]
pub struct Portfolio {
    balances: BTreeMap<String, Balance>,
    pairs: BTreeMap<String, Pair>,
    positions: BTreeMap<String, Position>,
    seen: HashSet<(String, i64)>,
    trips: Vec<RoundTrip>,
    /// Net realized P&L per (UTC day, quote asset).
    daily: BTreeMap<(i64, String), Decimal>,
}

impl Portfolio {
    pub fn new() -> Portfolio {
        Portfolio::default()
    }

    /// Folds fills (oldest first) into a new portfolio.
    pub fn from_fills<'f>(
        fills: impl IntoIterator<Item = &'f Fill>,
        rates: Rates<'_>,
    ) -> Portfolio {
        let mut p = Portfolio::new();
        for f in fills {
            p.apply_fill(f, rates);
        }
        p
    }

    /// Declares a symbol's assets (from exchangeInfo). Without it they are
    /// guessed from common quote-asset suffixes ([`Pair::guess`]).
    pub fn set_pair(&mut self, symbol: &str, pair: Pair) {
        self.pairs.insert(symbol.to_string(), pair);
    }

    /// Quantity at or below which `symbol` counts as flat (typically the
    /// lot step: what a base-asset fee leaves behind cannot be sold).
    pub fn set_dust(&mut self, symbol: &str, dust: Decimal) {
        self.position_mut(symbol).dust = dust;
    }

    fn position_mut(&mut self, symbol: &str) -> &mut Position {
        if !self.positions.contains_key(symbol) {
            let pair = self
                .pairs
                .get(symbol)
                .cloned()
                .or_else(|| Pair::guess(symbol))
                .unwrap_or_else(|| Pair::new(symbol, ""));
            self.positions.insert(
                symbol.to_string(),
                Position::new(symbol, &pair.base, &pair.quote),
            );
        }
        self.positions.get_mut(symbol).expect("just inserted")
    }

    /// Folds one fill in; `None` if it was already counted.
    pub fn apply_fill(&mut self, fill: &Fill, rates: Rates<'_>) -> Option<FillEffect> {
        if !self.seen.insert((fill.symbol.clone(), fill.trade_id)) {
            return None;
        }
        let pos = self.position_mut(&fill.symbol);
        let effect = pos.apply(fill, rates);
        let quote = pos.quote.clone();
        *self.daily.entry((utc_day(fill.time), quote)).or_default() += effect.realized_net();
        if let Some(t) = &effect.closed {
            self.trips.push(t.clone());
        }
        Some(effect)
    }

    /// Absolute balances (snapshot or `outboundAccountPosition`); other
    /// assets keep theirs.
    pub fn apply_balances(&mut self, balances: &[Balance]) {
        for b in balances {
            self.balances.insert(b.asset.clone(), b.clone());
        }
    }

    /// A deposit, withdrawal or transfer (`balanceUpdate`).
    pub fn apply_balance_delta(&mut self, asset: &str, delta: Decimal) {
        let b = self
            .balances
            .entry(asset.to_string())
            .or_insert_with(|| Balance {
                asset: asset.to_string(),
                free: Decimal::ZERO,
                locked: Decimal::ZERO,
            });
        b.free += delta;
    }

    pub fn balance(&self, asset: &str) -> Option<&Balance> {
        self.balances.get(asset)
    }

    /// All balances, by asset name.
    pub fn balances(&self) -> impl Iterator<Item = &Balance> {
        self.balances.values()
    }

    /// Fills applied so far (each trade once).
    pub fn fills_count(&self) -> usize {
        self.seen.len()
    }

    pub fn position(&self, symbol: &str) -> Option<&Position> {
        self.positions.get(symbol)
    }

    /// Positions by symbol (flat ones included: they carry realized P&L).
    pub fn positions(&self) -> impl Iterator<Item = &Position> {
        self.positions.values()
    }

    /// Closed round trips, in the order they closed.
    pub fn round_trips(&self) -> &[RoundTrip] {
        &self.trips
    }

    /// Net realized P&L (fees included, buys' too) in `quote` on the UTC
    /// day of `now_ms`: the number the daily loss limit watches.
    pub fn daily_realized_pnl(&self, quote: &str, now_ms: Millis) -> Decimal {
        self.daily
            .get(&(utc_day(now_ms), quote.to_string()))
            .copied()
            .unwrap_or_default()
    }

    /// Net realized P&L in `quote` over all symbols since the first fill.
    pub fn realized_pnl(&self, quote: &str) -> Decimal {
        self.positions
            .values()
            .filter(|p| p.quote == quote)
            .map(|p| p.realized_pnl())
            .sum()
    }
}
