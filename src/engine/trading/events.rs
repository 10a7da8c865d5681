//! Venue events folded into the trading state: order reports, account
//! updates (balances, fills) and submit failures become order states,
//! journal rows, portfolio changes and notices; a daily loss halts.

use super::{Pending, TradeEvent, Trading, FILLS_SHOWN, MAX_QUERIES, QUERY_SPACING_MS};
use crate::domain::Millis;
use crate::market::MarketState;
use crate::portfolio::no_rates;
use crate::trading::account::{AccountEvent, Fill};
use crate::trading::order::{Order, OrderStatus, Report};
use crate::trading::venue::{SubmitFailure, VenueEvent};
use rust_decimal::Decimal;

impl Trading {
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
    pub(super) fn adopt(&mut self, o: Order, now: Millis) {
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

    pub(super) fn on_account(&mut self, a: AccountEvent, market: &MarketState, now: Millis) {
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
    pub(super) fn record_fill(&mut self, fill: &Fill, market: &MarketState, now: Millis) {
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
    pub(super) fn apply_fill(&mut self, fill: &Fill, market: &MarketState, now: Millis) {
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
}
