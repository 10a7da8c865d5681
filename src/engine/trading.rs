//! The engine's trading side: order commands become journaled, risk-checked
//! requests to the venue; venue events become order states, fills, balances
//! and P&L. One path for every venue:
//!
//! ticket -> filters (round, refuse) -> risk (`Approved`) -> journal intent
//! -> venue; venue event -> journal (forward-only, fills unique) ->
//! portfolio -> risk after fill (daily loss halts) -> view.
//!
//! Nothing trades until the account has been reconciled with the venue,
//! and a latched halt (kill switch, daily loss) refuses new orders across
//! restarts until the user resumes.

use super::trading_view::{HaltInfo, Notice};
use crate::domain::{Millis, SymbolInfo, Trade};
use crate::journal::{FillFilter, Journal, OrderFilter};
use crate::market::MarketState;
use crate::portfolio::{no_rates, Pair, Portfolio};
use crate::risk::RiskEngine;
use crate::trading::account::Fill;
use crate::trading::order::Order;
use crate::trading::venue::{Venue, VenueRequest};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, VecDeque};

mod events;
mod place;
mod view_build;

/// Fills kept for display.
const FILLS_SHOWN: usize = 200;
/// Notices kept for callers that follow their own orders.
const NOTICES_KEPT: usize = 32;
/// Finished orders kept for display.
const RECENT_SHOWN: usize = 100;
/// Queries before an order whose submit outcome is unknown is given up as
/// never placed (each spaced out so the exchange's recvWindow has passed).
const MAX_QUERIES: u32 = 5;
const QUERY_SPACING_MS: Millis = 2_000;

/// An order whose submit outcome is unknown, being resolved by queries.
struct Pending {
    symbol: String,
    queries: u32,
    next_ms: Millis,
}

pub struct Trading {
    venue: Box<dyn Venue>,
    journal: Journal,
    portfolio: Portfolio,
    risk: RiskEngine,
    /// Open and recently finished orders by client order id.
    orders: BTreeMap<String, Order>,
    fills: VecDeque<Fill>,
    halted: Option<HaltInfo>,
    reconciled: bool,
    read_only: bool,
    notices: VecDeque<Notice>,
    seq: u64,
    maker_fee: Decimal,
    taker_fee: Decimal,
    infos: BTreeMap<String, SymbolInfo>,
    unknown: BTreeMap<String, Pending>,
    /// OCO list client order id -> its legs' client order ids, so a
    /// failure reported for the list reaches both legs.
    lists: BTreeMap<String, Vec<String>>,
    /// What happened to orders, for strategy instances (only while
    /// `collect` is on: nobody drains it otherwise).
    outbox: Vec<TradeEvent>,
    collect: bool,
}

/// An order event a strategy instance may own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TradeEvent {
    Execution(crate::trading::account::ExecutionReport),
    /// A fill learnt over REST (order response, reconcile).
    Fill(Fill),
    /// The order does not exist: refused by the venue, or never reached it.
    Refused {
        client_order_id: String,
        reason: String,
    },
}

impl Trading {
    /// Restores state from the journal (orders, fills, halt) and asks the
    /// venue to reconcile.
    pub fn new(
        venue: Box<dyn Venue>,
        journal: Journal,
        risk: RiskEngine,
        fees: (Decimal, Decimal),
        read_only: bool,
    ) -> Result<Trading, crate::journal::JournalError> {
        let fills = journal.fills(&FillFilter::default())?;
        let portfolio = Portfolio::from_fills(fills.iter(), &no_rates);
        let mut orders = BTreeMap::new();
        for o in journal.open_orders()? {
            orders.insert(o.client_order_id.clone(), o);
        }
        let recent = journal.orders(&OrderFilter {
            limit: Some(RECENT_SHOWN as u32),
            ..Default::default()
        })?;
        for o in recent {
            orders.entry(o.client_order_id.clone()).or_insert(o);
        }
        let halted = journal.halt_state()?.map(|h| HaltInfo {
            reason: h.reason,
            since_ms: h.since_ms,
        });
        Ok(Trading {
            venue,
            journal,
            portfolio,
            risk,
            orders,
            fills: fills.into_iter().rev().take(FILLS_SHOWN).collect(),
            halted,
            reconciled: false,
            read_only,
            notices: VecDeque::new(),
            seq: 0,
            maker_fee: fees.0,
            taker_fee: fees.1,
            infos: BTreeMap::new(),
            unknown: BTreeMap::new(),
            lists: BTreeMap::new(),
            outbox: Vec::new(),
            collect: false,
        })
    }

    fn notice(&mut self, error: bool, text: String, now: Millis) {
        self.notice_for(None, error, text, now)
    }

    /// A notice about one order, so the caller that placed it can tell its
    /// outcome from other notices.
    fn notice_for(&mut self, cid: Option<&str>, error: bool, text: String, now: Millis) {
        if error {
            tracing::warn!("{text}");
        } else {
            tracing::info!("{text}");
        }
        let n = Notice {
            error,
            client_order_id: cid.map(str::to_string),
            text,
            time_ms: now,
        };
        self.notices.push_front(n);
        self.notices.truncate(NOTICES_KEPT);
    }

    /// A notice from another part of the engine (the strategy host).
    pub fn notify(&mut self, error: bool, text: String, now: Millis) {
        self.notice(error, text, now)
    }

    /// Collect [`TradeEvent`]s for [`Trading::take_events`].
    pub fn set_collect(&mut self, on: bool) {
        self.collect = on;
        if !on {
            self.outbox.clear();
        }
    }

    pub fn take_events(&mut self) -> Vec<TradeEvent> {
        std::mem::take(&mut self.outbox)
    }

    fn emit(&mut self, ev: TradeEvent) {
        if self.collect {
            self.outbox.push(ev);
        }
    }

    pub fn symbol_info(&self, symbol: &str) -> Option<&SymbolInfo> {
        self.infos.get(symbol)
    }

    /// Free balance of `asset` as last reported.
    pub fn free(&self, asset: &str) -> Decimal {
        self.portfolio
            .balances()
            .find(|b| b.asset == asset)
            .map(|b| b.free)
            .unwrap_or_default()
    }

    /// Open orders of `symbol` across the account (MAX_NUM_ORDERS).
    pub fn open_orders_of(&self, symbol: &str) -> usize {
        self.open_count(Some(symbol))
    }

    pub fn venue_name(&self) -> String {
        self.venue.name()
    }

    pub fn journal_mut(&mut self) -> &mut Journal {
        &mut self.journal
    }

    /// Symbols from exchangeInfo: filters for validation, assets for P&L.
    pub fn on_symbols(&mut self, infos: &[SymbolInfo]) {
        self.venue.add_symbols(infos);
        for i in infos {
            self.portfolio
                .set_pair(&i.symbol, Pair::new(&i.base, &i.quote));
            self.infos.insert(i.symbol.clone(), i.clone());
        }
    }

    /// Starts (or restarts) reconciliation with the venue.
    pub fn reconcile(&mut self, market: &MarketState, now: Millis) {
        self.reconciled = false;
        let mut symbols: Vec<String> = self
            .orders
            .values()
            .filter(|o| !o.status.is_terminal())
            .map(|o| o.symbol.clone())
            .collect();
        symbols.push(market.symbol.clone());
        symbols.sort();
        symbols.dedup();
        self.venue
            .request(VenueRequest::Reconcile { symbols }, market, now);
    }

    pub fn on_book(&mut self, market: &MarketState, now: Millis) {
        self.venue.on_book(market, now);
    }

    pub fn on_trade(&mut self, t: &Trade, market: &MarketState, now: Millis) {
        self.venue.on_trade(t, market, now);
    }

    /// Re-queries orders whose submit outcome is unknown.
    pub fn on_timer(&mut self, market: &MarketState, now: Millis) {
        let due: Vec<String> = self
            .unknown
            .iter()
            .filter(|(_, p)| p.next_ms <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for cid in due {
            let Some(p) = self.unknown.get_mut(&cid) else {
                continue;
            };
            p.queries += 1;
            p.next_ms = now + QUERY_SPACING_MS;
            let symbol = p.symbol.clone();
            self.venue.request(
                VenueRequest::Query {
                    symbol,
                    client_order_id: cid,
                },
                market,
                now,
            );
        }
    }

    /// When the next unknown-order query is due.
    pub fn next_timer(&self) -> Option<Millis> {
        self.unknown.values().map(|p| p.next_ms).min()
    }

    fn open_count(&self, symbol: Option<&str>) -> usize {
        self.orders
            .values()
            .filter(|o| !o.status.is_terminal() && symbol.is_none_or(|s| o.symbol == s))
            .count()
    }

    fn can_place(&self) -> Result<(), String> {
        if self.read_only {
            return Err("read-only session".into());
        }
        if let Some(h) = &self.halted {
            return Err(format!("trading is halted ({}); resume first", h.reason));
        }
        if !self.reconciled {
            return Err("the account is not reconciled with the venue yet".into());
        }
        Ok(())
    }

    pub fn cancel(
        &mut self,
        symbol: String,
        client_order_id: String,
        market: &MarketState,
        now: Millis,
    ) {
        if self.read_only {
            return self.notice(true, "REFUSED: read-only session".into(), now);
        }
        self.venue.request(
            VenueRequest::Cancel {
                symbol,
                client_order_id,
            },
            market,
            now,
        );
    }

    pub fn cancel_all(&mut self, symbol: String, market: &MarketState, now: Millis) {
        if self.read_only {
            return self.notice(true, "REFUSED: read-only session".into(), now);
        }
        self.venue
            .request(VenueRequest::CancelAll { symbol }, market, now);
    }

    /// Latches a halt and cancels every open order.
    pub fn halt(&mut self, reason: &str, market: &MarketState, now: Millis) {
        match self.journal.halt(reason, now) {
            Ok(h) => {
                self.halted = Some(HaltInfo {
                    reason: h.reason,
                    since_ms: h.since_ms,
                })
            }
            Err(e) => tracing::error!(error = %e, "cannot persist the halt"),
        }
        let mut symbols: Vec<String> = self
            .orders
            .values()
            .filter(|o| !o.status.is_terminal())
            .map(|o| o.symbol.clone())
            .collect();
        symbols.sort();
        symbols.dedup();
        for s in symbols {
            self.venue
                .request(VenueRequest::CancelAll { symbol: s }, market, now);
        }
        self.notice(
            true,
            format!("HALTED: {reason}; open orders are being cancelled"),
            now,
        );
    }

    pub fn resume(&mut self, now: Millis) {
        if let Err(e) = self.journal.resume(now) {
            return self.notice(true, format!("ERROR: cannot clear the halt: {e}"), now);
        }
        self.halted = None;
        self.notice(false, "OK: trading resumed".into(), now);
    }

    /// One more order fits in `risk.max_orders_per_sec` now.
    pub fn rate_available(&self, now: Millis) -> bool {
        self.risk.rate_available(now)
    }

    pub fn is_reconciled(&self) -> bool {
        self.reconciled
    }

    pub fn is_halted(&self) -> bool {
        self.halted.is_some()
    }

    /// Keeps every open order and the newest finished ones.
    fn trim_orders(&mut self) {
        let mut done: Vec<(Millis, String)> = self
            .orders
            .values()
            .filter(|o| o.status.is_terminal())
            .map(|o| (o.updated_ms, o.client_order_id.clone()))
            .collect();
        if done.len() <= RECENT_SHOWN {
            return;
        }
        done.sort();
        for (_, cid) in done.iter().take(done.len() - RECENT_SHOWN) {
            self.orders.remove(cid);
        }
    }
}
