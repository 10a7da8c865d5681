//! A deterministic backtest: one strategy, one symbol, the real paper venue
//! (`venue::paper::PaperVenue`, its queue-aware matching and fees), fed
//! either by klines through a synthetic book and trade model
//! ([`klines`]) or by a recorded market-data capture ([`capture`]).
//!
//! The driver does what the engine will do for a running instance, minus
//! risk and the journal, with the same [`Instance`] bookkeeping: the
//! strategy's context from the venue's balances and its own fills and
//! orders; each `Place` turned into an order request by
//! [`Instance::prepare`] (the shared conversion: filters round and refuse
//! exactly as live); client order ids from the tag, the key and a counter;
//! every fill and order change reported back under the strategy's key,
//! and the intents those produce carried out in turn. Time is the data's
//! event time. No clock, no I/O, ordered maps only: the same inputs give
//! the same orders and fills.

pub mod capture;
pub mod klines;
mod report;
#[cfg(test)]
mod tests;

pub use report::{Refusal, Report};

use super::instance::{Env, Instance};
use super::intent::{Intent, Place};
use super::{MarketEvent, Strategy};
use crate::domain::{Millis, Trade};
use crate::market::book::OrderBook;
use crate::market::book_sync::BookSync;
use crate::trading::account::{AccountEvent, Balance, Fill};
use crate::trading::filters::SymbolFilters;
use crate::venue::paper::{PaperSettings, PaperSymbol, PaperVenue};
use rust_decimal::Decimal;
use std::collections::VecDeque;

/// Most intents one event may lead to (a strategy that answers every
/// order update with a new order would otherwise never return).
const MAX_INTENTS_PER_EVENT: usize = 10_000;

/// The market, the account and the fees of a backtest.
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    pub symbol: String,
    pub base: String,
    pub quote: String,
    pub filters: SymbolFilters,
    /// Fractions of the traded amount (`0.001` = 0.1 %).
    pub maker_fee: Decimal,
    pub taker_fee: Decimal,
    pub base_balance: Decimal,
    pub quote_balance: Decimal,
    /// The instance tag in client order ids.
    pub tag: String,
}

/// Where the venue's book comes from.
enum Books {
    Synthetic(OrderBook),
    Synced(BookSync),
}

impl Books {
    fn book(&self) -> &OrderBook {
        match self {
            Books::Synthetic(b) => b,
            Books::Synced(s) => s.book(),
        }
    }
}

/// The strategy's view of the account now.
fn env_of<'a>(s: &'a Setup, venue: &PaperVenue, now: Millis) -> Env<'a> {
    Env {
        now_ms: now,
        filters: &s.filters,
        base_free: venue.funds(&s.base).free,
        quote_free: venue.funds(&s.quote).free,
    }
}

/// One backtest run. Feed it with [`klines::run`] or [`capture::run`] (or
/// event by event), then read [`Backtest::report`].
pub struct Backtest {
    setup: Setup,
    inst: Instance,
    venue: PaperVenue,
    books: Books,
    now: Millis,
    fills: Vec<Fill>,
    refusals: Vec<Refusal>,
    /// Lowest free balances seen (base, quote), checked after each event.
    lowest: (Decimal, Decimal),
    events: u64,
    /// Ids of the synthetic books and trades (kline model).
    book_id: u64,
    trade_id: u64,
}

impl Backtest {
    pub fn new(setup: Setup, strategy: Box<dyn Strategy>) -> Backtest {
        let bal = |asset: &str, free: Decimal| Balance {
            asset: asset.into(),
            free,
            locked: Decimal::ZERO,
        };
        let mut venue = PaperVenue::new(PaperSettings {
            maker_fee: setup.maker_fee,
            taker_fee: setup.taker_fee,
            balances: vec![
                bal(&setup.base, setup.base_balance),
                bal(&setup.quote, setup.quote_balance),
            ],
        });
        venue.add_paper_symbol(PaperSymbol::new(
            &setup.symbol,
            &setup.base,
            &setup.quote,
            setup.filters.clone(),
        ));
        // What a base-asset fee leaves below the lot step cannot be sold:
        // at or below one step the position is flat (its round trip closes).
        let inst = Instance::new(
            &setup.tag,
            &setup.symbol,
            &setup.base,
            &setup.quote,
            setup.filters.step_size,
            strategy,
        );
        Backtest {
            lowest: (setup.base_balance, setup.quote_balance),
            setup,
            inst,
            venue,
            books: Books::Synthetic(OrderBook::new()),
            now: 0,
            fills: Vec::new(),
            refusals: Vec::new(),
            events: 0,
            book_id: 0,
            trade_id: 0,
        }
    }

    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    pub fn venue(&self) -> &PaperVenue {
        &self.venue
    }

    pub fn instance(&self) -> &Instance {
        &self.inst
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    /// Engine time moves forward only.
    pub fn advance(&mut self, now: Millis) {
        self.now = self.now.max(now);
    }

    /// Replaces the synthetic book (kline model) and tells the venue.
    pub fn set_book(&mut self, book: OrderBook) {
        self.books = Books::Synthetic(book);
        self.venue.on_depth(&self.setup.symbol, self.books.book());
    }

    /// The synced book of a capture replay (the venue is told by `capture`).
    fn sync_mut(&mut self) -> &mut BookSync {
        if !matches!(self.books, Books::Synced(_)) {
            self.books = Books::Synced(BookSync::new());
        }
        match &mut self.books {
            Books::Synced(s) => s,
            Books::Synthetic(_) => unreachable!("just set"),
        }
    }

    /// A public trade: the venue fills resting orders against it; then the
    /// strategy sees the fills and the trade.
    pub fn trade(&mut self, t: &Trade) {
        self.advance(t.time);
        let events = self.venue.on_trade(t, self.books.book(), self.now);
        let out = self.account(events);
        self.execute(out);
        self.market(&MarketEvent::Trade(t.clone()));
    }

    /// Shows the strategy a market event and carries out its intents.
    pub fn market(&mut self, ev: &MarketEvent) {
        self.events += 1;
        let env = env_of(&self.setup, &self.venue, self.now);
        let out = self.inst.on_market(ev, &env);
        self.execute(out);
    }

    /// Carries out intents, and the intents their results produce, in order.
    fn execute(&mut self, first: Vec<Intent>) {
        let mut queue: VecDeque<Intent> = first.into();
        let mut done = 0;
        while let Some(i) = queue.pop_front() {
            done += 1;
            if done > MAX_INTENTS_PER_EVENT {
                self.refusals.push(Refusal {
                    time: self.now,
                    key: "*".into(),
                    reason: format!("more than {MAX_INTENTS_PER_EVENT} intents for one event; the rest were dropped"),
                });
                break;
            }
            let more = match &i {
                Intent::Place(p) => self.place(p),
                _ => {
                    let ids = self.inst.cancel_ids(&i);
                    ids.iter().flat_map(|cid| self.cancel(cid)).collect()
                }
            };
            queue.extend(more);
        }
        let s = &self.setup;
        self.lowest.0 = self.lowest.0.min(self.venue.funds(&s.base).free);
        self.lowest.1 = self.lowest.1.min(self.venue.funds(&s.quote).free);
    }

    fn place(&mut self, p: &Place) -> Vec<Intent> {
        let reference = self
            .venue
            .last_price(&self.setup.symbol)
            .or_else(|| self.books.book().mid().map(|m| m.to_decimal()));
        let open = self.venue.open_orders().len() as u32;
        let env = env_of(&self.setup, &self.venue, self.now);
        let req = match self.inst.prepare(p, &env, reference, open) {
            Ok(r) => r,
            Err(e) => {
                let why = e.to_string();
                let out = self.inst.refused(&p.key, &why, &env);
                self.refusal(&p.key, why);
                return out;
            }
        };
        match self.venue.place(&req, self.books.book(), self.now) {
            Ok(events) => self.account(events),
            Err(e) => {
                let why = e.to_string();
                let env = env_of(&self.setup, &self.venue, self.now);
                let out = self.inst.submit_failed(&req.client_order_id, &why, &env);
                self.refusal(&p.key, why);
                out
            }
        }
    }

    fn refusal(&mut self, key: &str, reason: String) {
        self.refusals.push(Refusal {
            time: self.now,
            key: key.to_string(),
            reason,
        });
    }

    fn cancel(&mut self, cid: &str) -> Vec<Intent> {
        match self.venue.cancel(&self.setup.symbol, cid, self.now) {
            Ok(events) => self.account(events),
            Err(e) => {
                let key = self.inst.key_of(cid).unwrap_or_default().to_string();
                self.refusal(&key, e.to_string());
                Vec::new()
            }
        }
    }

    /// Folds the venue's reports into the instance, which tells the
    /// strategy; collects the fills.
    fn account(&mut self, events: Vec<AccountEvent>) -> Vec<Intent> {
        let mut out = Vec::new();
        for ev in events {
            let AccountEvent::Execution(r) = ev else {
                continue;
            };
            let env = env_of(&self.setup, &self.venue, self.now);
            if let Some((fill, intents)) = self.inst.on_execution(&r, &env) {
                self.fills.extend(fill);
                out.extend(intents);
            }
        }
        out
    }

    /// The outcome so far.
    pub fn report(&self) -> Report {
        Report::build(self)
    }
}
