//! Matching our orders against the replayed market.
//!
//! * A taker (MARKET, or a LIMIT that crosses) walks the public book from
//!   the best level, filling at each level's price up to its quantity.
//! * What rests joins the back of the queue at its price: the public volume
//!   already there when it started resting trades first. A public trade at
//!   our price first eats that queue, then fills us; a trade *through* our
//!   price (a buy rests at 100, the market sells at 99.99) means the whole
//!   level traded, so we fill completely. Being touched is not enough.
//! * STOP_LOSS_LIMIT / TAKE_PROFIT_LIMIT trigger on the last trade price and
//!   then behave as a LIMIT with their time in force.
//! * An OCO leg that fills or triggers expires the other leg.
//!
//! Choice: our fills do not remove liquidity from the replayed public book
//! (it keeps replaying the recording / the model), so two market orders in a
//! row can take the same level. Within one order the walk never takes a level
//! twice, and trades and balances are always consistent with our fills.

use super::engine::{Engine, MarketView, SymbolRules};
use super::types::SimTrade;
use crate::domain::{Millis, Side};
use crate::trading::order::{OrderStatus, OrderType, TimeInForce};
use rust_decimal::Decimal;

fn floor_to(v: Decimal, step: Decimal) -> Decimal {
    if step.is_zero() {
        v
    } else {
        (v / step).floor() * step
    }
}

impl Engine {
    /// The fills a taker would get: `(price, qty)` from the best level out,
    /// up to `limit`, for a base quantity or a quote amount.
    pub(super) fn walk(
        mv: &MarketView,
        side: Side,
        limit: Option<Decimal>,
        qty: Option<Decimal>,
        quote: Option<Decimal>,
        rules: &SymbolRules,
    ) -> Vec<(Decimal, Decimal)> {
        let levels = match side {
            Side::Buy => &mv.asks,
            Side::Sell => &mv.bids,
        };
        let step = if rules.filters.market_step_size.is_zero() {
            rules.filters.step_size
        } else {
            rules.filters.market_step_size
        };
        let mut left_qty = qty;
        let mut left_quote = quote;
        let mut out = Vec::new();
        for &(p, lq) in levels {
            let crosses = match (side, limit) {
                (_, None) => true,
                (Side::Buy, Some(l)) => p <= l,
                (Side::Sell, Some(l)) => p >= l,
            };
            if !crosses {
                break;
            }
            let q = match (left_qty, left_quote) {
                (Some(q), _) => lq.min(q),
                (None, Some(qq)) => lq.min(floor_to(qq / p, step)),
                (None, None) => Decimal::ZERO,
            };
            if q <= Decimal::ZERO {
                break;
            }
            out.push((p, q));
            if let Some(x) = left_qty.as_mut() {
                *x -= q;
            }
            if let Some(x) = left_quote.as_mut() {
                *x -= p * q;
            }
        }
        out
    }

    /// Applies one fill of our order `id`.
    pub(super) fn fill(&mut self, id: i64, price: Decimal, qty: Decimal, maker: bool, now: Millis) {
        let Some(order) = self.orders.get(&id).cloned() else {
            return;
        };
        let (commission, asset) = self.settle(&order, price, qty, maker);
        self.next_trade_id += 1;
        let trade = SimTrade {
            account: order.account,
            symbol: order.symbol.clone(),
            trade_id: self.next_trade_id,
            order_id: id,
            order_list_id: order.order_list_id,
            client_order_id: order.client_order_id.clone(),
            side: order.side,
            price,
            qty,
            quote_qty: price * qty,
            commission,
            commission_asset: asset,
            is_maker: maker,
            time: now,
        };
        self.trades.push(trade.clone());
        let o = self.orders.get_mut(&id).expect("order exists");
        o.executed_qty += qty;
        o.cum_quote += price * qty;
        o.update_time = now;
        o.status = if o.executed_qty >= o.orig_qty {
            OrderStatus::Filled
        } else {
            OrderStatus::PartiallyFilled
        };
        let (done, lock, list) = (o.status == OrderStatus::Filled, o.lock, o.order_list_id);
        self.exec(id, "TRADE", Some(trade), None, now);
        if done {
            if let Some(l) = lock {
                self.maybe_release(l);
            }
        }
        if list >= 0 {
            self.oco_sibling_done(list, id, now);
        }
    }

    /// An OCO leg filled or triggered: the other leg expires.
    fn oco_sibling_done(&mut self, list: i64, id: i64, now: Millis) {
        let Some(l) = self.lists.get(&list) else {
            return;
        };
        let others: Vec<i64> = l.order_ids.iter().copied().filter(|x| *x != id).collect();
        for x in others {
            if self.orders.get(&x).is_some_and(|o| o.is_open()) {
                self.expire(x, "OCO_TRIGGER", now);
            }
        }
        self.list_done(list, now);
    }

    /// A limit-type order starts working (at placement, or when its stop
    /// triggers): it takes what crosses, then rests or expires by TIF.
    pub(super) fn start_working(&mut self, id: i64, mv: &MarketView, now: Millis) {
        let o = self.orders[&id].clone();
        let rules = self.rules[&o.symbol].clone();
        let plan = Self::walk(mv, o.side, Some(o.price), Some(o.remaining()), None, &rules);
        let available: Decimal = plan.iter().map(|f| f.1).sum();
        if o.tif == TimeInForce::Fok && available < o.remaining() {
            self.expire(id, "UNFILLED_FOK_ORDER_EXPIRED", now);
            return;
        }
        for (p, q) in plan {
            self.fill(id, p, q, false, now);
        }
        let o = &self.orders[&id];
        if !o.is_open() {
            return;
        }
        if o.tif == TimeInForce::Ioc {
            self.expire(id, "UNFILLED_IOC_QUANTITY_EXPIRED", now);
            return;
        }
        let same = match o.side {
            Side::Buy => &mv.bids,
            Side::Sell => &mv.asks,
        };
        let ahead = same
            .iter()
            .find(|l| l.0 == o.price)
            .map(|l| l.1)
            .unwrap_or_default();
        self.orders.get_mut(&id).expect("order").queue_ahead = ahead;
    }

    /// A public trade: stops trigger on its price, then resting orders it
    /// reaches fill (queue first). `aggressor` is the taker's side.
    pub fn on_trade(
        &mut self,
        symbol: &str,
        price: Decimal,
        qty: Decimal,
        aggressor: Side,
        mv: &MarketView,
        now: Millis,
    ) {
        self.last_price.insert(symbol.to_string(), price);
        let triggered: Vec<i64> = self
            .orders
            .values()
            .filter(|o| o.symbol == symbol && o.is_open() && !o.is_working)
            .filter(|o| Self::triggers(o.kind, o.side, o.stop_price, price))
            .map(|o| o.order_id)
            .collect();
        for id in triggered {
            if !self.orders[&id].is_open() {
                continue; // its OCO sibling triggered first
            }
            let o = self.orders.get_mut(&id).expect("order");
            o.is_working = true;
            o.working_time = Some(now);
            o.update_time = now;
            let list = o.order_list_id;
            if list >= 0 {
                self.oco_sibling_done(list, id, now);
            }
            self.start_working(id, mv, now);
        }
        let mut resting: Vec<(Decimal, i64)> = self
            .orders
            .values()
            .filter(|o| o.symbol == symbol && o.is_open() && o.is_working)
            .filter(|o| o.kind != OrderType::Market)
            .filter(|o| match o.side {
                Side::Buy => aggressor == Side::Sell && price <= o.price,
                Side::Sell => aggressor == Side::Buy && price >= o.price,
            })
            .map(|o| (o.price, o.order_id))
            .collect();
        // Price priority (best for the aggressor first), then time.
        resting.sort_by(|a, b| match aggressor {
            Side::Sell => b.0.cmp(&a.0).then(a.1.cmp(&b.1)),
            Side::Buy => a.0.cmp(&b.0).then(a.1.cmp(&b.1)),
        });
        let mut avail = qty;
        for (p, id) in resting {
            if !self.orders[&id].is_open() {
                continue;
            }
            if p != price {
                let left = self.orders[&id].remaining();
                self.orders.get_mut(&id).expect("order").queue_ahead = Decimal::ZERO;
                self.fill(id, p, left, true, now);
                continue;
            }
            let o = self.orders.get_mut(&id).expect("order");
            let eat = avail.min(o.queue_ahead);
            o.queue_ahead -= eat;
            avail -= eat;
            let f = avail.min(o.remaining());
            if f > Decimal::ZERO {
                avail -= f;
                self.fill(id, p, f, true, now);
            }
        }
    }
}
