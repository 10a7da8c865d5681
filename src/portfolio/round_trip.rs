//! Round trips: one cycle of a symbol from flat, through buys (and partial
//! sells), back to flat — the order history with performance traders ask
//! for. P&L inside a trip follows the position's average cost, so partial
//! closes realize against the running average, and the trip's gross P&L
//! is the sum of what its fills realized.

use crate::domain::{Millis, Side};
use crate::trading::account::Fill;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A closed round trip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundTrip {
    pub symbol: String,
    /// The asset P&L and fees are in.
    pub quote: String,
    /// Time of the first buy.
    pub opened_ms: Millis,
    /// Time of the fill that made the position flat.
    pub closed_ms: Millis,
    pub bought_qty: Decimal,
    pub sold_qty: Decimal,
    /// Volume-weighted buy price.
    pub entry_avg: Decimal,
    /// Volume-weighted sell price (0 if the trip was closed by fees alone).
    pub exit_avg: Decimal,
    pub gross_pnl: Decimal,
    /// Fees converted to the quote asset, buys and sells.
    pub fees: Decimal,
    /// Fees in a third asset without a conversion price.
    pub other_fees: BTreeMap<String, Decimal>,
    /// `gross_pnl - fees`.
    pub net_pnl: Decimal,
    /// `net_pnl` as a percentage of the buy notional, 4 decimals.
    pub return_pct: Decimal,
    pub fills: usize,
}

impl RoundTrip {
    pub fn holding_ms(&self) -> Millis {
        self.closed_ms - self.opened_ms
    }
}

/// An open trip being accumulated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Trip {
    pub(super) opened_ms: Millis,
    bought_qty: Decimal,
    buy_quote: Decimal,
    sold_qty: Decimal,
    sell_quote: Decimal,
    gross: Decimal,
    fees: Decimal,
    other_fees: BTreeMap<String, Decimal>,
    fills: usize,
}

fn ratio(a: Decimal, b: Decimal) -> Decimal {
    a.checked_div(b).unwrap_or_default()
}

impl Trip {
    pub(super) fn open(time: Millis) -> Trip {
        Trip {
            opened_ms: time,
            bought_qty: Decimal::ZERO,
            buy_quote: Decimal::ZERO,
            sold_qty: Decimal::ZERO,
            sell_quote: Decimal::ZERO,
            gross: Decimal::ZERO,
            fees: Decimal::ZERO,
            other_fees: BTreeMap::new(),
            fills: 0,
        }
    }

    pub(super) fn add(
        &mut self,
        f: &Fill,
        gross: Decimal,
        fee_quote: Decimal,
        unconverted: Option<(&str, Decimal)>,
    ) {
        match f.side {
            Side::Buy => {
                self.bought_qty += f.qty;
                self.buy_quote += f.qty * f.price;
            }
            Side::Sell => {
                self.sold_qty += f.qty;
                self.sell_quote += f.qty * f.price;
            }
        }
        self.gross += gross;
        self.fees += fee_quote;
        if let Some((asset, fee)) = unconverted {
            *self.other_fees.entry(asset.to_string()).or_default() += fee;
        }
        self.fills += 1;
    }

    pub(super) fn close(self, symbol: &str, quote: &str, time: Millis) -> RoundTrip {
        let net = self.gross - self.fees;
        RoundTrip {
            symbol: symbol.into(),
            quote: quote.into(),
            opened_ms: self.opened_ms,
            closed_ms: time,
            bought_qty: self.bought_qty,
            sold_qty: self.sold_qty,
            entry_avg: ratio(self.buy_quote, self.bought_qty),
            exit_avg: ratio(self.sell_quote, self.sold_qty),
            gross_pnl: self.gross,
            fees: self.fees,
            other_fees: self.other_fees,
            net_pnl: net,
            return_pct: ratio(net * Decimal::ONE_HUNDRED, self.buy_quote).round_dp(4),
            fills: self.fills,
        }
    }
}
