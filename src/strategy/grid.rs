//! Grid: resting LIMIT orders on a ladder of price levels, buying low and
//! selling one level higher, over and over.
//!
//! The range `lower..upper` is cut into `levels` prices (arithmetic: equal
//! steps; geometric: equal ratios), rounded down to the tick. Between two
//! neighbouring levels sits one *slot*, which holds either quote (its BUY
//! rests at the slot's lower level) or base (its SELL rests at the upper
//! level). Each slot trades `order_quote / lower level` base. When a slot's
//! buy fills, its sell is placed one level up; when the sell fills, the buy
//! is placed one level down again: each completed pair earns one level's
//! spacing minus fees.
//!
//! **Start and the base it sells** (a choice worth knowing): at the first
//! price, slots below the price start with buys. Slots above it need base
//! to sell. With `initial_buy=true` (default) the grid buys that base with
//! one MARKET order first and then places the sells, so it starts with a
//! full ladder. With `initial_buy=false` it never sells base it did not
//! buy itself: slots above the price start as buys too, placed once the
//! price is above their level (a buy placed above the price would take
//! immediately). Base the account held before is never touched either way.
//!
//! An order is only placed where it would rest (buy below, sell above the
//! last price) and only with free funds; a slot whose order could not be
//! placed is retried on the next price. `on_exit=stop` cancels everything
//! and stops when the price leaves `lower..upper`; `keep` leaves the
//! orders resting. `lower=upper=0` centres the range on the first price,
//! `auto_pct` % either side.

use super::params::{ParamKind, ParamSpec, Params};
use super::util::{base_received, limit_qty, px, LastAction};
use super::{Ctx, Intent, MarketEvent, Strategy, StrategyState};
use crate::domain::Side;
use crate::trading::account::Fill;
use crate::trading::order::{Order, OrderStatus, OrderType};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;

pub const NAME: &str = "grid";
pub const DESCRIPTION: &str =
    "Resting LIMIT buys and sells on a ladder of levels; each fill places the opposite order one level away";

#[rustfmt::skip]
pub const SPECS: &[ParamSpec] = &[
    ParamSpec { name: "lower", kind: ParamKind::Decimal, default: "0", min: Some("0"), max: None, description: "lowest level (0 with upper=0: auto_pct around the first price)" },
    ParamSpec { name: "upper", kind: ParamKind::Decimal, default: "0", min: Some("0"), max: None, description: "highest level; must exceed lower" },
    ParamSpec { name: "levels", kind: ParamKind::Int, default: "10", min: Some("2"), max: Some("200"), description: "number of price levels" },
    ParamSpec { name: "spacing", kind: ParamKind::Choice(&["arithmetic", "geometric"]), default: "arithmetic", min: None, max: None, description: "equal price steps or equal ratios" },
    ParamSpec { name: "order_quote", kind: ParamKind::Decimal, default: "100", min: Some("0.00000001"), max: None, description: "quote value of each order" },
    ParamSpec { name: "initial_buy", kind: ParamKind::Bool, default: "true", min: None, max: None, description: "buy base at start for the sells above the price" },
    ParamSpec { name: "on_exit", kind: ParamKind::Choice(&["keep", "stop"]), default: "keep", min: None, max: None, description: "when the price leaves the range: keep orders, or cancel all and stop" },
    ParamSpec { name: "auto_pct", kind: ParamKind::Decimal, default: "4", min: Some("0.1"), max: Some("90"), description: "auto range: % below and above the first price (inside risk.max_price_deviation_pct)" },
];

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub lower: Decimal,
    pub upper: Decimal,
    pub levels: usize,
    pub geometric: bool,
    pub order_quote: Decimal,
    pub initial_buy: bool,
    pub stop_on_exit: bool,
    pub auto_pct: Decimal,
}

impl Config {
    pub fn from_params(p: &Params) -> Result<Config, String> {
        let c = Config {
            lower: p.decimal("lower")?,
            upper: p.decimal("upper")?,
            levels: p.usize("levels")?,
            geometric: p.choice("spacing")? == "geometric",
            order_quote: p.decimal("order_quote")?,
            initial_buy: p.bool("initial_buy")?,
            stop_on_exit: p.choice("on_exit")? == "stop",
            auto_pct: p.decimal("auto_pct")?,
        };
        let auto = c.lower.is_zero() && c.upper.is_zero();
        if !auto && (c.lower.is_zero() || c.lower >= c.upper) {
            return Err(format!(
                "lower ({}) must be above 0 and below upper ({}), or both 0 for an automatic range",
                c.lower, c.upper
            ));
        }
        Ok(c)
    }
}

pub fn check(p: &Params) -> Result<(), String> {
    Config::from_params(p).map(|_| ())
}

pub fn build(symbol: &str, p: &Params) -> Result<Box<dyn Strategy>, String> {
    Ok(Box::new(Grid::new(symbol, Config::from_params(p)?)))
}

/// The ladder's prices, rounded down to `tick`, strictly increasing.
pub fn levels(
    c: &Config,
    lower: Decimal,
    upper: Decimal,
    tick: Decimal,
) -> Result<Vec<Decimal>, String> {
    let n = c.levels.max(2);
    let last = Decimal::from(n as u64 - 1);
    let round = |v: Decimal| {
        if tick.is_zero() {
            v
        } else {
            (v / tick).floor() * tick
        }
    };
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let v = if i == n - 1 {
            upper
        } else if c.geometric {
            let (lo, hi) = (lower.to_f64().unwrap_or(0.0), upper.to_f64().unwrap_or(0.0));
            let x = lo * (hi / lo).powf(i as f64 / (n - 1) as f64);
            Decimal::from_f64(x).ok_or_else(|| format!("level {i} is not a number"))?
        } else {
            lower + (upper - lower) * Decimal::from(i as u64) / last
        };
        out.push(round(v).normalize());
    }
    if out.windows(2).any(|w| w[0] >= w[1]) || out[0] <= Decimal::ZERO {
        return Err(format!(
            "{n} levels between {lower} and {upper} do not fit the tick {tick}"
        ));
    }
    Ok(out)
}

/// What a slot holds and the order it has out.
#[derive(Clone, Debug, PartialEq)]
struct Slot {
    /// Base bought and not yet sold (its fees already deducted).
    base: Decimal,
    /// Quantity its buys use.
    qty: Decimal,
    /// True: it holds base and sells at the upper level.
    selling: bool,
    /// The key of its live order.
    live: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Idle,
    /// Waiting for the initial MARKET buy.
    Buying,
    Running,
    Stopped,
}

pub struct Grid {
    cfg: Config,
    symbol: String,
    phase: Phase,
    levels: Vec<Decimal>,
    slots: Vec<Slot>,
    init_base: Decimal,
    last_price: Option<Decimal>,
    pairs: u64,
    signal: String,
    last: LastAction,
}

impl Grid {
    pub fn new(symbol: &str, cfg: Config) -> Grid {
        Grid {
            cfg,
            symbol: symbol.into(),
            phase: Phase::Idle,
            levels: Vec::new(),
            slots: Vec::new(),
            init_base: Decimal::ZERO,
            last_price: None,
            pairs: 0,
            signal: "WAITING for a price".into(),
            last: LastAction::default(),
        }
    }

    fn stop(&mut self, why: String, ctx: &Ctx) -> Vec<Intent> {
        self.phase = Phase::Stopped;
        self.signal = format!("STOPPED: {why}");
        self.last.set(ctx.now_ms, format!("CANCEL ALL: {why}"));
        vec![Intent::CancelAll]
    }

    fn start(&mut self, price: Decimal, ctx: &Ctx) -> Vec<Intent> {
        let c = &self.cfg;
        let (lo, hi) = if c.lower.is_zero() {
            let span = price * c.auto_pct / Decimal::ONE_HUNDRED;
            (price - span, price + span)
        } else {
            (c.lower, c.upper)
        };
        let levels = match levels(c, lo, hi, ctx.filters.tick_size) {
            Ok(l) => l,
            Err(e) => return self.stop(e, ctx),
        };
        let mut slots = Vec::with_capacity(levels.len() - 1);
        for w in levels.windows(2) {
            let Some(qty) = limit_qty(ctx, c.order_quote / w[0], w[0]) else {
                let why = format!(
                    "order_quote {} is below the minimum order at {}",
                    c.order_quote,
                    px(w[0])
                );
                return self.stop(why, ctx);
            };
            slots.push(Slot {
                base: Decimal::ZERO,
                qty,
                selling: w[0] >= price,
                live: None,
            });
        }
        let need: Decimal = slots.iter().filter(|s| s.selling).map(|s| s.qty).sum();
        self.levels = levels;
        self.slots = slots;
        if !c.initial_buy || need.is_zero() {
            for s in &mut self.slots {
                s.selling = false;
            }
            self.phase = Phase::Running;
            return self.maintain(price, ctx);
        }
        self.phase = Phase::Buying;
        let why = format!("initial base for the sells above {}", px(price));
        self.last
            .set(ctx.now_ms, format!("BUY {}: {why}", px(need)));
        vec![Intent::market("init", Side::Buy, need, why)]
    }

    /// Places the order of every slot that has none, where it would rest
    /// and funds allow.
    fn maintain(&mut self, price: Decimal, ctx: &Ctx) -> Vec<Intent> {
        let mut quote = ctx.quote_free;
        let mut out = Vec::new();
        for j in 0..self.slots.len() {
            let (lo, hi) = (self.levels[j], self.levels[j + 1]);
            let s = &mut self.slots[j];
            if s.live.is_some() {
                continue;
            }
            let (key, side, at, qty) = if s.selling {
                if hi <= price {
                    continue;
                }
                let Some(q) = limit_qty(ctx, s.base, hi) else {
                    // Too little to sell (fees took it below the minimum):
                    // the slot buys again and sells it with the next lot.
                    s.selling = false;
                    continue;
                };
                (format!("s{j}"), Side::Sell, hi, q)
            } else {
                if lo >= price || lo * s.qty > quote {
                    continue;
                }
                quote -= lo * s.qty;
                (format!("b{j}"), Side::Buy, lo, s.qty)
            };
            s.live = Some(key.clone());
            let why = format!("grid slot {j} ({}..{})", px(lo), px(hi));
            out.push(Intent::limit(&key, OrderType::Limit, side, at, qty, why));
        }
        if !out.is_empty() {
            let text = format!("PLACE {} grid orders", out.len());
            self.last.set(ctx.now_ms, text);
        }
        out
    }

    fn slot_of(key: &str) -> Option<usize> {
        key.get(1..)?.parse().ok()
    }

    fn show_signal(&mut self, price: Decimal) {
        let live = self.slots.iter().filter(|s| s.live.is_some());
        let s = live.clone().filter(|x| x.selling).count();
        let b = live.count() - s;
        let (lo, hi) = (self.levels[0], self.levels[self.levels.len() - 1]);
        let place = if price < lo || price > hi {
            "OUT OF RANGE (orders kept)"
        } else {
            "RUNNING"
        };
        self.signal = format!("{place}: {b} buys, {s} sells open");
    }
}

impl Strategy for Grid {
    fn name(&self) -> &'static str {
        NAME
    }

    fn on_market(&mut self, ev: &MarketEvent, ctx: &Ctx) -> Vec<Intent> {
        let Some(price) = ev.price() else {
            return Vec::new();
        };
        self.last_price = Some(price);
        match self.phase {
            Phase::Idle => self.start(price, ctx),
            Phase::Buying | Phase::Stopped => Vec::new(),
            Phase::Running => {
                let (lo, hi) = (self.levels[0], self.levels[self.levels.len() - 1]);
                if self.cfg.stop_on_exit && (price < lo || price > hi) {
                    let why = format!("price {} left the range {}..{}", px(price), px(lo), px(hi));
                    return self.stop(why, ctx);
                }
                let out = self.maintain(price, ctx);
                self.show_signal(price);
                out
            }
        }
    }

    fn on_fill(&mut self, key: &str, fill: &Fill, ctx: &Ctx) -> Vec<Intent> {
        let got = base_received(ctx, fill);
        // A fill is a trade: the market was at its price.
        self.last_price = Some(fill.price);
        if key == "init" {
            self.init_base += got;
        } else if let Some(s) = Self::slot_of(key).and_then(|j| self.slots.get_mut(j)) {
            s.base = (s.base + got).max(Decimal::ZERO);
        }
        Vec::new()
    }

    fn on_order(&mut self, key: &str, order: &Order, ctx: &Ctx) -> Vec<Intent> {
        if !order.status.is_terminal() {
            return Vec::new();
        }
        let price = self.last_price.or(order.price).unwrap_or_default();
        if key == "init" && self.phase == Phase::Buying {
            // Hand the bought base to the sell slots, lowest first.
            let mut left = self.init_base;
            for s in self.slots.iter_mut().filter(|s| s.selling) {
                let give = left.min(s.qty);
                s.base = give;
                left -= give;
                s.selling = !give.is_zero();
            }
            self.phase = Phase::Running;
            return self.maintain(price, ctx);
        }
        let Some(j) = Self::slot_of(key).filter(|&j| j < self.slots.len()) else {
            return Vec::new();
        };
        let s = &mut self.slots[j];
        if s.live.as_deref() != Some(key) {
            return Vec::new();
        }
        s.live = None;
        if order.status == OrderStatus::Filled {
            s.selling = order.side == Side::Buy;
            if order.side == Side::Sell {
                self.pairs += 1;
            }
        }
        if self.phase != Phase::Running {
            return Vec::new();
        }
        self.maintain(price, ctx)
    }

    fn on_refused(&mut self, key: &str, reason: &str, ctx: &Ctx) -> Vec<Intent> {
        if key == "init" && self.phase == Phase::Buying {
            return self.stop(format!("the initial buy was refused: {reason}"), ctx);
        }
        if let Some(s) = Self::slot_of(key).and_then(|j| self.slots.get_mut(j)) {
            if s.live.as_deref() == Some(key) {
                s.live = None;
            }
        }
        self.last.refused(ctx.now_ms, key, reason);
        Vec::new()
    }

    fn state(&self) -> StrategyState {
        let range = match (self.levels.first(), self.levels.last()) {
            (Some(a), Some(b)) => format!("{}..{}", px(*a), px(*b)),
            _ => "-".into(),
        };
        let held: Decimal = self.slots.iter().map(|s| s.base).sum();
        StrategyState {
            name: NAME.into(),
            symbol: self.symbol.clone(),
            indicators: vec![
                ("range".into(), range),
                ("levels".into(), self.levels.len().to_string()),
                ("base held".into(), px(held)),
                ("pairs done".into(), self.pairs.to_string()),
            ],
            signal: self.signal.clone(),
            last_action: self.last.text.clone(),
            last_action_ms: self.last.ms,
        }
    }
}

#[cfg(test)]
#[path = "grid_tests.rs"]
mod tests;
