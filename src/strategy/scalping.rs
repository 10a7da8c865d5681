//! Scalping: a maker at the best bid when the book leans to the buy side.
//!
//! * **Entry**: while the depth is LIVE, the spread is at most `max_spread`
//!   (`spread_unit` ticks or basis points of the mid: a wide spread means
//!   an unstable book) and the bid side holds at least `min_imbalance` of
//!   the size in the top `depth_levels` levels, it quotes a LIMIT_MAKER buy
//!   of `order_quote` at the best bid.
//! * **Stale quotes**: the entry is cancelled when it is older than
//!   `requote_ms`, when the best bid moved away from it, or when the book
//!   stops being live (then no new entries until it is live again); a new
//!   one is quoted after the cancel is confirmed.
//! * **After a fill** (the rest of a partly filled entry is cancelled):
//!   a LIMIT_MAKER sell of the position `tp_ticks` above the average entry.
//! * **Exits**: when the best bid is `sl_ticks` below the entry, or the
//!   position is older than `max_hold_ms` (engine time), the take-profit is
//!   cancelled and, once that is confirmed, the position is sold at MARKET.
//!   If the target is already below the bid, it sells at MARKET too.

use super::params::{ParamKind, ParamSpec, Params};
use super::util::{limit_qty, next_key, px, sellable, LastAction};
use super::{Ctx, Intent, MarketEvent, Strategy, StrategyState};
use crate::domain::{Millis, Side};
use crate::trading::account::Fill;
use crate::trading::order::{Order, OrderType};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

pub const NAME: &str = "scalping";
pub const DESCRIPTION: &str =
    "Maker buys at the best bid on a tight, bid-heavy book; take-profit ticks above, tick stop and time stop";

#[rustfmt::skip]
pub const SPECS: &[ParamSpec] = &[
    ParamSpec { name: "spread_unit", kind: ParamKind::Choice(&["ticks", "bps"]), default: "ticks", min: None, max: None, description: "unit of max_spread" },
    ParamSpec { name: "max_spread", kind: ParamKind::Decimal, default: "2", min: Some("0"), max: Some("10000"), description: "enter only when the spread is at most this" },
    ParamSpec { name: "depth_levels", kind: ParamKind::Int, default: "5", min: Some("1"), max: Some("20"), description: "book levels per side counted for the imbalance" },
    ParamSpec { name: "min_imbalance", kind: ParamKind::Float, default: "0.6", min: Some("0"), max: Some("1"), description: "enter only when bids hold at least this share of the top levels' size" },
    ParamSpec { name: "order_quote", kind: ParamKind::Decimal, default: "100", min: Some("0.00000001"), max: None, description: "quote value of each entry" },
    ParamSpec { name: "tp_ticks", kind: ParamKind::Int, default: "5", min: Some("1"), max: Some("100000"), description: "take-profit this many ticks above the entry" },
    ParamSpec { name: "sl_ticks", kind: ParamKind::Int, default: "10", min: Some("1"), max: Some("100000"), description: "sell at market when the bid is this many ticks below the entry" },
    ParamSpec { name: "max_hold_ms", kind: ParamKind::Int, default: "60000", min: Some("0"), max: Some("86400000"), description: "sell at market after holding this long (0 = off)" },
    ParamSpec { name: "requote_ms", kind: ParamKind::Int, default: "2000", min: Some("100"), max: Some("3600000"), description: "cancel and re-quote an entry older than this" },
];

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub spread_bps: bool,
    pub max_spread: Decimal,
    pub depth_levels: usize,
    pub min_imbalance: f64,
    pub order_quote: Decimal,
    pub tp_ticks: i64,
    pub sl_ticks: i64,
    pub max_hold_ms: Millis,
    pub requote_ms: Millis,
}

impl Config {
    pub fn from_params(p: &Params) -> Result<Config, String> {
        Ok(Config {
            spread_bps: p.choice("spread_unit")? == "bps",
            max_spread: p.decimal("max_spread")?,
            depth_levels: p.usize("depth_levels")?,
            min_imbalance: p.float("min_imbalance")?,
            order_quote: p.decimal("order_quote")?,
            tp_ticks: p.int("tp_ticks")?,
            sl_ticks: p.int("sl_ticks")?,
            max_hold_ms: p.int("max_hold_ms")?,
            requote_ms: p.int("requote_ms")?,
        })
    }
}

pub fn check(p: &Params) -> Result<(), String> {
    Config::from_params(p).map(|_| ())
}

pub fn build(symbol: &str, p: &Params) -> Result<Box<dyn Strategy>, String> {
    Ok(Box::new(Scalping::new(symbol, Config::from_params(p)?)))
}

/// How long to wait after a refused order before placing another.
pub const REFUSAL_PAUSE_MS: Millis = 1_000;

/// An order out, and whether its cancel was already asked for.
#[derive(Clone, Debug, PartialEq)]
struct Out {
    key: String,
    price: Decimal,
    placed_ms: Millis,
    cancelling: bool,
}

pub struct Scalping {
    cfg: Config,
    symbol: String,
    bid: Option<Decimal>,
    ask: Option<Decimal>,
    /// The depth book's best ask: a ticker bid at or above it means the two
    /// feeds disagree for a moment (the ticker is faster), and a maker buy
    /// there could be refused as taking.
    depth_ask: Option<Decimal>,
    imbalance: Option<f64>,
    live: bool,
    entry: Option<Out>,
    tp: Option<Out>,
    /// A MARKET sell in flight.
    selling: Option<String>,
    /// Why the position is being closed.
    exit_reason: Option<String>,
    held_since: Option<Millis>,
    /// After a refusal, no new order before this time (no retry storm).
    quiet_until: Millis,
    seq: u64,
    signal: String,
    last: LastAction,
}

impl Scalping {
    pub fn new(symbol: &str, cfg: Config) -> Scalping {
        Scalping {
            cfg,
            symbol: symbol.into(),
            bid: None,
            ask: None,
            depth_ask: None,
            imbalance: None,
            live: false,
            entry: None,
            tp: None,
            selling: None,
            exit_reason: None,
            held_since: None,
            quiet_until: Millis::MIN,
            seq: 0,
            signal: "WAITING for the book".into(),
            last: LastAction::default(),
        }
    }

    fn cancel(out: &mut Option<Out>) -> Vec<Intent> {
        match out {
            Some(o) if !o.cancelling => {
                o.cancelling = true;
                vec![Intent::cancel(&o.key)]
            }
            _ => Vec::new(),
        }
    }

    fn spread_ok(&self, bid: Decimal, ask: Decimal, tick: Decimal) -> Result<(), String> {
        let (spread, unit) = if self.cfg.spread_bps {
            (
                (ask - bid) / ((ask + bid) / Decimal::TWO) * Decimal::from(10_000),
                "bps",
            )
        } else if tick.is_zero() {
            (Decimal::ZERO, "ticks")
        } else {
            ((ask - bid) / tick, "ticks")
        };
        if spread > self.cfg.max_spread {
            return Err(format!(
                "WAIT: spread {} {unit} > {}",
                spread.round_dp(2).normalize(),
                self.cfg.max_spread
            ));
        }
        Ok(())
    }

    /// Decides from the stored book and the context.
    fn step(&mut self, ctx: &Ctx) -> Vec<Intent> {
        let (Some(bid), Some(ask)) = (self.bid, self.ask) else {
            return Vec::new();
        };
        let pos = ctx.position;
        if self.selling.is_some() || ctx.now_ms < self.quiet_until {
            return Vec::new();
        }
        if let Some(qty) = sellable(ctx, pos.qty, bid) {
            return self.manage_position(ctx, qty, bid);
        }
        // Flat.
        self.held_since = None;
        self.exit_reason = None;
        if self.entry.is_some() {
            return self.check_entry(ctx, bid);
        }
        self.try_entry(ctx, bid, ask)
    }

    /// In position: cancel the rest of the entry, then exit on the stops or
    /// keep the take-profit out.
    fn manage_position(&mut self, ctx: &Ctx, qty: Decimal, bid: Decimal) -> Vec<Intent> {
        let (pos, tick) = (ctx.position, ctx.filters.tick_size);
        let since = *self.held_since.get_or_insert(ctx.now_ms);
        let mut out = Self::cancel(&mut self.entry);
        if self.entry.is_some() {
            return out;
        }
        let f = ctx.filters;
        let stop = f.round_price(
            pos.avg_entry - tick * Decimal::from(self.cfg.sl_ticks),
            Side::Buy,
        );
        let target = f.round_price(
            pos.avg_entry + tick * Decimal::from(self.cfg.tp_ticks),
            Side::Sell,
        );
        if self.exit_reason.is_none() {
            self.exit_reason = if bid <= stop {
                Some(format!(
                    "stop: bid {} <= {} ({} ticks below the entry)",
                    px(bid),
                    px(stop),
                    self.cfg.sl_ticks
                ))
            } else if self.cfg.max_hold_ms > 0 && ctx.now_ms - since >= self.cfg.max_hold_ms {
                Some(format!(
                    "held {} s, the limit is {} s",
                    (ctx.now_ms - since) / 1000,
                    self.cfg.max_hold_ms / 1000
                ))
            } else if self.tp.is_none() && target <= bid {
                Some(format!(
                    "target {} already below the bid {}",
                    px(target),
                    px(bid)
                ))
            } else {
                None
            };
        }
        if self.exit_reason.is_some() {
            out.extend(Self::cancel(&mut self.tp));
            if self.tp.is_none() {
                let why = self.exit_reason.clone().unwrap_or_default();
                let key = next_key(&mut self.seq, "x");
                self.selling = Some(key.clone());
                self.last
                    .set(ctx.now_ms, format!("SELL {} at market: {why}", px(qty)));
                out.push(Intent::market(&key, Side::Sell, qty, why));
            }
            self.signal = "EXITING".into();
            return out;
        }
        if self.tp.is_none() {
            if let Some(q) = limit_qty(ctx, pos.qty, target) {
                let key = next_key(&mut self.seq, "tp");
                let why = format!(
                    "take-profit {} ticks above the entry {}",
                    self.cfg.tp_ticks,
                    px(pos.avg_entry)
                );
                self.last
                    .set(ctx.now_ms, format!("SELL {q} @ {}: {why}", px(target)));
                self.tp = Some(Out {
                    key: key.clone(),
                    price: target,
                    placed_ms: ctx.now_ms,
                    cancelling: false,
                });
                out.push(Intent::limit(
                    &key,
                    OrderType::LimitMaker,
                    Side::Sell,
                    target,
                    q,
                    why,
                ));
            }
        }
        self.signal = format!(
            "LONG {} @ {}, target {}, stop {}",
            px(pos.qty),
            px(pos.avg_entry),
            px(target),
            px(stop)
        );
        out
    }

    /// Flat with an entry out: cancel it when stale, off the touch, or the
    /// book is not live.
    fn check_entry(&mut self, ctx: &Ctx, bid: Decimal) -> Vec<Intent> {
        if let Some(e) = &self.entry {
            let why = if !self.live {
                Some("the book is not live".to_string())
            } else if ctx.now_ms - e.placed_ms >= self.cfg.requote_ms {
                Some(format!("quote older than {} ms", self.cfg.requote_ms))
            } else if e.price != bid {
                Some(format!("best bid moved to {}", px(bid)))
            } else {
                None
            };
            let Some(why) = why else { return Vec::new() };
            if !e.cancelling {
                let text = format!("CANCEL {}: {why}", e.key);
                self.last.set(ctx.now_ms, text);
            }
            return Self::cancel(&mut self.entry);
        }
        Vec::new()
    }

    /// Flat, nothing out: quote when the book passes the thresholds.
    fn try_entry(&mut self, ctx: &Ctx, bid: Decimal, ask: Decimal) -> Vec<Intent> {
        let tick = ctx.filters.tick_size;
        if !self.live {
            self.signal = "PAUSED: the book is not live".into();
            return Vec::new();
        }
        if let Err(why) = self.spread_ok(bid, ask, tick) {
            self.signal = why;
            return Vec::new();
        }
        if self.depth_ask.is_some_and(|a| a <= bid) {
            self.signal = "WAIT: ticker and depth disagree".into();
            return Vec::new();
        }
        let Some(imb) = self.imbalance else {
            return Vec::new();
        };
        if imb < self.cfg.min_imbalance {
            self.signal = format!("WAIT: imbalance {imb:.2} < {:.2}", self.cfg.min_imbalance);
            return Vec::new();
        }
        let Some(qty) = limit_qty(ctx, self.cfg.order_quote / bid, bid) else {
            self.signal = format!(
                "WAIT: order_quote {} is below the minimum order",
                self.cfg.order_quote
            );
            return Vec::new();
        };
        if qty * bid > ctx.quote_free {
            self.signal = format!(
                "WAIT: {} {} free, need {}",
                px(ctx.quote_free),
                ctx.quote_asset,
                px(qty * bid)
            );
            return Vec::new();
        }
        let key = next_key(&mut self.seq, "e");
        let why = format!(
            "spread ok, bid share {imb:.2} >= {:.2}",
            self.cfg.min_imbalance
        );
        self.last
            .set(ctx.now_ms, format!("BUY {qty} @ {}: {why}", px(bid)));
        self.entry = Some(Out {
            key: key.clone(),
            price: bid,
            placed_ms: ctx.now_ms,
            cancelling: false,
        });
        self.signal = format!("QUOTING {qty} @ {}", px(bid));
        vec![Intent::limit(
            &key,
            OrderType::LimitMaker,
            Side::Buy,
            bid,
            qty,
            why,
        )]
    }

    fn forget(&mut self, key: &str) {
        for o in [&mut self.entry, &mut self.tp] {
            if o.as_ref().is_some_and(|o| o.key == key) {
                *o = None;
            }
        }
        if self.selling.as_deref() == Some(key) {
            self.selling = None;
        }
    }
}

impl Strategy for Scalping {
    fn name(&self) -> &'static str {
        NAME
    }

    fn on_market(&mut self, ev: &MarketEvent, ctx: &Ctx) -> Vec<Intent> {
        match ev {
            MarketEvent::BookTicker { bid, ask, .. } => {
                self.bid = Some(*bid);
                self.ask = Some(*ask);
            }
            MarketEvent::Depth { bids, asks, live } => {
                self.live = *live;
                let n = self.cfg.depth_levels;
                let sum = |l: &[(Decimal, Decimal)]| l.iter().take(n).map(|x| x.1).sum::<Decimal>();
                let (b, a) = (sum(bids), sum(asks));
                self.imbalance =
                    (b + a > Decimal::ZERO).then(|| (b / (b + a)).to_f64().unwrap_or(0.0));
                if let (Some(b), Some(a)) = (bids.first(), asks.first()) {
                    self.bid = Some(b.0);
                    self.ask = Some(a.0);
                }
                self.depth_ask = asks.first().map(|a| a.0);
            }
            MarketEvent::Timer => {}
            _ => return Vec::new(),
        }
        self.step(ctx)
    }

    fn on_fill(&mut self, _key: &str, fill: &Fill, ctx: &Ctx) -> Vec<Intent> {
        if fill.side == Side::Buy {
            self.held_since.get_or_insert(ctx.now_ms);
        }
        Vec::new()
    }

    fn on_order(&mut self, key: &str, order: &Order, ctx: &Ctx) -> Vec<Intent> {
        if !order.status.is_terminal() {
            return Vec::new();
        }
        self.forget(key);
        self.step(ctx)
    }

    fn on_refused(&mut self, key: &str, reason: &str, ctx: &Ctx) -> Vec<Intent> {
        self.forget(key);
        self.quiet_until = ctx.now_ms + REFUSAL_PAUSE_MS;
        self.last.refused(ctx.now_ms, key, reason);
        Vec::new()
    }

    fn state(&self) -> StrategyState {
        let opt = |v: Option<Decimal>| v.map_or("-".to_string(), px);
        StrategyState {
            name: NAME.into(),
            symbol: self.symbol.clone(),
            indicators: vec![
                ("bid".into(), opt(self.bid)),
                ("ask".into(), opt(self.ask)),
                (
                    "bid share".into(),
                    self.imbalance.map_or("-".into(), |v| format!("{v:.2}")),
                ),
                (
                    "book".into(),
                    if self.live { "LIVE" } else { "not live" }.into(),
                ),
            ],
            signal: self.signal.clone(),
            last_action: self.last.text.clone(),
            last_action_ms: self.last.ms,
        }
    }
}

#[cfg(test)]
#[path = "scalping_tests.rs"]
mod tests;
