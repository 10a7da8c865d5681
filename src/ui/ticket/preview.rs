//! The ticket's live preview: rounded price and quantity, notional,
//! estimated fee, and whether the order may be sent. Filter logic is
//! `trading::filters::validate`, never a copy; the preview only adds what
//! the filters cannot know (input errors, a blocked account, a post-only
//! price that would take, a stop that would trigger at once).

use super::state::{has_price, has_stop, parse_number, Field, TicketState, Unit};
use crate::domain::Side;
use crate::engine::{OrderTicket, TradingView, View};
use crate::text::sanitize;
use crate::trading::filters::{validate, OrderDraft};
use crate::trading::order::{OrderType, TimeInForce};
use rust_decimal::Decimal;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liquidity {
    Maker,
    Taker,
}

/// Estimated commission in the quote asset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fee {
    pub amount: Decimal,
    pub rate: Decimal,
    pub liquidity: Liquidity,
    /// Why maker or taker, in a few words.
    pub why: &'static str,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preview {
    /// Rounded onto the symbol's grid.
    pub price: Option<Decimal>,
    pub stop: Option<Decimal>,
    pub qty: Option<Decimal>,
    pub quote_qty: Option<Decimal>,
    pub notional: Option<Decimal>,
    pub fee: Option<Fee>,
    /// Malformed numbers, shown next to their field.
    pub field_errors: Vec<(Field, String)>,
    /// `None` until there is something to check; else OK or the refusal
    /// with the nearest valid value.
    pub filters: Option<Result<(), String>>,
    /// Anything else that stops the order.
    pub problems: Vec<String>,
    /// Worth a look, but the venue decides (e.g. more than the free balance).
    pub warnings: Vec<String>,
    /// What Enter would put up for review: only with no problem and the
    /// filters passed.
    pub ready: Option<OrderTicket>,
}

impl Preview {
    /// The first reason the order cannot go, for the ticket's Enter.
    pub fn blocker(&self) -> Option<String> {
        if let Some((_, e)) = self.field_errors.first() {
            return Some(format!("fix the marked field: {e}"));
        }
        if let Some(p) = self.problems.first() {
            return Some(p.clone());
        }
        match &self.filters {
            Some(Err(e)) => Some(e.clone()),
            Some(Ok(())) => None,
            None => Some("nothing to check yet".into()),
        }
    }
}

fn fee_for(
    kind: OrderType,
    tif: TimeInForce,
    side: Side,
    price: Option<Decimal>,
    best: (Option<Decimal>, Option<Decimal>),
) -> (Liquidity, &'static str) {
    let (bid, ask) = best;
    match kind {
        OrderType::Market => (Liquidity::Taker, "market order"),
        OrderType::LimitMaker => (Liquidity::Maker, "post-only"),
        OrderType::StopLossLimit | OrderType::TakeProfitLimit => {
            (Liquidity::Taker, "assumed once triggered")
        }
        OrderType::Limit => {
            let crosses = match (side, price) {
                (Side::Buy, Some(p)) => ask.is_some_and(|a| p >= a),
                (Side::Sell, Some(p)) => bid.is_some_and(|b| p <= b),
                _ => false,
            };
            if crosses {
                (Liquidity::Taker, "crosses the spread")
            } else if tif != TimeInForce::Gtc {
                (Liquidity::Taker, "IOC/FOK never rests")
            } else {
                (Liquidity::Maker, "rests on the book")
            }
        }
    }
}

/// Reference for MARKET notional and PERCENT_PRICE: the mid, else the last
/// trade (Binance uses its average price; the mid is the nearest we have).
fn reference(view: &View, best: (Option<Decimal>, Option<Decimal>)) -> Option<Decimal> {
    match best {
        (Some(b), Some(a)) => Some((b + a) / Decimal::TWO),
        _ => view.ticker.as_ref().map(|t| t.last.to_decimal()),
    }
}

fn best(view: &View) -> (Option<Decimal>, Option<Decimal>) {
    view.best()
        .map(|(b, a)| (Some(b.to_decimal()), Some(a.to_decimal())))
        .unwrap_or_default()
}

pub fn preview(t: &TicketState, view: &View) -> Preview {
    let mut p = Preview::default();
    let Some(tv) = view.trading.as_ref() else {
        p.problems.push("trading is off".into());
        return p;
    };
    let market = t.kind == OrderType::Market;
    let unit = t.unit();
    let num = |f: Field, text: &str, p: &mut Preview| match parse_number(text) {
        Ok(v) => v,
        Err(e) => {
            p.field_errors.push((f, e));
            None
        }
    };
    let price = has_price(t.kind)
        .then(|| num(Field::Price, &t.price, &mut p))
        .flatten();
    let stop = has_stop(t.kind)
        .then(|| num(Field::Stop, &t.stop, &mut p))
        .flatten();
    let amount = num(Field::Amount, &t.amount, &mut p);
    if has_stop(t.kind) && t.stop.trim().is_empty() {
        p.problems.push("enter a stop price".into());
    }
    if has_price(t.kind) && t.price.trim().is_empty() {
        p.problems.push("enter a price".into());
    }
    if t.amount.trim().is_empty() {
        p.problems.push(match unit {
            Unit::Base => "enter a quantity (or z/x/c/v for 25-100%)".into(),
            Unit::Quote => format!("enter an amount of {}", sanitize(&tv.quote_asset)),
        });
    }
    let best = best(view);
    let refp = reference(view, best);
    let complete = p.field_errors.is_empty() && p.problems.is_empty();
    match &tv.filters {
        None => p
            .problems
            .push("symbol filters not loaded yet: cannot validate".into()),
        Some(f) => {
            let positive = |v: Option<Decimal>| v.filter(|v| *v > Decimal::ZERO);
            p.price = positive(price).map(|v| f.round_price(v, t.side));
            p.stop = positive(stop).map(|v| f.round_price(v, t.side));
            match unit {
                Unit::Base => p.qty = amount.map(|q| f.round_qty(q, market)),
                Unit::Quote => p.quote_qty = amount,
            }
            if complete {
                let draft = OrderDraft {
                    side: t.side,
                    price,
                    stop_price: stop,
                    qty: (unit == Unit::Base).then_some(amount).flatten(),
                    quote_qty: (unit == Unit::Quote).then_some(amount).flatten(),
                    market,
                };
                let open = tv.open_orders.iter().filter(|o| o.symbol == t.symbol);
                match validate(f, draft, refp, open.count() as u32) {
                    Ok(d) => {
                        p.filters = Some(Ok(()));
                        p.price = d.price;
                        p.stop = d.stop_price;
                        if unit == Unit::Base {
                            p.qty = d.qty;
                        }
                    }
                    Err(e) => p.filters = Some(Err(e.to_string())),
                }
            }
        }
    }
    let exec_px = if market {
        match t.side {
            Side::Buy => best.1,
            Side::Sell => best.0,
        }
    } else {
        p.price
    };
    p.notional = match (p.quote_qty, p.qty, exec_px) {
        (Some(q), _, _) => Some(q),
        (None, Some(q), Some(px)) => Some(q * px),
        _ => None,
    };
    let (liquidity, why) = fee_for(t.kind, t.tif, t.side, p.price, best);
    let rate = match liquidity {
        Liquidity::Maker => tv.maker_fee,
        Liquidity::Taker => tv.taker_fee,
    };
    p.fee = p.notional.map(|n| Fee {
        amount: n * rate,
        rate,
        liquidity,
        why,
    });
    order_checks(t, view, tv, &mut p, best, refp);
    balance_warnings(t, tv, &mut p);
    if p.field_errors.is_empty() && p.problems.is_empty() && p.filters == Some(Ok(())) {
        p.ready = Some(OrderTicket {
            symbol: t.symbol.clone(),
            side: t.side,
            kind: t.kind,
            tif: super::state::has_tif(t.kind).then_some(t.tif),
            price: p.price,
            stop_price: p.stop,
            qty: p.qty,
            quote_qty: p.quote_qty,
            client_order_id: None,
            tag: None,
        });
    }
    p
}

/// What Binance would refuse for reasons outside the filters, and whether
/// the account can trade at all.
fn order_checks(
    t: &TicketState,
    view: &View,
    tv: &TradingView,
    p: &mut Preview,
    (bid, ask): (Option<Decimal>, Option<Decimal>),
    refp: Option<Decimal>,
) {
    if t.kind == OrderType::LimitMaker {
        let takes = match (t.side, p.price) {
            (Side::Buy, Some(px)) => ask.filter(|a| px >= *a),
            (Side::Sell, Some(px)) => bid.filter(|b| px <= *b),
            _ => None,
        };
        if let Some(touch) = takes {
            p.problems.push(format!(
                "LIMIT_MAKER would take liquidity at the touch {}: Binance rejects it",
                touch.normalize()
            ));
        }
    }
    if let (true, Some(stop), Some(mkt)) = (has_stop(t.kind), p.stop, refp) {
        // STOP_LOSS buys and TAKE_PROFIT sells trigger on a rise.
        let on_rise = matches!(
            (t.kind, t.side),
            (OrderType::StopLossLimit, Side::Buy) | (OrderType::TakeProfitLimit, Side::Sell)
        );
        if (on_rise && stop <= mkt) || (!on_rise && stop >= mkt) {
            let dir = if on_rise { "above" } else { "below" };
            p.problems.push(format!(
                "stop must be {dir} the market {}: it would trigger at once",
                mkt.normalize()
            ));
        }
    }
    if t.symbol != view.symbol {
        p.problems.push(format!(
            "the symbol changed to {}: close the ticket and open a new one",
            sanitize(&view.symbol)
        ));
    }
    if let Some(h) = &tv.halted {
        p.problems
            .push(format!("HALTED: {} (R resumes)", sanitize(&h.reason)));
    } else if !tv.can_trade {
        let why = tv.blocked_reason.as_deref().unwrap_or("account not ready");
        p.problems.push(format!("BLOCKED: {}", sanitize(why)));
    }
}

fn balance_warnings(t: &TicketState, tv: &TradingView, p: &mut Preview) {
    let known = |asset: &str| tv.balances.iter().any(|b| b.asset == asset);
    match t.side {
        Side::Buy if known(&tv.quote_asset) => {
            let free = tv.free(&tv.quote_asset);
            if let Some(n) = p.notional.filter(|n| *n > free) {
                p.warnings.push(format!(
                    "costs ~{} {q}, {} {q} free",
                    n.round_dp(8).normalize(),
                    free.normalize(),
                    q = sanitize(&tv.quote_asset)
                ));
            }
        }
        Side::Sell if known(&tv.base_asset) => {
            let free = tv.free(&tv.base_asset);
            if let Some(q) = p.qty.filter(|q| *q > free) {
                p.warnings.push(format!(
                    "sells {} {b}, {} {b} free",
                    q.normalize(),
                    free.normalize(),
                    b = sanitize(&tv.base_asset)
                ));
            }
        }
        _ => {}
    }
}

/// The amount text for `pct`% of the available balance: the free quote at
/// the order's price for a buy (or the quote amount itself for MARKET by
/// quote), the free base for a sell. Rounded down onto the lot grid, so a
/// 100% order never asks for more than is there.
pub fn percent_amount(t: &TicketState, pct: u8, view: &View) -> Result<String, String> {
    let tv = view.trading.as_ref().ok_or("trading is off")?;
    let share = Decimal::from(pct) / Decimal::ONE_HUNDRED;
    let market = t.kind == OrderType::Market;
    let asset = match t.side {
        Side::Buy => &tv.quote_asset,
        Side::Sell => &tv.base_asset,
    };
    if !tv.balances.iter().any(|b| &b.asset == asset) {
        return Err(format!("no {} balance known", sanitize(asset)));
    }
    let free = tv.free(asset);
    let round_qty = |q: Decimal| match &tv.filters {
        Some(f) => f.round_qty(q, market),
        None => q.trunc_with_scale(view.qty_decimals),
    };
    let amount = match (t.side, t.unit()) {
        (Side::Buy, Unit::Quote) => (free * share).trunc_with_scale(view.price_decimals),
        (Side::Buy, Unit::Base) => {
            let px = if market {
                best(view).1
            } else {
                parse_number(&t.price)
                    .ok()
                    .flatten()
                    .map(|px| match &tv.filters {
                        Some(f) => f.round_price(px, Side::Buy),
                        None => px,
                    })
            };
            let px = px
                .filter(|p| *p > Decimal::ZERO)
                .ok_or("enter a price first")?;
            round_qty(free * share / px)
        }
        (Side::Sell, _) => round_qty(free * share),
    };
    Ok(amount.normalize().to_string())
}
