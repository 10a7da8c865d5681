//! One symbol's position, by average cost, long only (spot cannot be
//! short). Trades are valued at their fill price; fees are kept apart and
//! converted to the quote asset:
//!
//! * commission in the quote asset counts as is;
//! * commission in the base asset is base that leaves the wallet: it is
//!   disposed of at the fill price (realizing `(price - avg) * fee` like a
//!   sale) and its value `fee * price` is a fee. This keeps the position
//!   equal to the base actually held and P&L equal to the cash result;
//! * commission in a third asset (BNB) is converted with the caller's
//!   price of that asset in the quote asset; without one it is reported in
//!   [`Position::other_fees`] and left out of net P&L.

use super::round_trip::{RoundTrip, Trip};
use crate::domain::{Millis, Side};
use crate::trading::account::Fill;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What one fill did to its position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FillEffect {
    /// Realized P&L before fees (sales and base-asset fees).
    pub realized_gross: Decimal,
    /// Fees of this fill in the quote asset.
    pub fee_quote: Decimal,
    /// The round trip this fill closed.
    pub closed: Option<RoundTrip>,
}

impl FillEffect {
    /// Realized P&L net of fees.
    pub fn realized_net(&self) -> Decimal {
        self.realized_gross - self.fee_quote
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    pub symbol: String,
    pub base: String,
    pub quote: String,
    /// Base held, from the journaled fills, net of base-asset fees.
    pub qty: Decimal,
    /// Average cost per base unit (fill prices; fees are separate).
    pub avg_entry: Decimal,
    /// Realized P&L before fees, in the quote asset, since the first fill.
    pub realized_gross: Decimal,
    /// All fees converted to the quote asset.
    pub fees_quote: Decimal,
    /// Fees in a third asset that could not be converted, by asset.
    pub other_fees: BTreeMap<String, Decimal>,
    /// Base sold beyond the tracked quantity (held before tradeterm saw
    /// it): no cost basis is known, so no P&L is claimed for it.
    pub untracked_sold: Decimal,
    /// At or below this quantity the position counts as flat (the dust a
    /// base-asset fee leaves below the lot step).
    pub dust: Decimal,
    pub(super) trip: Option<Trip>,
}

impl Position {
    pub(super) fn new(symbol: &str, base: &str, quote: &str) -> Position {
        Position {
            symbol: symbol.into(),
            base: base.into(),
            quote: quote.into(),
            qty: Decimal::ZERO,
            avg_entry: Decimal::ZERO,
            realized_gross: Decimal::ZERO,
            fees_quote: Decimal::ZERO,
            other_fees: BTreeMap::new(),
            untracked_sold: Decimal::ZERO,
            dust: Decimal::ZERO,
            trip: None,
        }
    }

    /// Realized P&L net of converted fees.
    pub fn realized_pnl(&self) -> Decimal {
        self.realized_gross - self.fees_quote
    }

    /// Unrealized P&L of the held quantity at `mark` (before exit fees).
    pub fn unrealized_pnl(&self, mark: Decimal) -> Decimal {
        (mark - self.avg_entry) * self.qty
    }

    /// Cost of the held quantity.
    pub fn cost(&self) -> Decimal {
        self.avg_entry * self.qty
    }

    pub fn is_flat(&self) -> bool {
        self.qty <= self.dust
    }

    /// When the current round trip opened, if one is open.
    pub fn opened_ms(&self) -> Option<Millis> {
        self.trip.as_ref().map(|t| t.opened_ms)
    }

    fn buy(&mut self, qty: Decimal, price: Decimal) {
        let total = self.qty + qty;
        if !total.is_zero() {
            self.avg_entry = (self.avg_entry * self.qty + price * qty) / total;
        }
        self.qty = total;
    }

    /// Removes up to `qty` at `price`; returns the realized gross P&L.
    fn dispose(&mut self, qty: Decimal, price: Decimal) -> Decimal {
        let tracked = qty.min(self.qty.max(Decimal::ZERO));
        self.untracked_sold += qty - tracked;
        self.qty -= tracked;
        let pnl = (price - self.avg_entry) * tracked;
        if self.qty.is_zero() {
            self.avg_entry = Decimal::ZERO;
        }
        pnl
    }

    /// Folds one fill in. `rate(asset, quote)` prices a third-asset fee.
    pub(super) fn apply(
        &mut self,
        f: &Fill,
        rate: &dyn Fn(&str, &str) -> Option<Decimal>,
    ) -> FillEffect {
        let was_flat = self.is_flat();
        if was_flat && f.side == Side::Buy && self.trip.is_none() {
            self.trip = Some(Trip::open(f.time));
        }
        let mut gross = match f.side {
            Side::Buy => {
                self.buy(f.qty, f.price);
                Decimal::ZERO
            }
            Side::Sell => self.dispose(f.qty, f.price),
        };
        let mut fee_quote = Decimal::ZERO;
        let mut unconverted = None;
        let fee = f.commission;
        if !fee.is_zero() && !f.commission_asset.is_empty() {
            if f.commission_asset == self.quote {
                fee_quote = fee;
            } else if f.commission_asset == self.base {
                gross += self.dispose(fee, f.price);
                fee_quote = fee * f.price;
            } else if let Some(r) = rate(&f.commission_asset, &self.quote) {
                fee_quote = fee * r;
            } else {
                *self
                    .other_fees
                    .entry(f.commission_asset.clone())
                    .or_default() += fee;
                unconverted = Some((f.commission_asset.as_str(), fee));
            }
        }
        self.realized_gross += gross;
        self.fees_quote += fee_quote;
        let mut closed = None;
        if let Some(trip) = self.trip.as_mut() {
            trip.add(f, gross, fee_quote, unconverted);
            if self.is_flat() {
                let t = self.trip.take().expect("open trip");
                closed = Some(t.close(&self.symbol, &self.quote, f.time));
            }
        }
        FillEffect {
            realized_gross: gross,
            fee_quote,
            closed,
        }
    }
}
