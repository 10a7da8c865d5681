//! Binance symbol filters and order validation (docs/binance.md §8).
//!
//! Every order is rounded to the symbol's grid and checked here before it
//! can be sent; what cannot be sent is refused with the filter's name and
//! the nearest valid value, so the user never meets `-1013` from Binance.

use crate::domain::Side;
use rust_decimal::Decimal;

/// The filters tradeterm enforces, parsed from exchangeInfo.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SymbolFilters {
    pub min_price: Decimal,
    pub max_price: Decimal,
    pub tick_size: Decimal,
    pub min_qty: Decimal,
    pub max_qty: Decimal,
    pub step_size: Decimal,
    /// MARKET_LOT_SIZE (zeros = disabled, as Binance sends for BTCUSDT).
    pub market_min_qty: Decimal,
    pub market_max_qty: Decimal,
    pub market_step_size: Decimal,
    pub min_notional: Decimal,
    pub max_notional: Decimal,
    pub apply_min_to_market: bool,
    pub apply_max_to_market: bool,
    /// PERCENT_PRICE_BY_SIDE multipliers (bid up/down, ask up/down).
    pub percent_price: Option<[Decimal; 4]>,
    pub max_num_orders: Option<u32>,
}

fn dec(v: &serde_json::Value, k: &str) -> Decimal {
    match v.get(k) {
        Some(serde_json::Value::String(s)) => s.parse().unwrap_or_default(),
        Some(serde_json::Value::Number(n)) => n.to_string().parse().unwrap_or_default(),
        _ => Decimal::ZERO,
    }
}

impl SymbolFilters {
    /// From the raw filter objects of one exchangeInfo symbol.
    pub fn from_json(filters: &[serde_json::Value]) -> SymbolFilters {
        let mut f = SymbolFilters::default();
        let mut have_notional = false;
        for v in filters {
            match v.get("filterType").and_then(|t| t.as_str()) {
                Some("PRICE_FILTER") => {
                    f.min_price = dec(v, "minPrice");
                    f.max_price = dec(v, "maxPrice");
                    f.tick_size = dec(v, "tickSize");
                }
                Some("LOT_SIZE") => {
                    f.min_qty = dec(v, "minQty");
                    f.max_qty = dec(v, "maxQty");
                    f.step_size = dec(v, "stepSize");
                }
                Some("MARKET_LOT_SIZE") => {
                    f.market_min_qty = dec(v, "minQty");
                    f.market_max_qty = dec(v, "maxQty");
                    f.market_step_size = dec(v, "stepSize");
                }
                Some("NOTIONAL") => {
                    have_notional = true;
                    f.min_notional = dec(v, "minNotional");
                    f.max_notional = dec(v, "maxNotional");
                    f.apply_min_to_market = v
                        .get("applyMinToMarket")
                        .and_then(|b| b.as_bool())
                        .unwrap_or(true);
                    f.apply_max_to_market = v
                        .get("applyMaxToMarket")
                        .and_then(|b| b.as_bool())
                        .unwrap_or(false);
                }
                Some("MIN_NOTIONAL") if !have_notional => {
                    f.min_notional = dec(v, "minNotional");
                    f.apply_min_to_market = v
                        .get("applyToMarket")
                        .and_then(|b| b.as_bool())
                        .unwrap_or(true);
                }
                Some("PERCENT_PRICE_BY_SIDE") => {
                    f.percent_price = Some([
                        dec(v, "bidMultiplierUp"),
                        dec(v, "bidMultiplierDown"),
                        dec(v, "askMultiplierUp"),
                        dec(v, "askMultiplierDown"),
                    ]);
                }
                Some("PERCENT_PRICE") if f.percent_price.is_none() => {
                    let (up, down) = (dec(v, "multiplierUp"), dec(v, "multiplierDown"));
                    f.percent_price = Some([up, down, up, down]);
                }
                Some("MAX_NUM_ORDERS") => {
                    f.max_num_orders = v
                        .get("maxNumOrders")
                        .and_then(|n| n.as_u64())
                        .map(|n| n as u32);
                }
                _ => {}
            }
        }
        f
    }

    /// Rounds a price onto the tick grid toward the passive side (a buy
    /// never pays more, a sell never asks less than the user typed).
    pub fn round_price(&self, price: Decimal, side: Side) -> Decimal {
        round_to(price, self.tick_size, side == Side::Sell)
    }

    /// Rounds a quantity down onto the step grid.
    pub fn round_qty(&self, qty: Decimal, market: bool) -> Decimal {
        let step = if market && !self.market_step_size.is_zero() {
            self.market_step_size
        } else {
            self.step_size
        };
        round_to(qty, step, false)
    }
}

fn round_to(v: Decimal, step: Decimal, up: bool) -> Decimal {
    if step.is_zero() {
        return v;
    }
    let n = v / step;
    let n = if up { n.ceil() } else { n.floor() };
    (n * step).normalize()
}

/// An order as the validator sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderDraft {
    pub side: Side,
    /// MARKET orders have no price.
    pub price: Option<Decimal>,
    pub stop_price: Option<Decimal>,
    /// Base quantity (MARKET by quote amount leaves it `None`).
    pub qty: Option<Decimal>,
    pub quote_qty: Option<Decimal>,
    pub market: bool,
}

/// Why an order cannot be sent, naming the filter and the nearest valid
/// value where there is one.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{filter}: {message}{}", nearest.map(|n| format!(" (nearest valid: {n})")).unwrap_or_default())]
pub struct FilterRefusal {
    pub filter: &'static str,
    pub message: String,
    pub nearest: Option<Decimal>,
}

fn refuse(filter: &'static str, message: String, nearest: Option<Decimal>) -> FilterRefusal {
    FilterRefusal {
        filter,
        message,
        nearest: nearest.map(|n| n.normalize()),
    }
}

/// Checks (and rounds) an order. `reference_price` is the average/reference
/// price Binance uses for MARKET notional and PERCENT_PRICE_BY_SIDE;
/// `open_orders` counts the symbol's open orders.
pub fn validate(
    f: &SymbolFilters,
    mut o: OrderDraft,
    reference_price: Option<Decimal>,
    open_orders: u32,
) -> Result<OrderDraft, FilterRefusal> {
    if let Some(max) = f.max_num_orders {
        if open_orders >= max {
            return Err(refuse(
                "MAX_NUM_ORDERS",
                format!("{open_orders} open orders; the limit is {max}"),
                None,
            ));
        }
    }
    for (name, p) in [("price", &mut o.price), ("stop price", &mut o.stop_price)] {
        let Some(v) = p.as_mut() else { continue };
        if *v <= Decimal::ZERO {
            return Err(refuse(
                "PRICE_FILTER",
                format!("{name} must be above 0"),
                None,
            ));
        }
        let r = f.round_price(*v, o.side);
        if r.is_zero() {
            return Err(refuse(
                "PRICE_FILTER",
                format!("{name} {v} is below one tick"),
                Some(f.tick_size),
            ));
        }
        *v = r;
        if !f.min_price.is_zero() && r < f.min_price {
            return Err(refuse(
                "PRICE_FILTER",
                format!("{name} {r} is below the minimum"),
                Some(f.min_price),
            ));
        }
        if !f.max_price.is_zero() && r > f.max_price {
            return Err(refuse(
                "PRICE_FILTER",
                format!("{name} {r} is above the maximum"),
                Some(f.max_price),
            ));
        }
    }
    if let Some(q) = o.qty {
        let r = f.round_qty(q, o.market);
        let (min, max, name) = if o.market && !f.market_max_qty.is_zero() {
            (
                f.market_min_qty.max(f.min_qty),
                f.market_max_qty,
                "MARKET_LOT_SIZE",
            )
        } else {
            (f.min_qty, f.max_qty, "LOT_SIZE")
        };
        if r <= Decimal::ZERO || r < min {
            return Err(refuse(
                name,
                format!("quantity {q} is below the minimum"),
                Some(min.max(f.step_size)),
            ));
        }
        if !max.is_zero() && r > max {
            return Err(refuse(
                name,
                format!("quantity {q} is above the maximum"),
                Some(max),
            ));
        }
        o.qty = Some(r);
    } else if o.quote_qty.is_none() {
        return Err(refuse("LOT_SIZE", "no quantity given".into(), None));
    }
    // Notional: price * qty (limit) or reference price * qty (market).
    let px = if o.market { reference_price } else { o.price };
    let notional = match (o.qty, o.quote_qty, px) {
        (_, Some(qq), _) if o.market => Some(qq),
        (Some(q), _, Some(p)) => Some(q * p),
        _ => None,
    };
    if let Some(n) = notional {
        let apply_min = !o.market || f.apply_min_to_market;
        let apply_max = !o.market || f.apply_max_to_market;
        if apply_min && !f.min_notional.is_zero() && n < f.min_notional {
            let nearest = match (o.qty, px) {
                (Some(_), Some(p)) if !p.is_zero() => {
                    Some(round_to(f.min_notional / p, f.step_size, true))
                }
                _ => Some(f.min_notional),
            };
            return Err(refuse(
                "NOTIONAL",
                format!(
                    "order value {} is below the minimum {}",
                    n.normalize(),
                    f.min_notional.normalize()
                ),
                nearest,
            ));
        }
        if apply_max && !f.max_notional.is_zero() && n > f.max_notional {
            return Err(refuse(
                "NOTIONAL",
                format!(
                    "order value {} is above the maximum {}",
                    n.normalize(),
                    f.max_notional.normalize()
                ),
                None,
            ));
        }
    }
    if let (Some([bu, bd, au, ad]), Some(p), Some(avg)) =
        (f.percent_price, o.price, reference_price)
    {
        let (up, down) = if o.side == Side::Buy {
            (bu, bd)
        } else {
            (au, ad)
        };
        let (hi, lo) = (avg * up, avg * down);
        if p > hi {
            return Err(refuse(
                "PERCENT_PRICE_BY_SIDE",
                format!("price {p} is more than {up}x the average price {avg}"),
                Some(f.round_price(hi, Side::Buy)),
            ));
        }
        if p < lo {
            return Err(refuse(
                "PERCENT_PRICE_BY_SIDE",
                format!("price {p} is less than {down}x the average price {avg}"),
                Some(f.round_price(lo, Side::Sell)),
            ));
        }
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn btc() -> SymbolFilters {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/binance/real_rest_exchangeInfo_BTCUSDT_ETHUSDT_2023-08-13.json"
        ))
        .unwrap();
        let info = crate::exchange::wire::parse_exchange_info(&text).unwrap();
        let s = info.symbols.iter().find(|s| s.symbol == "BTCUSDT").unwrap();
        SymbolFilters::from_json(&s.filters)
    }

    fn limit(side: Side, p: &str, q: &str) -> OrderDraft {
        OrderDraft {
            side,
            price: Some(d(p)),
            stop_price: None,
            qty: Some(d(q)),
            quote_qty: None,
            market: false,
        }
    }

    #[test]
    fn parses_real_filters() {
        let f = btc();
        assert_eq!(f.tick_size, d("0.01"));
        assert_eq!(f.step_size, d("0.00001"));
        assert_eq!(f.min_notional, d("10"));
        assert_eq!(f.market_max_qty, d("169.00949758"));
        assert_eq!(f.max_num_orders, Some(200));
    }

    #[test]
    fn rounds_to_the_grid_toward_the_passive_side() {
        let f = btc();
        let o = validate(
            &f,
            limit(Side::Buy, "30000.019", "0.0012345"),
            Some(d("30000")),
            0,
        )
        .unwrap();
        assert_eq!(o.price, Some(d("30000.01")));
        assert_eq!(o.qty, Some(d("0.00123")));
        let o = validate(
            &f,
            limit(Side::Sell, "30000.011", "0.001"),
            Some(d("30000")),
            0,
        )
        .unwrap();
        assert_eq!(o.price, Some(d("30000.02")));
    }

    #[test]
    fn refusals_name_the_filter_and_nearest_value() {
        let f = btc();
        let e = validate(&f, limit(Side::Buy, "30000", "0.0002"), Some(d("30000")), 0).unwrap_err();
        assert_eq!(e.filter, "NOTIONAL");
        assert_eq!(e.nearest, Some(d("0.00034")));
        assert!(e.to_string().contains("nearest valid: 0.00034"), "{e}");
        let e = validate(&f, limit(Side::Buy, "30000", "0.000001"), None, 0).unwrap_err();
        assert_eq!(e.filter, "LOT_SIZE");
        let e = validate(&f, limit(Side::Buy, "200000", "0.001"), Some(d("30000")), 0).unwrap_err();
        assert_eq!(e.filter, "PERCENT_PRICE_BY_SIDE");
        assert_eq!(e.nearest, Some(d("150000")));
        let e = validate(&f, limit(Side::Buy, "30000", "0.001"), None, 200).unwrap_err();
        assert_eq!(e.filter, "MAX_NUM_ORDERS");
        let m = OrderDraft {
            side: Side::Buy,
            price: None,
            stop_price: None,
            qty: Some(d("200")),
            quote_qty: None,
            market: true,
        };
        assert_eq!(
            validate(&f, m, Some(d("30000")), 0).unwrap_err().filter,
            "MARKET_LOT_SIZE"
        );
    }

    #[test]
    fn market_by_quote_amount_checks_notional() {
        let f = btc();
        let m = OrderDraft {
            side: Side::Buy,
            price: None,
            stop_price: None,
            qty: None,
            quote_qty: Some(d("5")),
            market: true,
        };
        assert_eq!(
            validate(&f, m, Some(d("30000")), 0).unwrap_err().filter,
            "NOTIONAL"
        );
    }
}
