//! The strategy layer: strategies as pure, deterministic functions of what
//! they are shown.
//!
//! A [`Strategy`] receives [`MarketEvent`]s, its own fills and its own order
//! updates, each with a [`Ctx`] (engine time, symbol filters, free
//! balances, its own position and open orders), and answers with
//! [`Intent`]s: place, cancel, cancel all. It never reads the wall clock,
//! never touches the network and never knows which venue runs it, so the
//! same code runs in the backtest ([`backtest`]), on paper, on the testnet
//! and live, and a replay of the same inputs gives the same intents.
//!
//! The caller (the engine, or [`backtest::Backtest`]) owns everything
//! around it, with an [`Instance`] per running strategy doing the shared
//! bookkeeping: intents become order requests through
//! [`intent::to_request`] (rounded and checked by
//! `trading::filters::validate`) with client order ids from the instance
//! tag and the intent's key ([`intent::client_order_id`]); the caller
//! passes them through risk and the venue, and the instance reports fills
//! and order changes back to the strategy under its keys.
//!
//! Money is `Decimal` everywhere in this interface; `f64` stays inside the
//! indicators.
//!
//! **Adding a strategy** = one file in this folder implementing
//! [`Strategy`] plus a `Config::from_params`, and one line in
//! [`catalog::CATALOG`] naming it, its parameter specs, its cross-field
//! check and its builder. The TUI form, `--param k=v` and persistence all
//! work from the catalog.

pub mod backtest;
pub mod catalog;
pub mod dca;
pub mod grid;
pub mod guard;
pub mod instance;
pub mod intent;
pub mod params;
pub mod scalping;
pub mod swing;
mod util;

#[cfg(test)]
mod testkit;

pub use catalog::{build, find, StrategyInfo, CATALOG};
pub use instance::{Env, Instance};
pub use intent::{Intent, Place};
pub use params::{ParamKind, ParamSpec, ParamValue, Params};

use crate::domain::{Kline, Millis, Side, Trade};
use crate::trading::account::Fill;
use crate::trading::filters::SymbolFilters;
use crate::trading::order::Order;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Market data a strategy can react to, for its own symbol.
#[derive(Clone, Debug, PartialEq)]
pub enum MarketEvent {
    /// A kline of the strategy's interval closed (final values).
    KlineClosed(Kline),
    /// The forming kline of the strategy's interval changed.
    KlineOpen(Kline),
    BookTicker {
        bid: Decimal,
        bid_qty: Decimal,
        ask: Decimal,
        ask_qty: Decimal,
    },
    /// The top levels of the order book, best first, and whether the book
    /// is LIVE (synced); a strategy must not trust a book that is not.
    Depth {
        bids: Vec<(Decimal, Decimal)>,
        asks: Vec<(Decimal, Decimal)>,
        live: bool,
    },
    Trade(Trade),
    /// Nothing new, but time moved on (`ctx.now_ms`): lets time-based
    /// rules (DCA interval, maximum holding time) fire when data is quiet.
    Timer,
}

impl MarketEvent {
    /// The price this event says the market is at: a trade's price, a
    /// kline's close, the book's mid. `None` for timers and empty books.
    pub fn price(&self) -> Option<Decimal> {
        match self {
            MarketEvent::KlineClosed(k) | MarketEvent::KlineOpen(k) => Some(k.close.to_decimal()),
            MarketEvent::Trade(t) => Some(t.price.to_decimal()),
            MarketEvent::BookTicker { bid, ask, .. } => {
                (!bid.is_zero() && !ask.is_zero()).then(|| (*bid + *ask) / Decimal::TWO)
            }
            MarketEvent::Depth { bids, asks, .. } => {
                let (b, a) = (bids.first()?.0, asks.first()?.0);
                Some((b + a) / Decimal::TWO)
            }
            MarketEvent::Timer => None,
        }
    }
}

/// The strategy's own position in its symbol (from its own fills, by
/// average cost, net of base-asset fees). Spot: never negative.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnPosition {
    pub qty: Decimal,
    /// Average entry price of `qty` (0 when flat).
    pub avg_entry: Decimal,
}

/// One of the strategy's own orders, under the key it chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnOrder {
    pub key: String,
    pub order: Order,
}

/// What a strategy may know when it decides. Built by the caller for each
/// call; the strategy never looks anything up by itself.
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    /// Engine time (event time in a backtest). Never the wall clock.
    pub now_ms: Millis,
    pub symbol: &'a str,
    /// Asset names, e.g. "BTC" and "USDT" (to read commissions).
    pub base_asset: &'a str,
    pub quote_asset: &'a str,
    pub filters: &'a SymbolFilters,
    /// Free (unlocked) balances of the account.
    pub base_free: Decimal,
    pub quote_free: Decimal,
    pub position: OwnPosition,
    /// The strategy's own open orders (not terminal), oldest first.
    pub open_orders: &'a [OwnOrder],
}

impl Ctx<'_> {
    /// The open order with this key, if any.
    pub fn open_order(&self, key: &str) -> Option<&Order> {
        self.open_orders
            .iter()
            .find(|o| o.key == key)
            .map(|o| &o.order)
    }

    pub fn has_open(&self, side: Side) -> bool {
        self.open_orders.iter().any(|o| o.order.side == side)
    }
}

/// What a strategy shows about itself (TUI strategy pane, `run` output).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrategyState {
    /// Catalog name ("swing").
    pub name: String,
    pub symbol: String,
    /// Indicator or model values, `(name, formatted value)`, in display order.
    pub indicators: Vec<(String, String)>,
    /// The current signal and, when waiting, why: "LONG", "FLAT",
    /// "WAIT: RSI 74.2 > 70 overbought".
    pub signal: String,
    /// The last intent it issued and why ("BUY 100 USDT: EMA 12 crossed
    /// above EMA 26, RSI 55.0"), with its engine time.
    pub last_action: Option<String>,
    pub last_action_ms: Option<Millis>,
}

/// A trading strategy. Object safe and `Send`: the engine holds one
/// `Box<dyn Strategy>` per running instance in its own task.
///
/// Every method gets the current [`Ctx`] and returns intents to carry out in
/// order. Keys are the strategy's own names for its orders; a key names at
/// most one live order at a time.
pub trait Strategy: Send {
    /// The catalog name.
    fn name(&self) -> &'static str;

    /// Market data for the strategy's symbol.
    fn on_market(&mut self, ev: &MarketEvent, ctx: &Ctx) -> Vec<Intent>;

    /// A fill of one of its orders (`ctx.position` already includes it).
    fn on_fill(&mut self, key: &str, fill: &Fill, ctx: &Ctx) -> Vec<Intent>;

    /// A state change of one of its orders (acknowledged, filled, canceled,
    /// expired, rejected by the venue).
    fn on_order(&mut self, key: &str, order: &Order, ctx: &Ctx) -> Vec<Intent>;

    /// An intent that never became an order: refused by the symbol filters,
    /// risk or the venue before an order existed. `reason` is for display.
    fn on_refused(&mut self, key: &str, reason: &str, ctx: &Ctx) -> Vec<Intent> {
        let _ = (key, reason, ctx);
        Vec::new()
    }

    /// A closed kline from before the instance started (REST history), so
    /// indicators are ready at once. Indicators only: no orders, and a
    /// signal seen in history does not trade.
    fn warm_up(&mut self, closed: &Kline) {
        let _ = closed;
    }

    /// Live state for display.
    fn state(&self) -> StrategyState;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategies_are_object_safe_and_send() {
        fn send<T: Send>(_: &T) {}
        let p = Params::defaults(swing::SPECS).unwrap();
        let s: Box<dyn Strategy> = swing::build("BTCUSDT", &p).unwrap();
        send(&s);
        let moved = std::thread::spawn(move || s.name()).join().unwrap();
        assert_eq!(moved, "swing");
    }

    #[test]
    fn event_prices() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let t = MarketEvent::BookTicker {
            bid: d("10"),
            bid_qty: d("1"),
            ask: d("11"),
            ask_qty: d("1"),
        };
        assert_eq!(t.price(), Some(d("10.5")));
        let empty = MarketEvent::Depth {
            bids: vec![],
            asks: vec![],
            live: false,
        };
        assert_eq!((empty.price(), MarketEvent::Timer.price()), (None, None));
    }
}
