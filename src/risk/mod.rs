//! Pre-trade risk checks and the halt signal.
//!
//! [`RiskEngine::check`] is the only way to get an [`Approved`] order, and
//! `Approved` has a private field, so a venue API taking
//! `Approved<OrderRequest>` cannot be handed an unchecked order (the
//! barter-rs `RiskApproved` idea). Cancels are never checked: reducing
//! risk is always allowed, halted or not.
//!
//! No clock inside: the engine passes `now_ms`, so tests are exact.

mod limits;

pub use limits::RiskLimits;

use crate::domain::{Millis, Side};
use crate::trading::account::{OcoRequest, OrderRequest};
use crate::trading::order::OrderType;
use rust_decimal::Decimal;
use std::collections::VecDeque;
use std::fmt;

/// An order that passed the risk checks. Only this module can make one:
///
/// ```compile_fail
/// let forged = tradeterm::risk::Approved(());
/// ```
///
/// A clone is the same order (same client order id), not a new approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approved<T>(T);

impl<T> Approved<T> {
    pub fn inner(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Approved<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Why trading must halt (latched in the journal until the user clears it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HaltReason {
    /// Net realized P&L today reached `-limit`.
    DailyLoss { pnl: Decimal, limit: Decimal },
    /// The user pressed the kill switch.
    KillSwitch,
    /// Anything else the engine decides (e.g. reconciliation failed).
    Other(String),
}

impl fmt::Display for HaltReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HaltReason::DailyLoss { pnl, limit } => write!(
                f,
                "daily loss limit: realized P&L today {pnl} reached -{limit} (risk.daily_loss_limit)"
            ),
            HaltReason::KillSwitch => f.write_str("kill switch"),
            HaltReason::Other(s) => f.write_str(s),
        }
    }
}

/// A refused order: the rule (its config key under `[risk]`, or `halted`)
/// and a message with the limit and the values.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("order refused ({rule}): {message}")]
pub struct Refusal {
    pub rule: &'static str,
    pub message: String,
    /// Set when the refusal means trading must halt now.
    pub halt: Option<HaltReason>,
}

fn refuse(rule: &'static str, message: String) -> Refusal {
    Refusal {
        rule,
        message,
        halt: None,
    }
}

/// What the engine knows when an order is asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RiskContext {
    /// Mid price of the order's symbol, if the book is live.
    pub mid: Option<Decimal>,
    /// Our orders open at the venue (all symbols).
    pub open_orders_count: usize,
    /// Base quantity held in the order's symbol (the portfolio position).
    pub position: Decimal,
    /// Net realized P&L today (UTC), in the quote asset
    /// (`Portfolio::daily_realized_pnl`).
    pub daily_realized_pnl: Decimal,
    pub now_ms: Millis,
    /// A halt is latched.
    pub halted: bool,
}

#[derive(Clone, Debug)]
pub struct RiskEngine {
    limits: RiskLimits,
    /// Times of the orders approved in the last second.
    recent: VecDeque<Millis>,
}

const WINDOW_MS: Millis = 1_000;

fn pct(d: Decimal) -> Decimal {
    d.round_dp(2).normalize()
}

impl RiskEngine {
    pub fn new(limits: RiskLimits) -> RiskEngine {
        RiskEngine {
            limits,
            recent: VecDeque::new(),
        }
    }

    pub fn limits(&self) -> &RiskLimits {
        &self.limits
    }

    /// After a fill: `Some` when today's net realized P&L has reached the
    /// daily loss limit and trading must halt.
    pub fn after_fill(&self, daily_realized_pnl: Decimal) -> Option<HaltReason> {
        let limit = self.limits.daily_loss_limit;
        (!limit.is_zero() && -daily_realized_pnl >= limit).then_some(HaltReason::DailyLoss {
            pnl: daily_realized_pnl,
            limit,
        })
    }

    /// Checks a new order. An approval counts toward the orders-per-second
    /// limit whether or not the engine then sends it.
    pub fn check(
        &mut self,
        req: &OrderRequest,
        ctx: &RiskContext,
    ) -> Result<Approved<OrderRequest>, Refusal> {
        self.gate(ctx, 1)?;
        let price = (req.kind != OrderType::Market)
            .then_some(req.price)
            .flatten();
        // Base quantity and notional of the order, where they can be known.
        let (qty, notional) = match (req.qty, req.quote_qty) {
            (Some(q), _) => (Some(q), price.or(ctx.mid).map(|p| p * q)),
            (None, Some(quote)) => (ctx.mid.and_then(|m| quote.checked_div(m)), Some(quote)),
            (None, None) => (None, None),
        };
        self.notional_rule(notional)?;
        // Stop-limit prices sit away from mid by design: only plain limit
        // prices are held to the deviation limit (the fat-finger check).
        if matches!(req.kind, OrderType::Limit | OrderType::LimitMaker) {
            if let Some(p) = price {
                self.deviation_rule(p, ctx.mid)?;
            }
        }
        if req.side == Side::Buy {
            self.position_rule(qty, ctx.mid.or(price), ctx.position)?;
        }
        self.rate_rule(ctx.now_ms)?;
        Ok(Approved(req.clone()))
    }

    /// Checks an OCO pair as two new orders of `qty` each valued at its
    /// higher leg price. Its legs are exits placed away from mid on
    /// purpose, so the deviation rule does not apply; one approval counts
    /// once toward orders per second (it is one request).
    pub fn check_oco(
        &mut self,
        req: &OcoRequest,
        ctx: &RiskContext,
    ) -> Result<Approved<OcoRequest>, Refusal> {
        self.gate(ctx, 2)?;
        let top = req.limit_price.max(req.stop_limit_price);
        self.notional_rule(Some(req.qty * top))?;
        if req.side == Side::Buy {
            self.position_rule(Some(req.qty), ctx.mid.or(Some(top)), ctx.position)?;
        }
        self.rate_rule(ctx.now_ms)?;
        Ok(Approved(req.clone()))
    }

    /// Halt, daily loss and open orders, for `adding` new orders.
    fn gate(&self, ctx: &RiskContext, adding: usize) -> Result<(), Refusal> {
        let l = &self.limits;
        if ctx.halted {
            return Err(refuse(
                "halted",
                "trading is halted: new orders are refused until you clear the halt".into(),
            ));
        }
        if let Some(reason) = self.after_fill(ctx.daily_realized_pnl) {
            return Err(Refusal {
                rule: "daily_loss_limit",
                message: format!(
                    "realized P&L today is {}, at or beyond the daily loss limit of {} \
                     (risk.daily_loss_limit); trading halts",
                    ctx.daily_realized_pnl, l.daily_loss_limit
                ),
                halt: Some(reason),
            });
        }
        let max = l.max_open_orders as usize;
        if max > 0 && ctx.open_orders_count + adding > max {
            return Err(refuse(
                "max_open_orders",
                format!(
                    "{} orders are open; the limit is {} (risk.max_open_orders)",
                    ctx.open_orders_count, l.max_open_orders
                ),
            ));
        }
        Ok(())
    }

    fn notional_rule(&self, notional: Option<Decimal>) -> Result<(), Refusal> {
        let max = self.limits.max_order_notional;
        if max.is_zero() {
            return Ok(());
        }
        let Some(n) = notional else {
            return Err(refuse(
                "max_order_notional",
                "the order cannot be valued (no price and no mid price); \
                 risk.max_order_notional cannot be checked"
                    .into(),
            ));
        };
        if n > max {
            return Err(refuse(
                "max_order_notional",
                format!(
                    "order notional {} exceeds the limit of {max} (risk.max_order_notional)",
                    n.normalize()
                ),
            ));
        }
        Ok(())
    }

    fn deviation_rule(&self, p: Decimal, mid: Option<Decimal>) -> Result<(), Refusal> {
        let max = self.limits.max_price_deviation_pct;
        if max.is_zero() {
            return Ok(());
        }
        let Some(mid) = mid.filter(|m| !m.is_zero()) else {
            return Err(refuse(
                "max_price_deviation_pct",
                format!(
                    "no mid price to compare the limit price {p} with \
                     (risk.max_price_deviation_pct)"
                ),
            ));
        };
        let dev = (p - mid).abs() / mid * Decimal::ONE_HUNDRED;
        if dev > max {
            return Err(refuse(
                "max_price_deviation_pct",
                format!(
                    "limit price {p} is {}% from mid {mid}; the limit is {max}% \
                     (risk.max_price_deviation_pct)",
                    pct(dev)
                ),
            ));
        }
        Ok(())
    }

    /// A buy of `qty` valued `at` on top of `position`.
    fn position_rule(
        &self,
        qty: Option<Decimal>,
        at: Option<Decimal>,
        position: Decimal,
    ) -> Result<(), Refusal> {
        let max = self.limits.max_position_notional;
        if max.is_zero() {
            return Ok(());
        }
        let (Some(q), Some(at)) = (qty, at) else {
            return Err(refuse(
                "max_position_notional",
                "the position after this buy cannot be valued (no mid price); \
                 risk.max_position_notional cannot be checked"
                    .into(),
            ));
        };
        let after = position.max(Decimal::ZERO) + q;
        let value = after * at;
        if value > max {
            return Err(refuse(
                "max_position_notional",
                format!(
                    "position after this buy would be {} ({} at {at}), above the limit of {max} \
                     (risk.max_position_notional)",
                    after.normalize(),
                    value.normalize()
                ),
            ));
        }
        Ok(())
    }

    /// Sliding one-second window on the engine's clock; records an
    /// approval when it passes.
    /// Whether one more order fits in the orders-per-second budget now
    /// (a strategy's later intents wait for the next second instead of
    /// being refused).
    pub fn rate_available(&self, now_ms: Millis) -> bool {
        let max = self.limits.max_orders_per_sec as usize;
        max == 0
            || self
                .recent
                .iter()
                .filter(|t| **t > now_ms - WINDOW_MS)
                .count()
                < max
    }

    fn rate_rule(&mut self, now_ms: Millis) -> Result<(), Refusal> {
        let max = self.limits.max_orders_per_sec as usize;
        if max == 0 {
            return Ok(());
        }
        while self
            .recent
            .front()
            .is_some_and(|t| *t <= now_ms - WINDOW_MS)
        {
            self.recent.pop_front();
        }
        if self.recent.len() >= max {
            return Err(refuse(
                "max_orders_per_sec",
                format!(
                    "{} orders in the last second; the limit is {max} (risk.max_orders_per_sec)",
                    self.recent.len()
                ),
            ));
        }
        self.recent.push_back(now_ms);
        Ok(())
    }
}
