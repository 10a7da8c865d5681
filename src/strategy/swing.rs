//! Swing: trend following on closed klines, spot long only.
//!
//! * **Entry** (MARKET by quote amount): EMA `fast` crosses above EMA `slow`
//!   on a closed kline, unless RSI is above `overbought` (buying an
//!   overextended move is what this filter prevents). A cross blocked by
//!   RSI stays *armed* while the fast EMA remains above the slow one, so
//!   the entry comes on the first closed kline where RSI has cooled; a
//!   cross down disarms it. One entry per cross.
//! * **Size**: `size_mode=pct`: `size` % of the free quote balance;
//!   `size_mode=quote`: `size` quote units (capped at the free balance).
//! * **Exits** (MARKET, base quantity, only what it bought): the opposite
//!   cross on a closed kline; and on every price it sees (trades, the
//!   forming kline, closes): stop-loss `stop_loss_pct` below the average
//!   entry, take-profit `take_profit_pct` above it, an optional stop
//!   `atr_stop` × ATR below the entry (ATR as of the entry), and an
//!   optional trailing stop `trailing_pct` below the highest price since
//!   the entry. Zero disables a rule.

use super::params::{ParamKind, ParamSpec, Params};
use super::util::{change_pct, clear_pending, f1, moved, next_key, pct2, px, sellable, LastAction};
use super::{Ctx, Intent, MarketEvent, Strategy, StrategyState};
use crate::domain::Side;
use crate::indicators::{Atr, Ema, Rsi};
use crate::trading::account::Fill;
use crate::trading::order::Order;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

pub const NAME: &str = "swing";
pub const DESCRIPTION: &str =
    "EMA crossover on closed klines, RSI-filtered entries; stop-loss, take-profit, ATR and trailing stops";

#[rustfmt::skip]
pub const SPECS: &[ParamSpec] = &[
    ParamSpec { name: "fast", kind: ParamKind::Int, default: "12", min: Some("2"), max: Some("200"), description: "fast EMA period (klines)" },
    ParamSpec { name: "slow", kind: ParamKind::Int, default: "26", min: Some("3"), max: Some("500"), description: "slow EMA period (klines); must exceed fast" },
    ParamSpec { name: "rsi_period", kind: ParamKind::Int, default: "14", min: Some("2"), max: Some("100"), description: "RSI period (klines)" },
    ParamSpec { name: "overbought", kind: ParamKind::Float, default: "70", min: Some("50"), max: Some("100"), description: "no entry while RSI is above this" },
    ParamSpec { name: "size_mode", kind: ParamKind::Choice(&["pct", "quote"]), default: "pct", min: None, max: None, description: "pct: size is % of the free quote balance; quote: size is a quote amount" },
    ParamSpec { name: "size", kind: ParamKind::Decimal, default: "10", min: Some("0.01"), max: Some("1000000000"), description: "entry size (see size_mode)" },
    ParamSpec { name: "stop_loss_pct", kind: ParamKind::Decimal, default: "3", min: Some("0"), max: Some("50"), description: "exit this % below the average entry (0 = off)" },
    ParamSpec { name: "take_profit_pct", kind: ParamKind::Decimal, default: "6", min: Some("0"), max: Some("1000"), description: "exit this % above the average entry (0 = off)" },
    ParamSpec { name: "atr_period", kind: ParamKind::Int, default: "14", min: Some("2"), max: Some("100"), description: "ATR period for the ATR stop" },
    ParamSpec { name: "atr_stop", kind: ParamKind::Float, default: "0", min: Some("0"), max: Some("20"), description: "exit this many ATRs below the entry (0 = off)" },
    ParamSpec { name: "trailing_pct", kind: ParamKind::Decimal, default: "0", min: Some("0"), max: Some("50"), description: "exit this % below the highest price since entry (0 = off)" },
];

/// How the entry is sized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizeMode {
    PctOfQuote,
    FixedQuote,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub fast: usize,
    pub slow: usize,
    pub rsi_period: usize,
    pub overbought: f64,
    pub size_mode: SizeMode,
    pub size: Decimal,
    pub stop_loss_pct: Decimal,
    pub take_profit_pct: Decimal,
    pub atr_period: usize,
    pub atr_stop: f64,
    pub trailing_pct: Decimal,
}

impl Config {
    /// From validated params, with the cross-field rules.
    pub fn from_params(p: &Params) -> Result<Config, String> {
        let c = Config {
            fast: p.usize("fast")?,
            slow: p.usize("slow")?,
            rsi_period: p.usize("rsi_period")?,
            overbought: p.float("overbought")?,
            size_mode: match p.choice("size_mode")? {
                "quote" => SizeMode::FixedQuote,
                _ => SizeMode::PctOfQuote,
            },
            size: p.decimal("size")?,
            stop_loss_pct: p.decimal("stop_loss_pct")?,
            take_profit_pct: p.decimal("take_profit_pct")?,
            atr_period: p.usize("atr_period")?,
            atr_stop: p.float("atr_stop")?,
            trailing_pct: p.decimal("trailing_pct")?,
        };
        if c.fast >= c.slow {
            return Err(format!("fast ({}) must be below slow ({})", c.fast, c.slow));
        }
        if c.size_mode == SizeMode::PctOfQuote && c.size > Decimal::ONE_HUNDRED {
            return Err(format!(
                "size must be at most 100 with size_mode=pct (got {})",
                c.size
            ));
        }
        Ok(c)
    }
}

pub fn check(p: &Params) -> Result<(), String> {
    Config::from_params(p).map(|_| ())
}

pub fn build(symbol: &str, p: &Params) -> Result<Box<dyn Strategy>, String> {
    Ok(Box::new(Swing::new(symbol, Config::from_params(p)?)))
}

/// What the open position needs for its exits.
#[derive(Clone, Debug)]
struct Held {
    peak: Decimal,
    atr_stop: Option<Decimal>,
}

pub struct Swing {
    cfg: Config,
    symbol: String,
    fast: Ema,
    slow: Ema,
    rsi: Rsi,
    atr: Atr,
    values: (Option<f64>, Option<f64>, Option<f64>, Option<f64>),
    closes: usize,
    prev_diff: Option<f64>,
    armed: bool,
    /// Key of the order in flight; no new order until it is done.
    pending: Option<String>,
    /// Why the position is being closed (kept until it is flat, so a
    /// partial or refused exit is retried).
    exiting: Option<String>,
    held: Option<Held>,
    seq: u64,
    signal: String,
    last: LastAction,
}

impl Swing {
    pub fn new(symbol: &str, cfg: Config) -> Swing {
        Swing {
            fast: Ema::new(cfg.fast),
            slow: Ema::new(cfg.slow),
            rsi: Rsi::new(cfg.rsi_period),
            atr: Atr::new(cfg.atr_period),
            cfg,
            symbol: symbol.to_string(),
            values: (None, None, None, None),
            closes: 0,
            prev_diff: None,
            armed: false,
            pending: None,
            exiting: None,
            held: None,
            seq: 0,
            signal: "WARMUP".into(),
            last: LastAction::default(),
        }
    }

    /// Updates the indicators with a closed kline; returns (cross up,
    /// cross down).
    fn on_close(&mut self, k: &crate::domain::Kline) -> (bool, bool) {
        let c = k.close.to_f64();
        self.closes += 1;
        let f = self.fast.update(c);
        let s = self.slow.update(c);
        let r = self.rsi.update(c);
        let a = self.atr.update(k.high.to_f64(), k.low.to_f64(), c);
        self.values = (f, s, r, a.or(self.values.3));
        let (Some(f), Some(s)) = (f, s) else {
            return (false, false);
        };
        let diff = f - s;
        let prev = self.prev_diff.replace(diff);
        match prev {
            Some(p) => (p <= 0.0 && diff > 0.0, p >= 0.0 && diff < 0.0),
            None => (false, false),
        }
    }

    /// The stop/target rule the price breaks, if any.
    fn exit_rule(&self, price: Decimal, avg: Decimal) -> Option<String> {
        let c = &self.cfg;
        let chg = pct2(change_pct(avg, price));
        if !c.stop_loss_pct.is_zero() && price <= moved(avg, -c.stop_loss_pct) {
            return Some(format!("stop-loss {chg} (limit -{}%)", c.stop_loss_pct));
        }
        if let Some(stop) = self.held.as_ref().and_then(|h| h.atr_stop) {
            if price <= stop {
                return Some(format!(
                    "ATR stop {}: price {} ({chg})",
                    px(stop),
                    px(price)
                ));
            }
        }
        if let Some(h) = &self.held {
            if !c.trailing_pct.is_zero() && price <= moved(h.peak, -c.trailing_pct) {
                return Some(format!(
                    "trailing stop {}% below the high {}: price {} ({chg})",
                    c.trailing_pct,
                    px(h.peak),
                    px(price)
                ));
            }
        }
        if !c.take_profit_pct.is_zero() && price >= moved(avg, c.take_profit_pct) {
            return Some(format!(
                "take-profit {chg} (target +{}%)",
                c.take_profit_pct
            ));
        }
        None
    }

    fn entry(&mut self, ctx: &Ctx, price: Decimal, rsi: f64) -> Vec<Intent> {
        let c = &self.cfg;
        let quote = match c.size_mode {
            SizeMode::PctOfQuote => ctx.quote_free * c.size / Decimal::ONE_HUNDRED,
            SizeMode::FixedQuote => c.size.min(ctx.quote_free),
        }
        .round_dp_with_strategy(8, RoundingStrategy::ToZero);
        if quote <= Decimal::ZERO || quote < ctx.filters.min_notional {
            self.signal = format!(
                "WAIT: entry of {} {} is below the minimum order",
                px(quote),
                ctx.quote_asset
            );
            return Vec::new();
        }
        let why = format!(
            "EMA {} crossed above EMA {}, RSI {} <= {}, price {}",
            c.fast,
            c.slow,
            f1(rsi),
            c.overbought,
            px(price)
        );
        let key = next_key(&mut self.seq, "buy");
        self.pending = Some(key.clone());
        self.armed = false;
        let text = format!("BUY {} {}: {why}", px(quote), ctx.quote_asset);
        self.last.set(ctx.now_ms, text);
        self.signal = "ENTERING".into();
        vec![Intent::market_buy_quote(&key, quote, why)]
    }

    fn exit(&mut self, ctx: &Ctx, qty: Decimal, why: String) -> Vec<Intent> {
        let key = next_key(&mut self.seq, "sell");
        self.pending = Some(key.clone());
        self.exiting = Some(why.clone());
        self.last
            .set(ctx.now_ms, format!("SELL {}: {why}", px(qty)));
        self.signal = "EXITING".into();
        vec![Intent::market(&key, Side::Sell, qty, why)]
    }
}

impl Strategy for Swing {
    fn name(&self) -> &'static str {
        NAME
    }

    fn on_market(&mut self, ev: &MarketEvent, ctx: &Ctx) -> Vec<Intent> {
        let Some(price) = ev.price() else {
            return Vec::new();
        };
        let (up, down) = match ev {
            MarketEvent::KlineClosed(k) => self.on_close(k),
            _ => (false, false),
        };
        if up {
            self.armed = true;
        }
        if down {
            self.armed = false;
        }
        let pos = ctx.position;
        if let Some(qty) = sellable(ctx, pos.qty, price) {
            // A cross seen while holding is not an entry signal for later.
            self.armed = false;
            let held = self.held.get_or_insert(Held {
                peak: price,
                atr_stop: None,
            });
            held.peak = held.peak.max(price);
            if self.pending.is_some() {
                return Vec::new();
            }
            let why = self
                .exiting
                .clone()
                .or_else(|| self.exit_rule(price, pos.avg_entry));
            let why = why.or_else(|| {
                down.then(|| format!("EMA {} crossed below EMA {}", self.cfg.fast, self.cfg.slow))
            });
            if let Some(why) = why {
                return self.exit(ctx, qty, why);
            }
            self.signal = format!(
                "LONG {} @ {} ({})",
                px(qty),
                px(pos.avg_entry),
                pct2(change_pct(pos.avg_entry, price))
            );
            return Vec::new();
        }
        // Flat (or dust).
        self.held = None;
        self.exiting = None;
        if self.pending.is_some() {
            return Vec::new();
        }
        let (Some(f), Some(s), Some(r)) = (self.values.0, self.values.1, self.values.2) else {
            let need = self.cfg.slow.max(self.cfg.rsi_period + 1);
            self.signal = format!("WARMUP: {}/{need} klines", self.closes);
            return Vec::new();
        };
        if !matches!(ev, MarketEvent::KlineClosed(_)) {
            return Vec::new();
        }
        if self.armed {
            if r > self.cfg.overbought {
                self.signal = format!("WAIT: RSI {} > {} overbought", f1(r), self.cfg.overbought);
                return Vec::new();
            }
            return self.entry(ctx, price, r);
        }
        self.signal = if f > s {
            "FLAT: waiting for the next EMA cross up".into()
        } else {
            format!(
                "FLAT: waiting for EMA {} to cross above EMA {}",
                self.cfg.fast, self.cfg.slow
            )
        };
        Vec::new()
    }

    fn warm_up(&mut self, closed: &crate::domain::Kline) {
        // History moves the indicators; a cross in it is not an entry.
        self.on_close(closed);
        self.armed = false;
        let need = self.cfg.slow.max(self.cfg.rsi_period + 1);
        self.signal = match self.values {
            (Some(f), Some(s), Some(_), _) if f > s => {
                "FLAT: waiting for the next EMA cross up (history)".into()
            }
            (Some(_), Some(_), Some(_), _) => format!(
                "FLAT: waiting for EMA {} to cross above EMA {} (history)",
                self.cfg.fast, self.cfg.slow
            ),
            _ => format!("WARMUP: {}/{need} klines", self.closes),
        };
    }

    fn on_fill(&mut self, _key: &str, fill: &Fill, ctx: &Ctx) -> Vec<Intent> {
        if fill.side == Side::Buy {
            let atr_stop = (self.cfg.atr_stop > 0.0)
                .then(|| {
                    self.values
                        .3
                        .and_then(|a| Decimal::from_f64(a * self.cfg.atr_stop))
                })
                .flatten()
                .map(|dist| ctx.position.avg_entry - dist);
            let peak = self
                .held
                .as_ref()
                .map_or(fill.price, |h| h.peak.max(fill.price));
            self.held = Some(Held { peak, atr_stop });
        }
        Vec::new()
    }

    fn on_order(&mut self, key: &str, order: &Order, _ctx: &Ctx) -> Vec<Intent> {
        if order.status.is_terminal() {
            clear_pending(&mut self.pending, key);
        }
        Vec::new()
    }

    fn on_refused(&mut self, key: &str, reason: &str, ctx: &Ctx) -> Vec<Intent> {
        clear_pending(&mut self.pending, key);
        self.last.refused(ctx.now_ms, key, reason);
        Vec::new()
    }

    fn state(&self) -> StrategyState {
        let c = &self.cfg;
        let v = |x: Option<f64>, dp: usize| x.map_or("-".to_string(), |x| format!("{x:.dp$}"));
        let mut indicators = vec![
            (format!("EMA {}", c.fast), v(self.values.0, 2)),
            (format!("EMA {}", c.slow), v(self.values.1, 2)),
            (format!("RSI {}", c.rsi_period), v(self.values.2, 1)),
            (format!("ATR {}", c.atr_period), v(self.values.3, 2)),
        ];
        if let Some(s) = self.held.as_ref().and_then(|h| h.atr_stop) {
            indicators.push(("ATR stop".into(), px(s)));
        }
        if let Some(h) = self.held.as_ref().filter(|_| !c.trailing_pct.is_zero()) {
            indicators.push(("trail stop".into(), px(moved(h.peak, -c.trailing_pct))));
        }
        StrategyState {
            name: NAME.into(),
            symbol: self.symbol.clone(),
            indicators,
            signal: self.signal.clone(),
            last_action: self.last.text.clone(),
            last_action_ms: self.last.ms,
        }
    }
}

#[cfg(test)]
#[path = "swing_tests.rs"]
mod tests;
