//! The paper venue: Binance-like matching for one local account against the
//! market data the mode already has (the synced order book and the trade
//! stream). It is pure and deterministic: no I/O, no clock (time comes in
//! with each call), ordered maps only, so the same inputs always give the
//! same events; that is what makes paper results and tests reproducible.
//!
//! The model, in one place:
//! * **Taking** (MARKET, crossing LIMIT, triggered stops): walk the
//!   opposite side level by level at each level's price (taker fee).
//!   MARKET and IOC leftovers expire; FOK fills completely or not at all;
//!   GTC leftovers rest. Until the next depth update, levels our orders
//!   took, and levels public trades show consumed (a sell print at `X`:
//!   no bids above `X`), are not offered again (see `book_walk`).
//! * **Resting** (maker fee): an order records the book's quantity at its
//!   price when it starts resting (`queue_ahead`; 0 when it improves the
//!   best price). Only trades fill it, never a touch or a depth change:
//!   - a trade strictly through its price (below a buy, above a sell, any
//!     aggressor) fills it at once;
//!   - a trade at its price by an aggressor on the other side first eats
//!     `queue_ahead`, and only the rest fills it;
//!   - a trade's quantity fills our orders at most once in total (they are
//!     not in the real book, so they don't count in each other's queue);
//!   - fills are at the order's own price, up to the trade's quantity;
//!   - cancellations ahead: when the book's quantity at the price drops
//!     below `queue_ahead`, the queue shrinks to it (`on_depth`); growth is
//!     ignored (new orders join behind). A depth update that already
//!     contains a trade's volume and arrives before that trade can make the
//!     queue shrink twice for it, so a fill can come early by at most that
//!     trade's quantity (on the real capture trades come first).
//! * **Stops** trigger on the last trade price with Binance's directions
//!   (stop-loss: buy at `last >= stop`, sell at `last <= stop`; take-profit
//!   the other way) and then behave as their LIMIT; the triggering trade
//!   does not also fill them as makers. One that would trigger at
//!   placement (last price, else the book's mid) is rejected as Binance
//!   does.
//! * **OCO**: a LIMIT_MAKER leg and a STOP_LOSS_LIMIT leg under one lock; a
//!   fill of either (even partial) or the stop's trigger expires the other
//!   (EXPIRED, as Binance reports it) with listStatus ALL_DONE.
//! * **Balances**: orders lock what they may pay: `price * qty` of quote for
//!   a limit buy, `qty` of base for a sell, the exact cost of a market order
//!   (its walk is known before it executes). Fills pay out of the lock; a
//!   buy that fills below its limit gets the difference back. Commission
//!   comes out of the asset received (base for a buyer, quote for a
//!   seller), rounded up to 8 decimals. Cancel and expiry unlock the rest.
//! * Our own orders never match each other (self-trade is not modelled).
//!
//! The engine's side of the contract: `on_depth` after every applied diff
//! (and after a resync snapshot) with the book after it, `on_trade` for
//! every trade with the current book, `place` only while the book is live;
//! the venue cannot tell a stale book from a live one. Cancel reports
//! carry the order's own id in both `client_order_id` and
//! `orig_client_order_id` (Binance puts the cancel request's id in `c`).

mod book_walk;
mod exec;
mod ledger;
mod market_data;
mod oco;
mod order;
mod place;
#[cfg(test)]
mod tests;

pub use ledger::{Funds, Ledger};
pub use order::{OrderList, PaperOrder};

use crate::domain::{Millis, SymbolInfo};
use crate::trading::account::{AccountEvent, Balance};
use crate::trading::filters::SymbolFilters;
use crate::trading::order::Order;
use book_walk::Taken;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// How many finished orders are kept for display.
pub const CLOSED_KEPT: usize = 1000;

/// The venue's configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperSettings {
    /// Fractions of the traded amount (`0.001` = 0.1 %).
    pub maker_fee: Decimal,
    pub taker_fee: Decimal,
    /// Starting balances (free amounts).
    pub balances: Vec<Balance>,
}

/// A refusal, with Binance's code and message so the UI shows the same
/// text in paper as in live mode.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{msg} (code {code})")]
pub struct PaperReject {
    pub code: i64,
    pub msg: String,
}

impl PaperReject {
    pub fn new(code: i64, msg: impl Into<String>) -> Self {
        PaperReject {
            code,
            msg: msg.into(),
        }
    }

    pub fn insufficient_balance() -> Self {
        Self::new(
            -2010,
            "Account has insufficient balance for requested action.",
        )
    }

    pub fn would_take() -> Self {
        Self::new(-2010, "Order would immediately match and take.")
    }

    pub fn would_trigger() -> Self {
        Self::new(-2010, "Order would trigger immediately.")
    }

    pub fn duplicate() -> Self {
        Self::new(-2010, "Duplicate order sent.")
    }

    pub fn unknown_order() -> Self {
        Self::new(-2011, "Unknown order sent.")
    }

    pub fn filter(name: &str) -> Self {
        Self::new(-1013, format!("Filter failure: {name}"))
    }
}

/// What the venue knows about one symbol.
#[derive(Clone, Debug, PartialEq)]
pub struct PaperSymbol {
    pub symbol: String,
    pub base: String,
    pub quote: String,
    pub filters: SymbolFilters,
    /// exchangeInfo status is TRADING (else orders get "Market is closed.").
    pub trading: bool,
    /// MAX_NUM_ALGO_ORDERS: open stop orders allowed (`filters` lacks it).
    pub max_algo_orders: Option<u32>,
}

impl PaperSymbol {
    pub fn new(symbol: &str, base: &str, quote: &str, filters: SymbolFilters) -> Self {
        PaperSymbol {
            symbol: symbol.to_string(),
            base: base.to_string(),
            quote: quote.to_string(),
            filters,
            trading: true,
            max_algo_orders: None,
        }
    }

    /// From one exchangeInfo symbol.
    pub fn from_info(info: &SymbolInfo) -> Self {
        let algo = info.filters.iter().find_map(|f| {
            (f.get("filterType")?.as_str()? == "MAX_NUM_ALGO_ORDERS")
                .then(|| f.get("maxNumAlgoOrders")?.as_u64())
                .flatten()
        });
        PaperSymbol {
            trading: info.status.is_empty() || info.status == "TRADING",
            max_algo_orders: algo.map(|n| n as u32),
            ..Self::new(
                &info.symbol,
                &info.base,
                &info.quote,
                SymbolFilters::from_json(&info.filters),
            )
        }
    }
}

/// Everything that must survive a restart: balances, orders, id counters,
/// last prices. The engine persists it (journal) and hands it back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperState {
    pub ledger: Ledger,
    /// Open orders by order id (= time priority).
    pub open: BTreeMap<i64, PaperOrder>,
    /// Recently finished orders, oldest first.
    pub closed: VecDeque<PaperOrder>,
    /// Open OCOs by order list id.
    pub lists: BTreeMap<i64, OrderList>,
    /// Last trade price per symbol (stop triggers, reference price).
    pub last_price: BTreeMap<String, Decimal>,
    pub next_order_id: i64,
    pub next_trade_id: i64,
    pub next_list_id: i64,
}

/// The paper venue. See the module docs for the matching model.
#[derive(Clone, Debug)]
pub struct PaperVenue {
    maker_fee: Decimal,
    taker_fee: Decimal,
    symbols: BTreeMap<String, PaperSymbol>,
    state: PaperState,
    /// Per symbol: liquidity our taker orders took from the current book.
    taken: BTreeMap<String, Taken>,
    /// Events of the call in progress.
    out: Vec<AccountEvent>,
}

impl PaperVenue {
    pub fn new(settings: PaperSettings) -> Self {
        PaperVenue {
            maker_fee: settings.maker_fee,
            taker_fee: settings.taker_fee,
            symbols: BTreeMap::new(),
            state: PaperState {
                ledger: Ledger::from_balances(&settings.balances),
                next_order_id: 1,
                next_trade_id: 1,
                next_list_id: 1,
                ..PaperState::default()
            },
            taken: BTreeMap::new(),
            out: Vec::new(),
        }
    }

    /// Registers a tradable symbol from exchangeInfo.
    pub fn add_symbol(&mut self, info: &SymbolInfo) {
        self.add_paper_symbol(PaperSymbol::from_info(info));
    }

    /// Registers (or replaces, e.g. after a filter change) a symbol.
    pub fn add_paper_symbol(&mut self, s: PaperSymbol) {
        self.symbols.insert(s.symbol.clone(), s);
    }

    pub fn symbol(&self, symbol: &str) -> Option<&PaperSymbol> {
        self.symbols.get(symbol)
    }

    /// Every asset with a non-zero balance.
    pub fn balances(&self) -> Vec<Balance> {
        self.state.ledger.balances()
    }

    pub fn funds(&self, asset: &str) -> Funds {
        self.state.ledger.get(asset)
    }

    /// Open orders, oldest first.
    pub fn open_orders(&self) -> Vec<Order> {
        self.state.open.values().map(PaperOrder::to_order).collect()
    }

    /// Recently finished and open orders, by order id.
    pub fn orders(&self) -> Vec<Order> {
        self.paper_orders().map(PaperOrder::to_order).collect()
    }

    /// The venue's own view of the same orders (queue position, locks).
    pub fn paper_orders(&self) -> impl Iterator<Item = &PaperOrder> {
        self.state.closed.iter().chain(self.state.open.values())
    }

    /// The newest order with this client id (open first).
    pub fn order(&self, client_order_id: &str) -> Option<&PaperOrder> {
        self.state
            .open
            .values()
            .find(|o| o.client_order_id == client_order_id)
            .or_else(|| {
                self.state
                    .closed
                    .iter()
                    .rev()
                    .find(|o| o.client_order_id == client_order_id)
            })
    }

    pub fn last_price(&self, symbol: &str) -> Option<Decimal> {
        self.state.last_price.get(symbol).copied()
    }

    /// The state to persist.
    pub fn snapshot(&self) -> PaperState {
        self.state.clone()
    }

    /// Replaces the account state with a persisted one (fees and symbols
    /// stay as configured).
    pub fn restore(&mut self, state: PaperState) {
        self.state = state;
        self.taken.clear();
        self.out.clear();
    }

    /// Ends a call: appends the balances that changed and hands the events
    /// over.
    fn finish(&mut self, now: Millis) -> Vec<AccountEvent> {
        if let Some(b) = self.state.ledger.take_changes(now) {
            self.out.push(b);
        }
        std::mem::take(&mut self.out)
    }
}
