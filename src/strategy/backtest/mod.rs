//! A deterministic backtest: one strategy, one symbol, the real paper venue
//! (`venue::paper::PaperVenue`, its queue-aware matching and fees), fed
//! either by klines through a synthetic book and trade model
//! ([`klines`]) or by a recorded market-data capture ([`capture`]).
//!
//! The driver does what the engine will do for a running instance, minus
//! risk and the journal: it builds the strategy's [`Ctx`] from the venue's
//! balances and the strategy's own fills and orders; turns each intent into
//! an order request through [`intent::to_request`] (so filters round and
//! refuse exactly as live); gives client order ids from its tag, the key
//! and a counter; and reports every fill and order change back under the
//! strategy's key, carrying out the intents those produce in turn. Time is
//! the data's event time. No clock, no I/O, ordered maps only: the same
//! inputs give the same orders and fills.

pub mod capture;
pub mod klines;
mod report;

pub use report::{Refusal, Report};

use super::intent::{self, Intent};
use super::{Ctx, MarketEvent, OwnOrder, OwnPosition, Strategy};
use crate::domain::{Millis, Trade};
use crate::market::book::OrderBook;
use crate::market::book_sync::BookSync;
use crate::portfolio::{no_rates, Pair, Portfolio};
use crate::trading::account::{AccountEvent, Balance, ExecutionReport, Fill};
use crate::trading::filters::SymbolFilters;
use crate::trading::order::{Order, Report as OrderReport};
use crate::venue::paper::{PaperSettings, PaperSymbol, PaperVenue};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, VecDeque};

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

/// One backtest run. Feed it with [`klines::run`] or [`capture::run`] (or
/// event by event), then read [`Backtest::report`].
pub struct Backtest {
    setup: Setup,
    strategy: Box<dyn Strategy>,
    venue: PaperVenue,
    books: Books,
    portfolio: Portfolio,
    now: Millis,
    seq: u64,
    /// Client order id to key, for every order placed.
    keys: BTreeMap<String, String>,
    /// Every order by client order id, and the placement order.
    orders: BTreeMap<String, Order>,
    placed: Vec<String>,
    fills: Vec<Fill>,
    refusals: Vec<Refusal>,
    /// Lowest free balances seen (base, quote), checked after each call.
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
        let mut portfolio = Portfolio::new();
        portfolio.set_pair(&setup.symbol, Pair::new(&setup.base, &setup.quote));
        // What a base-asset fee leaves below the lot step cannot be sold:
        // at or below one step the position is flat (its round trip closes).
        portfolio.set_dust(&setup.symbol, setup.filters.step_size);
        Backtest {
            lowest: (setup.base_balance, setup.quote_balance),
            setup,
            strategy,
            venue,
            books: Books::Synthetic(OrderBook::new()),
            portfolio,
            now: 0,
            seq: 0,
            keys: BTreeMap::new(),
            orders: BTreeMap::new(),
            placed: Vec::new(),
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

    pub fn strategy(&self) -> &dyn Strategy {
        self.strategy.as_ref()
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
        let out = self.call(|s, ctx| s.on_market(ev, ctx));
        self.execute(out);
    }

    fn own_orders(&self) -> Vec<OwnOrder> {
        self.placed
            .iter()
            .filter_map(|cid| self.orders.get(cid))
            .filter(|o| !o.status.is_terminal())
            .map(|o| OwnOrder {
                key: self
                    .keys
                    .get(&o.client_order_id)
                    .cloned()
                    .unwrap_or_default(),
                order: o.clone(),
            })
            .collect()
    }

    fn position(&self) -> OwnPosition {
        self.portfolio
            .position(&self.setup.symbol)
            .map(|p| OwnPosition {
                qty: p.qty,
                avg_entry: p.avg_entry,
            })
            .unwrap_or_default()
    }

    /// Calls the strategy with a fresh context.
    fn call(&mut self, f: impl FnOnce(&mut dyn Strategy, &Ctx) -> Vec<Intent>) -> Vec<Intent> {
        let open = self.own_orders();
        let s = &self.setup;
        let ctx = Ctx {
            now_ms: self.now,
            symbol: &s.symbol,
            base_asset: &s.base,
            quote_asset: &s.quote,
            filters: &s.filters,
            base_free: self.venue.funds(&s.base).free,
            quote_free: self.venue.funds(&s.quote).free,
            position: self.position(),
            open_orders: &open,
        };
        f(self.strategy.as_mut(), &ctx)
    }

    /// Carries out intents, and the intents their results produce, in order.
    fn execute(&mut self, first: Vec<Intent>) {
        let mut queue: VecDeque<Intent> = first.into();
        let mut done = 0;
        while let Some(i) = queue.pop_front() {
            done += 1;
            if done > MAX_INTENTS_PER_EVENT {
                self.refuse("*", format!("more than {MAX_INTENTS_PER_EVENT} intents for one event; the rest were dropped"));
                break;
            }
            let more = match i {
                Intent::Place(p) => self.place(&p),
                Intent::Cancel { key } => self.cancel(&key),
                Intent::CancelAll => {
                    let keys: Vec<String> = self.own_orders().into_iter().map(|o| o.key).collect();
                    keys.iter().flat_map(|k| self.cancel(k)).collect()
                }
            };
            queue.extend(more);
        }
        let s = &self.setup;
        self.lowest.0 = self.lowest.0.min(self.venue.funds(&s.base).free);
        self.lowest.1 = self.lowest.1.min(self.venue.funds(&s.quote).free);
    }

    fn refuse(&mut self, key: &str, reason: String) -> Vec<Intent> {
        self.refusals.push(Refusal {
            time: self.now,
            key: key.to_string(),
            reason: reason.clone(),
        });
        self.call(|s, ctx| s.on_refused(key, &reason, ctx))
    }

    fn place(&mut self, p: &intent::Place) -> Vec<Intent> {
        self.seq += 1;
        let cid = intent::client_order_id(&self.setup.tag, &p.key, self.seq);
        let book = self.books.book();
        let reference = self
            .venue
            .last_price(&self.setup.symbol)
            .or_else(|| book.mid().map(|m| m.to_decimal()));
        let open = self.own_orders().len() as u32;
        let s = &self.setup;
        let req = match intent::to_request(
            &s.symbol,
            p,
            &s.filters,
            reference,
            open,
            cid.clone(),
            &s.tag,
        ) {
            Ok(r) => r,
            Err(e) => return self.refuse(&p.key, e.to_string()),
        };
        match self.venue.place(&req, self.books.book(), self.now) {
            Ok(events) => {
                self.keys.insert(cid.clone(), p.key.clone());
                self.orders
                    .insert(cid.clone(), Order::intent(&req, self.now));
                self.placed.push(cid);
                self.account(events)
            }
            Err(e) => self.refuse(&p.key, e.to_string()),
        }
    }

    fn cancel(&mut self, key: &str) -> Vec<Intent> {
        let cid = self
            .own_orders()
            .into_iter()
            .find(|o| o.key == key)
            .map(|o| o.order.client_order_id);
        let Some(cid) = cid else { return Vec::new() };
        match self.venue.cancel(&self.setup.symbol, &cid, self.now) {
            Ok(events) => self.account(events),
            Err(e) => self.refuse(key, e.to_string()),
        }
    }

    /// Folds the venue's reports into the orders and the position, and
    /// tells the strategy: each fill, then the order's new state.
    fn account(&mut self, events: Vec<AccountEvent>) -> Vec<Intent> {
        let mut out = Vec::new();
        for ev in events {
            let AccountEvent::Execution(r) = ev else {
                continue;
            };
            out.extend(self.execution(&r));
        }
        out
    }

    fn execution(&mut self, r: &ExecutionReport) -> Vec<Intent> {
        let cid = r
            .orig_client_order_id
            .clone()
            .unwrap_or_else(|| r.client_order_id.clone());
        let Some(key) = self.keys.get(&cid).cloned() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let fill = r.fill();
        if let Some(f) = &fill {
            if self.portfolio.apply_fill(f, &no_rates).is_some() {
                self.fills.push(f.clone());
                out.extend(self.call(|s, ctx| s.on_fill(&key, f, ctx)));
            }
        }
        let changed = match self.orders.get_mut(&cid) {
            Some(o) => o.apply(&OrderReport {
                status: r.status,
                exchange_id: Some(r.order_id),
                executed_qty: r.cum_qty,
                cum_quote: r.cum_quote,
                time_ms: r.transact_time,
            }),
            None => false,
        };
        if changed {
            if let Some(o) = self.orders.get(&cid).cloned() {
                out.extend(self.call(|s, ctx| s.on_order(&key, &o, ctx)));
            }
        }
        out
    }

    /// The outcome so far.
    pub fn report(&self) -> Report {
        Report::build(self)
    }
}
