//! Small helpers the built-in strategies share: what quantity can really
//! be sold, percentages, order keys, and the "last action" record shown in
//! the pane.

use super::Ctx;
use crate::domain::{Millis, Side};
use crate::trading::account::Fill;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

pub(crate) const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// `qty` rounded down to the market lot step, if that can be sold as one
/// MARKET order at `price` (LOT_SIZE minimum, NOTIONAL minimum): a
/// position below it is dust the strategy treats as flat.
pub(crate) fn sellable(ctx: &Ctx, qty: Decimal, price: Decimal) -> Option<Decimal> {
    let f = ctx.filters;
    let q = f.round_qty(qty, true);
    let min = f.min_qty.max(f.market_min_qty);
    let notional_ok =
        !f.apply_min_to_market || f.min_notional.is_zero() || q * price >= f.min_notional;
    (q > Decimal::ZERO && q >= min && notional_ok).then_some(q)
}

/// Like [`sellable`] for a resting LIMIT order at `price` (LOT_SIZE step).
pub(crate) fn limit_qty(ctx: &Ctx, qty: Decimal, price: Decimal) -> Option<Decimal> {
    let f = ctx.filters;
    let q = f.round_qty(qty, false);
    let ok = q > Decimal::ZERO
        && q >= f.min_qty
        && (f.min_notional.is_zero() || q * price >= f.min_notional);
    ok.then_some(q)
}

/// Base the account received from a fill (buys pay commission in base).
pub(crate) fn base_received(ctx: &Ctx, fill: &Fill) -> Decimal {
    match fill.side {
        Side::Buy if fill.commission_asset == ctx.base_asset => fill.qty - fill.commission,
        Side::Buy => fill.qty,
        Side::Sell => -fill.qty,
    }
}

/// `price` moved by `pct` percent (`-3` = 3 % lower).
pub(crate) fn moved(price: Decimal, pct: Decimal) -> Decimal {
    price * (HUNDRED + pct) / HUNDRED
}

/// Percent change from `from` to `to`.
pub(crate) fn change_pct(from: Decimal, to: Decimal) -> Decimal {
    if from.is_zero() {
        Decimal::ZERO
    } else {
        (to - from) / from * HUNDRED
    }
}

/// A price for display: at most 8 decimals, trailing zeros dropped.
pub(crate) fn px(v: Decimal) -> String {
    v.round_dp(8).normalize().to_string()
}

pub(crate) fn f1(v: f64) -> String {
    format!("{v:.1}")
}

pub(crate) fn pct2(v: Decimal) -> String {
    format!("{:.2}%", v.to_f64().unwrap_or(0.0))
}

/// The next order key: `what` and a per-instance sequence number, so keys
/// are unique within the instance.
pub(crate) fn next_key(seq: &mut u64, what: &str) -> String {
    *seq += 1;
    format!("{what}{seq}")
}

/// Forgets the order `pending` waits for if it is `key`; true when it was.
pub(crate) fn clear_pending(pending: &mut Option<String>, key: &str) -> bool {
    let hit = pending.as_deref() == Some(key);
    if hit {
        *pending = None;
    }
    hit
}

/// The last intent and why, with its engine time.
#[derive(Clone, Debug, Default)]
pub(crate) struct LastAction {
    pub text: Option<String>,
    pub ms: Option<Millis>,
}

impl LastAction {
    pub fn set(&mut self, now: Millis, text: String) {
        self.text = Some(text);
        self.ms = Some(now);
    }

    /// Records that the order `key` was refused and why.
    pub fn refused(&mut self, now: Millis, key: &str, reason: &str) {
        self.set(now, format!("REFUSED {key}: {reason}"));
    }
}
