//! DCA (dollar-cost averaging): buy a fixed quote amount every
//! `interval_ms` of engine time, whatever the price; optionally buy once
//! more whenever the price falls `dip_pct` below the last buy's price; and
//! optionally sell the whole position (only what it bought) when the price
//! reaches `take_profit_pct` above the average entry, then keep going.
//!
//! The first buy comes with the first price it sees. The schedule counts
//! from the last scheduled buy (dip buys do not move it), and a schedule
//! missed while no data arrived is caught up with one buy, not several.
//! `max_quote` caps the quote spent on buys since the last take-profit.

use super::params::{ParamKind, ParamSpec, Params};
use super::util::{change_pct, clear_pending, moved, next_key, pct2, px, sellable, LastAction};
use super::{Ctx, Intent, MarketEvent, Strategy, StrategyState};
use crate::domain::{Millis, Side};
use crate::trading::account::Fill;
use crate::trading::order::Order;
use rust_decimal::Decimal;

pub const NAME: &str = "dca";
pub const DESCRIPTION: &str =
    "Buys a fixed quote amount on a schedule, extra buys on dips, optional take-profit on the average entry";

#[rustfmt::skip]
pub const SPECS: &[ParamSpec] = &[
    ParamSpec { name: "interval_ms", kind: ParamKind::Int, default: "86400000", min: Some("60000"), max: Some("2678400000"), description: "time between scheduled buys (ms; 86400000 = 1 day)" },
    ParamSpec { name: "quote_amount", kind: ParamKind::Decimal, default: "50", min: Some("0.00000001"), max: Some("1000000000"), description: "quote spent per buy" },
    ParamSpec { name: "dip_pct", kind: ParamKind::Decimal, default: "0", min: Some("0"), max: Some("90"), description: "extra buy when the price is this % below the last buy (0 = off)" },
    ParamSpec { name: "take_profit_pct", kind: ParamKind::Decimal, default: "0", min: Some("0"), max: Some("1000"), description: "sell everything this % above the average entry (0 = off)" },
    ParamSpec { name: "max_quote", kind: ParamKind::Decimal, default: "0", min: Some("0"), max: None, description: "most quote spent per cycle (0 = no cap)" },
];

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub interval_ms: Millis,
    pub quote_amount: Decimal,
    pub dip_pct: Decimal,
    pub take_profit_pct: Decimal,
    pub max_quote: Decimal,
}

impl Config {
    pub fn from_params(p: &Params) -> Result<Config, String> {
        let c = Config {
            interval_ms: p.int("interval_ms")?,
            quote_amount: p.decimal("quote_amount")?,
            dip_pct: p.decimal("dip_pct")?,
            take_profit_pct: p.decimal("take_profit_pct")?,
            max_quote: p.decimal("max_quote")?,
        };
        if !c.max_quote.is_zero() && c.max_quote < c.quote_amount {
            return Err(format!(
                "max_quote ({}) must be 0 or at least quote_amount ({})",
                c.max_quote, c.quote_amount
            ));
        }
        Ok(c)
    }
}

pub fn check(p: &Params) -> Result<(), String> {
    Config::from_params(p).map(|_| ())
}

pub fn build(symbol: &str, p: &Params) -> Result<Box<dyn Strategy>, String> {
    Ok(Box::new(Dca::new(symbol, Config::from_params(p)?)))
}

pub struct Dca {
    cfg: Config,
    symbol: String,
    /// Engine time of the last scheduled buy.
    last_scheduled: Option<Millis>,
    last_buy_price: Option<Decimal>,
    /// Quote spent since the last take-profit.
    spent: Decimal,
    pending: Option<String>,
    seq: u64,
    buys: u64,
    signal: String,
    last: LastAction,
}

impl Dca {
    pub fn new(symbol: &str, cfg: Config) -> Dca {
        Dca {
            cfg,
            symbol: symbol.into(),
            last_scheduled: None,
            last_buy_price: None,
            spent: Decimal::ZERO,
            pending: None,
            seq: 0,
            buys: 0,
            signal: "WAITING for a price".into(),
            last: LastAction::default(),
        }
    }

    fn place(
        &mut self,
        ctx: &Ctx,
        intent: impl FnOnce(&str) -> Intent,
        text: String,
    ) -> Vec<Intent> {
        let key = next_key(&mut self.seq, "d");
        self.pending = Some(key.clone());
        self.last.set(ctx.now_ms, text);
        vec![intent(&key)]
    }

    fn buy(&mut self, ctx: &Ctx, why: String) -> Vec<Intent> {
        let c = &self.cfg;
        let mut quote = c.quote_amount.min(ctx.quote_free);
        if !c.max_quote.is_zero() {
            quote = quote.min(c.max_quote - self.spent);
        }
        if quote <= Decimal::ZERO || quote < ctx.filters.min_notional {
            self.signal = format!(
                "WAIT: cannot buy ({} {} left to spend)",
                px(quote.max(Decimal::ZERO)),
                ctx.quote_asset
            );
            return Vec::new();
        }
        let text = format!("BUY {} {}: {why}", px(quote), ctx.quote_asset);
        self.place(ctx, |k| Intent::market_buy_quote(k, quote, why), text)
    }
}

impl Strategy for Dca {
    fn name(&self) -> &'static str {
        NAME
    }

    fn on_market(&mut self, ev: &MarketEvent, ctx: &Ctx) -> Vec<Intent> {
        let Some(price) = ev.price() else {
            return Vec::new();
        };
        if self.pending.is_some() {
            return Vec::new();
        }
        let c = self.cfg.clone();
        let pos = ctx.position;
        if let Some(qty) = sellable(ctx, pos.qty, price) {
            if !c.take_profit_pct.is_zero() && price >= moved(pos.avg_entry, c.take_profit_pct) {
                let why = format!(
                    "take-profit {} on the average entry {} (target +{}%)",
                    pct2(change_pct(pos.avg_entry, price)),
                    px(pos.avg_entry),
                    c.take_profit_pct
                );
                let text = format!("SELL {}: {why}", px(qty));
                return self.place(ctx, |k| Intent::market(k, Side::Sell, qty, why), text);
            }
        }
        let now = ctx.now_ms;
        let due = self.last_scheduled.is_none_or(|t| now - t >= c.interval_ms);
        if due {
            // Catch up with one buy, keeping the schedule's phase.
            let at = match self.last_scheduled {
                Some(t) => t + (now - t) / c.interval_ms * c.interval_ms,
                None => now,
            };
            let n = self.buys + 1;
            let out = self.buy(ctx, format!("scheduled buy #{n} at {}", px(price)));
            if !out.is_empty() {
                self.last_scheduled = Some(at);
            }
            return out;
        }
        if let Some(last) = self.last_buy_price.filter(|_| !c.dip_pct.is_zero()) {
            if price <= moved(last, -c.dip_pct) {
                let why = format!(
                    "dip {} from the last buy at {}",
                    pct2(change_pct(last, price)),
                    px(last)
                );
                return self.buy(ctx, why);
            }
        }
        let next = self.last_scheduled.map_or(now, |t| t + c.interval_ms);
        self.signal = format!(
            "HOLD {} (next buy in {} min)",
            px(pos.qty),
            (next - now).max(0) / 60_000
        );
        Vec::new()
    }

    fn on_fill(&mut self, _key: &str, fill: &Fill, ctx: &Ctx) -> Vec<Intent> {
        match fill.side {
            Side::Buy => {
                self.last_buy_price = Some(fill.price);
                self.spent += fill.quote_qty;
            }
            Side::Sell => {
                if sellable(ctx, ctx.position.qty, fill.price).is_none() {
                    self.spent = Decimal::ZERO;
                    self.last_buy_price = None;
                }
            }
        }
        Vec::new()
    }

    fn on_order(&mut self, key: &str, order: &Order, _ctx: &Ctx) -> Vec<Intent> {
        // The order this instance waited for is done; a buy that filled
        // (even partly) counts.
        let done = order.status.is_terminal() && clear_pending(&mut self.pending, key);
        if done && order.side == Side::Buy && !order.executed_qty.is_zero() {
            self.buys += 1;
        }
        Vec::new()
    }

    fn on_refused(&mut self, key: &str, reason: &str, ctx: &Ctx) -> Vec<Intent> {
        clear_pending(&mut self.pending, key);
        self.last.refused(ctx.now_ms, key, reason);
        Vec::new()
    }

    fn state(&self) -> StrategyState {
        StrategyState {
            name: NAME.into(),
            symbol: self.symbol.clone(),
            indicators: vec![
                ("buys".into(), self.buys.to_string()),
                ("spent".into(), px(self.spent)),
                (
                    "last buy".into(),
                    self.last_buy_price.map_or("-".into(), px),
                ),
            ],
            signal: self.signal.clone(),
            last_action: self.last.text.clone(),
            last_action_ms: self.last.ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::testkit::{d, only_place, trade, World};

    const DAY: i64 = 86_400_000;

    fn cfg() -> Config {
        Config {
            interval_ms: DAY,
            quote_amount: d("50"),
            dip_pct: Decimal::ZERO,
            take_profit_pct: Decimal::ZERO,
            max_quote: Decimal::ZERO,
        }
    }

    fn at(s: &mut Dca, w: &mut World, t: i64, price: &str) -> Vec<Intent> {
        w.now = t;
        s.on_market(&MarketEvent::Trade(trade(t, price)), &w.ctx())
    }

    /// Buys `quote` worth at `price` and fills it.
    fn filled(s: &mut Dca, w: &mut World, out: &[Intent], price: &str) {
        let p = only_place(out);
        assert_eq!((p.side, p.quote_qty), (Side::Buy, Some(d("50"))));
        let qty = (d("50") / d(price)).round_dp(5).to_string();
        w.fill(s, &p.key, Side::Buy, price, &qty);
    }

    #[test]
    fn buys_on_the_first_price_then_every_interval() {
        let mut s = Dca::new("BTCUSDT", cfg());
        let mut w = World::new("1000");
        let out = at(&mut s, &mut w, 1_000, "100");
        assert!(only_place(&out).reason.starts_with("scheduled buy #1"));
        filled(&mut s, &mut w, &out, "100");
        assert!(
            at(&mut s, &mut w, DAY, "90").is_empty(),
            "a second short of a day"
        );
        let out = at(&mut s, &mut w, DAY + 1_000, "90");
        filled(&mut s, &mut w, &out, "90");
        // Three days without data: one catch-up buy, schedule kept in phase.
        let out = at(&mut s, &mut w, 4 * DAY + 5_000, "80");
        filled(&mut s, &mut w, &out, "80");
        assert!(at(&mut s, &mut w, 5 * DAY, "80").is_empty());
        assert_eq!(
            only_place(&at(&mut s, &mut w, 5 * DAY + 1_000, "80")).side,
            Side::Buy
        );
    }

    #[test]
    fn no_second_order_while_one_is_in_flight() {
        let mut s = Dca::new("BTCUSDT", cfg());
        let mut w = World::new("1000");
        assert_eq!(at(&mut s, &mut w, 0, "100").len(), 1);
        assert!(at(&mut s, &mut w, 2 * DAY, "100").is_empty());
    }

    #[test]
    fn dip_buy_after_a_drop_from_the_last_buy() {
        let mut s = Dca::new(
            "BTCUSDT",
            Config {
                dip_pct: d("5"),
                ..cfg()
            },
        );
        let mut w = World::new("1000");
        let out = at(&mut s, &mut w, 0, "100");
        filled(&mut s, &mut w, &out, "100");
        assert!(at(&mut s, &mut w, 1_000, "95.01").is_empty());
        let out = at(&mut s, &mut w, 2_000, "95");
        assert!(only_place(&out)
            .reason
            .starts_with("dip -5.00% from the last buy at 100"));
        filled(&mut s, &mut w, &out, "95");
        // The reference is now the dip buy's price.
        assert!(at(&mut s, &mut w, 3_000, "90.26").is_empty());
        assert_eq!(at(&mut s, &mut w, 4_000, "90.25").len(), 1);
    }

    #[test]
    fn take_profit_sells_the_whole_position_on_the_average_entry() {
        let mut s = Dca::new(
            "BTCUSDT",
            Config {
                take_profit_pct: d("10"),
                ..cfg()
            },
        );
        let mut w = World::new("1000");
        w.base_free = d("3"); // not the strategy's: never sold
        let out = at(&mut s, &mut w, 0, "100");
        filled(&mut s, &mut w, &out, "100");
        let out = at(&mut s, &mut w, DAY, "80");
        filled(&mut s, &mut w, &out, "80");
        // Average entry 88.89 (0.5 + 0.625 BTC for 100 USDT): +10 % is 97.78.
        assert!(at(&mut s, &mut w, DAY + 1, "97.7").is_empty());
        let out = at(&mut s, &mut w, DAY + 2, "97.8");
        let p = only_place(&out);
        assert_eq!((p.side, p.qty), (Side::Sell, Some(d("1.125"))));
        assert!(p.reason.starts_with("take-profit 10.0"), "{}", p.reason);
        w.fill(&mut s, &p.key, Side::Sell, "97.8", "1.125");
        assert_eq!(s.state().indicators[1].1, "0", "a new cycle starts");
    }

    #[test]
    fn max_quote_caps_the_spend_per_cycle() {
        let mut s = Dca::new(
            "BTCUSDT",
            Config {
                max_quote: d("75"),
                ..cfg()
            },
        );
        let mut w = World::new("1000");
        let out = at(&mut s, &mut w, 0, "100");
        filled(&mut s, &mut w, &out, "100");
        let out = at(&mut s, &mut w, DAY, "100");
        assert_eq!(only_place(&out).quote_qty, Some(d("25")));
        let qty = "0.25";
        w.fill(&mut s, &only_place(&out).key, Side::Buy, "100", qty);
        assert!(at(&mut s, &mut w, 2 * DAY, "100").is_empty());
        assert!(s.state().signal.starts_with("WAIT: cannot buy"));
    }

    #[test]
    fn params_cross_check() {
        let p = Params::parse(SPECS, "quote_amount=100 max_quote=50").unwrap();
        assert!(check(&p).unwrap_err().contains("max_quote (50)"));
        assert!(build("BTCUSDT", &Params::parse(SPECS, "").unwrap()).is_ok());
    }
}
