//! Test helpers for the strategies' unit tests: a hand-driven account
//! (`World`) that tests move step by step (a fill here, a cancel there).
//! It does no matching of its own; the backtest uses the paper venue.

use super::{Ctx, Intent, OwnOrder, OwnPosition, Strategy};
use crate::domain::{Kline, Side, Trade};
use crate::fixed::Fx;
use crate::trading::account::Fill;
use crate::trading::filters::SymbolFilters;
use crate::trading::order::{Order, OrderStatus, OrderType};
use rust_decimal::Decimal;

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// BTCUSDT's real filters (tick 0.01, step 0.00001, min notional 10).
pub fn btc_filters() -> SymbolFilters {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/binance/real_rest_exchangeInfo_BTCUSDT_ETHUSDT_2023-08-13.json"
    ))
    .unwrap();
    let info = crate::exchange::wire::parse_exchange_info(&text).unwrap();
    let s = info.symbols.iter().find(|s| s.symbol == "BTCUSDT").unwrap();
    SymbolFilters::from_json(&s.filters)
}

pub fn kline(t: i64, o: &str, h: &str, l: &str, c: &str) -> Kline {
    let fx = |s: &str| Fx::parse(s).unwrap();
    Kline {
        open_time: t,
        close_time: t + 3_599_999,
        open: fx(o),
        high: fx(h),
        low: fx(l),
        close: fx(c),
        volume: d("10"),
        quote_volume: Decimal::ZERO,
        trades: 1,
        closed: true,
    }
}

/// A closed kline with every price at `c`.
pub fn flat(t: i64, c: &str) -> Kline {
    kline(t, c, c, c, c)
}

pub fn trade(t: i64, price: &str) -> Trade {
    Trade {
        symbol: "BTCUSDT".into(),
        id: t as u64,
        price: Fx::parse(price).unwrap(),
        qty: Fx::parse("1").unwrap(),
        time: t,
        event_time: t,
        aggressor: Side::Sell,
    }
}

/// The account a strategy sees, moved by hand.
pub struct World {
    pub now: i64,
    pub filters: SymbolFilters,
    pub base_free: Decimal,
    pub quote_free: Decimal,
    pub position: OwnPosition,
    pub open: Vec<OwnOrder>,
    pub trade_id: i64,
}

impl World {
    pub fn new(quote: &str) -> World {
        World {
            now: 0,
            filters: btc_filters(),
            base_free: Decimal::ZERO,
            quote_free: d(quote),
            position: OwnPosition::default(),
            open: Vec::new(),
            trade_id: 0,
        }
    }

    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            now_ms: self.now,
            symbol: "BTCUSDT",
            base_asset: "BTC",
            quote_asset: "USDT",
            filters: &self.filters,
            base_free: self.base_free,
            quote_free: self.quote_free,
            position: self.position,
            open_orders: &self.open,
        }
    }

    fn order(p: &super::Place, status: OrderStatus, now: i64) -> Order {
        Order {
            client_order_id: p.key.clone(),
            exchange_id: None,
            symbol: "BTCUSDT".into(),
            side: p.side,
            kind: p.kind,
            tif: None,
            price: p.price,
            stop_price: None,
            qty: p.qty,
            quote_qty: p.quote_qty,
            status,
            executed_qty: Decimal::ZERO,
            cum_quote: Decimal::ZERO,
            updated_ms: now,
        }
    }

    /// Accepts resting (LIMIT, LIMIT_MAKER) orders as NEW and carries out
    /// cancels; MARKET orders are left for the test to fill.
    pub fn accept(&mut self, s: &mut dyn Strategy, intents: &[Intent]) -> Vec<Intent> {
        let mut out = Vec::new();
        for i in intents {
            match i {
                Intent::Place(p) if p.kind != OrderType::Market => {
                    let o = Self::order(p, OrderStatus::New, self.now);
                    self.open.push(OwnOrder {
                        key: p.key.clone(),
                        order: o.clone(),
                    });
                    out.extend(s.on_order(&p.key, &o, &self.ctx()));
                }
                Intent::Cancel { key } => out.extend(self.cancel(s, key)),
                Intent::CancelAll => {
                    let keys: Vec<String> = self.open.iter().map(|o| o.key.clone()).collect();
                    for k in keys {
                        out.extend(self.cancel(s, &k));
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn cancel(&mut self, s: &mut dyn Strategy, key: &str) -> Vec<Intent> {
        let Some(i) = self.open.iter().position(|o| o.key == key) else {
            return Vec::new();
        };
        let mut o = self.open.remove(i).order;
        o.status = OrderStatus::Canceled;
        s.on_order(key, &o, &self.ctx())
    }

    /// A complete fill of `qty` at `price` for the order `key` (no fees):
    /// moves balances and the position, then tells the strategy.
    pub fn fill(
        &mut self,
        s: &mut dyn Strategy,
        key: &str,
        side: Side,
        price: &str,
        qty: &str,
    ) -> Vec<Intent> {
        let (price, qty) = (d(price), d(qty));
        let p = &mut self.position;
        match side {
            Side::Buy => {
                p.avg_entry = (p.avg_entry * p.qty + price * qty) / (p.qty + qty);
                p.qty += qty;
                self.base_free += qty;
                self.quote_free -= price * qty;
            }
            Side::Sell => {
                p.qty -= qty;
                if p.qty.is_zero() {
                    p.avg_entry = Decimal::ZERO;
                }
                self.base_free -= qty;
                self.quote_free += price * qty;
            }
        }
        self.trade_id += 1;
        let f = Fill {
            symbol: "BTCUSDT".into(),
            trade_id: self.trade_id,
            order_id: self.trade_id,
            client_order_id: key.into(),
            side,
            price,
            qty,
            quote_qty: price * qty,
            commission: Decimal::ZERO,
            commission_asset: "USDT".into(),
            is_maker: false,
            time: self.now,
        };
        let mut o = match self.open.iter().position(|o| o.key == key) {
            Some(i) => self.open.remove(i).order,
            None => Order {
                client_order_id: key.into(),
                exchange_id: None,
                symbol: "BTCUSDT".into(),
                side,
                kind: OrderType::Market,
                tif: None,
                price: None,
                stop_price: None,
                qty: Some(qty),
                quote_qty: None,
                status: OrderStatus::New,
                executed_qty: Decimal::ZERO,
                cum_quote: Decimal::ZERO,
                updated_ms: self.now,
            },
        };
        o.status = OrderStatus::Filled;
        o.executed_qty = qty;
        o.cum_quote = price * qty;
        let mut out = s.on_fill(key, &f, &self.ctx());
        out.extend(s.on_order(key, &o, &self.ctx()));
        out
    }
}

/// The only `Place` among `intents`.
pub fn only_place(intents: &[Intent]) -> &super::Place {
    let places: Vec<&super::Place> = intents
        .iter()
        .filter_map(|i| match i {
            Intent::Place(p) => Some(p),
            _ => None,
        })
        .collect();
    assert_eq!(places.len(), 1, "{intents:?}");
    places[0]
}
