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

use super::trading_view::{HaltInfo, Notice, PositionRow, RoundTripRow, TradingView};
use crate::domain::{Millis, SymbolInfo, Trade};
use crate::journal::{FillFilter, Journal, OrderFilter};
use crate::market::MarketState;
use crate::portfolio::{no_rates, Pair, Portfolio};
use crate::risk::RiskEngine;
use crate::trading::account::{AccountEvent, Fill};
use crate::trading::filters::SymbolFilters;
use crate::trading::order::{Order, OrderStatus, Report};
use crate::trading::venue::{SubmitFailure, Venue, VenueEvent, VenueRequest};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, VecDeque};

mod place;

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
    notice: Option<Notice>,
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
            notice: None,
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
        self.notices.push_front(n.clone());
        self.notices.truncate(NOTICES_KEPT);
        self.notice = Some(n);
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

    /// Folds one venue event.
    pub fn on_venue(&mut self, ev: VenueEvent, market: &MarketState, now: Millis) {
        if let VenueEvent::SubmitFailed {
            client_order_id,
            failure,
        } = &ev
        {
            if let Some(legs) = self.lists.remove(client_order_id) {
                for leg in legs {
                    let ev = VenueEvent::SubmitFailed {
                        client_order_id: leg,
                        failure: failure.clone(),
                    };
                    self.on_venue(ev, market, now);
                }
                return;
            }
        }
        match ev {
            VenueEvent::Account(a) => self.on_account(a, market, now),
            VenueEvent::SubmitFailed {
                client_order_id,
                failure,
            } => match failure {
                SubmitFailure::Rejected { code, msg } => {
                    self.emit(TradeEvent::Refused {
                        client_order_id: client_order_id.clone(),
                        reason: format!("{code} {msg}"),
                    });
                    let _ = self.journal.mark_rejected(&client_order_id, &msg, now);
                    if let Some(o) = self.orders.get_mut(&client_order_id) {
                        o.status = OrderStatus::Rejected;
                        o.updated_ms = now;
                    }
                    self.unknown.remove(&client_order_id);
                    let code = if code < 0 {
                        format!(" {code}")
                    } else {
                        String::new()
                    };
                    let text = format!("REFUSED by {}{code}: {msg}", self.venue.name());
                    self.notice_for(Some(&client_order_id), true, text, now);
                }
                SubmitFailure::Unknown { reason } => {
                    let symbol = self
                        .orders
                        .get(&client_order_id)
                        .map(|o| o.symbol.clone())
                        .unwrap_or_default();
                    if let Some(o) = self.orders.get_mut(&client_order_id) {
                        o.apply(&Report {
                            status: OrderStatus::Unknown,
                            exchange_id: None,
                            executed_qty: Decimal::ZERO,
                            cum_quote: Decimal::ZERO,
                            time_ms: now,
                        });
                    }
                    self.unknown.insert(
                        client_order_id.clone(),
                        Pending {
                            symbol,
                            queries: 0,
                            next_ms: now + QUERY_SPACING_MS,
                        },
                    );
                    let text = format!("UNKNOWN: {client_order_id}: {reason}; checking with the venue (never resent blindly)");
                    self.notice_for(Some(&client_order_id), true, text, now);
                }
            },
            VenueEvent::CancelFailed {
                client_order_id,
                code,
                msg,
            } => {
                let text = format!("cancel of {client_order_id} refused: {code} {msg}");
                self.notice_for(Some(&client_order_id), true, text, now);
            }
            VenueEvent::Queried {
                client_order_id,
                order,
            } => match order {
                Some(o) => {
                    self.unknown.remove(&client_order_id);
                    self.adopt(o, now);
                }
                None => {
                    let give_up = self
                        .unknown
                        .get(&client_order_id)
                        .is_some_and(|p| p.queries >= MAX_QUERIES);
                    if give_up {
                        self.unknown.remove(&client_order_id);
                        let acked = self
                            .orders
                            .get(&client_order_id)
                            .is_some_and(|o| o.exchange_id.is_some());
                        let why = if acked {
                            "unknown to the venue (purged, or a different exchange)"
                        } else {
                            "never reached the venue"
                        };
                        self.emit(TradeEvent::Refused {
                            client_order_id: client_order_id.clone(),
                            reason: why.to_string(),
                        });
                        let _ = self.journal.mark_rejected(&client_order_id, why, now);
                        if let Some(o) = self.orders.get_mut(&client_order_id) {
                            o.status = OrderStatus::Rejected;
                            o.updated_ms = now;
                        }
                        let text = if acked {
                            format!("order {client_order_id} is {why}; closed locally")
                        } else {
                            format!("order {client_order_id} {why}; safe to place again")
                        };
                        self.notice_for(Some(&client_order_id), true, text, now);
                    }
                }
            },
            VenueEvent::Reconciled(r) => {
                // Orders we hold as working that the venue no longer lists
                // finished while we were away (or never existed there): ask
                // about each instead of guessing.
                let listed: std::collections::BTreeSet<&str> = r
                    .open_orders
                    .iter()
                    .map(|o| o.client_order_id.as_str())
                    .collect();
                let stale: Vec<(String, String)> = self
                    .orders
                    .values()
                    .filter(|o| {
                        !o.status.is_terminal()
                            && o.status != OrderStatus::Intent
                            && !listed.contains(o.client_order_id.as_str())
                    })
                    .map(|o| (o.client_order_id.clone(), o.symbol.clone()))
                    .collect();
                for (cid, symbol) in stale {
                    self.unknown.entry(cid).or_insert(Pending {
                        symbol,
                        queries: 0,
                        next_ms: now,
                    });
                }
                // An exchange account's own rates replace the configured ones.
                if let Some((maker, taker)) = r.fees {
                    (self.maker_fee, self.taker_fee) = (maker, taker);
                }
                for o in r.open_orders.into_iter().chain(r.closed_orders) {
                    self.adopt(o, now);
                }
                for f in &r.recent_fills {
                    self.record_fill(f, market, now);
                }
                if !r.balances.is_empty() {
                    self.portfolio.apply_balances(&r.balances);
                    let _ = self.journal.save_balances(&r.balances, now);
                }
                // Intents whose fate we never learnt: ask about each.
                if let Ok(unresolved) = self.journal.unresolved_intents() {
                    for u in unresolved {
                        let cid = u.request.client_order_id.clone();
                        self.orders
                            .entry(cid.clone())
                            .or_insert_with(|| Order::intent(&u.request, u.created_ms));
                        self.unknown.insert(
                            cid,
                            Pending {
                                symbol: u.request.symbol.clone(),
                                queries: 0,
                                next_ms: now,
                            },
                        );
                    }
                }
                self.on_timer(market, now);
                self.reconciled = true;
                tracing::info!(venue = %self.venue.name(), open = self.open_count(None), "account reconciled");
            }
            VenueEvent::Fills(fills) => {
                for f in &fills {
                    self.record_fill(f, market, now);
                }
            }
            VenueEvent::Error { context, message } => {
                self.notice(true, format!("ERROR: {context}: {message}"), now)
            }
        }
    }

    /// Takes an order the venue reports (adopting it if we never saw it).
    fn adopt(&mut self, o: Order, now: Millis) {
        if let Err(e) = self.journal.upsert_order(&o) {
            tracing::warn!(cid = %o.client_order_id, error = %e, "order not journaled");
        }
        let r = o.as_report();
        self.orders
            .entry(o.client_order_id.clone())
            .and_modify(|cur| {
                cur.apply(&r);
            })
            .or_insert(o);
        let _ = now;
    }

    fn on_account(&mut self, a: AccountEvent, market: &MarketState, now: Millis) {
        match a {
            AccountEvent::Execution(rep) => {
                self.emit(TradeEvent::Execution(rep.clone()));
                let cid = rep
                    .orig_client_order_id
                    .clone()
                    .filter(|c| !c.is_empty() && rep.exec_type == "CANCELED")
                    .unwrap_or_else(|| rep.client_order_id.clone());
                // The journal stores the order update and its fill together
                // and says whether the fill is new (fills count once).
                let new_fill = match self.journal.record_execution(&rep) {
                    Ok(r) => r.new_fill,
                    Err(e) => {
                        tracing::error!(error = %e, "execution report not journaled");
                        true
                    }
                };
                self.unknown.remove(&cid);
                let report = Report {
                    status: rep.status,
                    exchange_id: Some(rep.order_id),
                    executed_qty: rep.cum_qty,
                    cum_quote: rep.cum_quote,
                    time_ms: rep.transact_time,
                };
                match self.orders.get_mut(&cid) {
                    Some(o) => {
                        o.apply(&report);
                    }
                    None => {
                        // Placed elsewhere (another session, the web UI): adopt it.
                        if let Ok(Some(o)) = self.journal.order(&cid) {
                            self.orders.insert(cid.clone(), o);
                        }
                    }
                }
                if rep.status == OrderStatus::Rejected {
                    let text = format!("REJECTED {cid}: {}", rep.reject_reason);
                    self.notice_for(Some(&cid), true, text, now);
                }
                if let Some(fill) = rep.fill().filter(|_| new_fill) {
                    self.apply_fill(&fill, market, now);
                }
                self.trim_orders();
            }
            AccountEvent::Balances { balances, .. } => {
                self.portfolio.apply_balances(&balances);
                let _ = self.journal.save_balances(&balances, now);
            }
            AccountEvent::BalanceDelta { asset, delta, .. } => {
                self.portfolio.apply_balance_delta(&asset, delta)
            }
            AccountEvent::ListStatus { .. } => {}
            AccountEvent::StreamLost { reason } => {
                self.reconciled = false;
                tracing::warn!(%reason, "user data stream lost; trading paused until reconciled");
            }
            AccountEvent::StreamUp => self.reconcile(market, now),
        }
    }

    /// A fill learnt over REST (reconciliation): journaled, then applied
    /// once (the journal dedupes by trade id).
    fn record_fill(&mut self, fill: &Fill, market: &MarketState, now: Millis) {
        match self.journal.insert_fill(fill) {
            Ok(true) => {
                self.emit(TradeEvent::Fill(fill.clone()));
                self.apply_fill(fill, market, now)
            }
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, "fill not journaled"),
        }
    }

    /// A new fill: portfolio, display, daily-loss check.
    fn apply_fill(&mut self, fill: &Fill, market: &MarketState, now: Millis) {
        if self.portfolio.apply_fill(fill, &no_rates).is_none() {
            return; // seen before
        }
        self.fills.push_front(fill.clone());
        self.fills.truncate(FILLS_SHOWN);
        let fee = format!("{} {}", fill.commission.normalize(), fill.commission_asset);
        self.notice(
            false,
            format!(
                "OK: {} {} {} @ {} (fee {fee}, {})",
                fill.side.as_str(),
                fill.qty.normalize(),
                fill.symbol,
                fill.price.normalize(),
                if fill.is_maker { "maker" } else { "taker" }
            ),
            now,
        );
        let quote = self
            .infos
            .get(&fill.symbol)
            .map(|i| i.quote.clone())
            .unwrap_or_default();
        let daily = self.portfolio.daily_realized_pnl(&quote, now);
        if self.halted.is_none() {
            if let Some(h) = self.risk.after_fill(daily) {
                self.halt(&h.to_string(), market, now);
            }
        }
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

    pub fn view(&self, market: &MarketState, mode_label: &str) -> TradingView {
        let mut open: Vec<Order> = self
            .orders
            .values()
            .filter(|o| !o.status.is_terminal())
            .cloned()
            .collect();
        open.sort_by_key(|o| std::cmp::Reverse(o.updated_ms));
        let mut recent: Vec<Order> = self
            .orders
            .values()
            .filter(|o| o.status.is_terminal())
            .cloned()
            .collect();
        recent.sort_by_key(|o| std::cmp::Reverse(o.updated_ms));
        let mark = |sym: &str| -> Option<Decimal> {
            (market.symbol == sym && market.sync.is_live())
                .then(|| market.sync.book().mid().map(|m| m.to_decimal()))
                .flatten()
        };
        let positions = self
            .portfolio
            .positions()
            .map(|p| {
                let m = mark(&p.symbol);
                PositionRow {
                    symbol: p.symbol.clone(),
                    qty: p.qty,
                    avg_entry: p.avg_entry,
                    mark: m,
                    unrealized_pnl: m.map(|m| p.unrealized_pnl(m)).unwrap_or_default(),
                    realized_pnl: p.realized_pnl(),
                    fees: p.fees_quote,
                }
            })
            .collect();
        let round_trips = self
            .portfolio
            .round_trips()
            .iter()
            .rev()
            .take(50)
            .map(|t| RoundTripRow {
                symbol: t.symbol.clone(),
                qty: t.bought_qty,
                entry_avg: t.entry_avg,
                exit_avg: t.exit_avg,
                pnl: t.net_pnl,
                return_pct: t.return_pct,
                opened_ms: t.opened_ms,
                closed_ms: t.closed_ms,
            })
            .collect();
        let info = self.infos.get(&market.symbol);
        let quote = info.map(|i| i.quote.clone()).unwrap_or_default();
        let blocked_reason = self.can_place().err();
        TradingView {
            venue: format!("{} ({mode_label})", self.venue.name()),
            can_trade: blocked_reason.is_none(),
            reconciled: self.reconciled,
            resolving: self.unknown.len(),
            blocked_reason,
            halted: self.halted.clone(),
            open_orders: open,
            recent_orders: recent,
            fills: self.fills.iter().cloned().collect(),
            balances: self.portfolio.balances().cloned().collect(),
            positions,
            round_trips,
            daily_realized_pnl: self
                .portfolio
                .daily_realized_pnl(&quote, crate::exchange::rest::now_ms()),
            maker_fee: self.maker_fee,
            taker_fee: self.taker_fee,
            filters: info.map(|i| SymbolFilters::from_json(&i.filters)),
            base_asset: info.map(|i| i.base.clone()).unwrap_or_default(),
            quote_asset: quote,
            notice: self.notice.clone(),
            notices: self.notices.iter().cloned().collect(),
        }
    }
}
