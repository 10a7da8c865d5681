//! New orders: a ticket (one order) or an OCO ticket (two legs, one
//! list) becomes filter-rounded, risk-approved requests whose intents are
//! on disk before anything leaves for the venue.

use super::Trading;
use crate::domain::{Millis, Side, SymbolInfo};
use crate::engine::command::{OcoTicket, OrderTicket};
use crate::market::MarketState;
use crate::risk::{Approved, Refusal, RiskContext};
use crate::strategy::intent;
use crate::trading::account::{OcoRequest, OrderRequest};
use crate::trading::filters::{self, OrderDraft, SymbolFilters};
use crate::trading::order::{client_order_id, Order};
use crate::trading::venue::VenueRequest;
use rust_decimal::Decimal;

/// What every new order needs to know about its symbol.
struct Prep {
    info: SymbolInfo,
    filters: SymbolFilters,
    mid: Option<Decimal>,
}

impl Trading {
    fn next_cid(&mut self, tag: &str, now: Millis) -> String {
        self.seq += 1;
        client_order_id(tag, now, self.seq)
    }

    /// The checks before filters: session state, unused ids, listed symbol.
    fn prepare(&self, symbol: &str, ids: &[&str], market: &MarketState) -> Result<Prep, String> {
        self.can_place()?;
        for id in ids {
            if self.orders.contains_key(*id) || matches!(self.journal.order(id), Ok(Some(_))) {
                return Err(format!("client order id {id} was used before"));
            }
        }
        let info = self
            .infos
            .get(symbol)
            .cloned()
            .ok_or_else(|| format!("{symbol} is not listed by the exchange"))?;
        let mid = (market.symbol == symbol)
            .then(|| market.sync.book().mid().map(|m| m.to_decimal()))
            .flatten();
        Ok(Prep {
            filters: SymbolFilters::from_json(&info.filters),
            info,
            mid,
        })
    }

    fn risk_ctx(&self, p: &Prep, now: Millis) -> RiskContext {
        RiskContext {
            mid: p.mid,
            open_orders_count: self.open_count(None),
            position: self
                .portfolio
                .position(&p.info.symbol)
                .map(|x| x.qty)
                .unwrap_or_default(),
            daily_realized_pnl: self.portfolio.daily_realized_pnl(&p.info.quote, now),
            now_ms: now,
            halted: self.halted.is_some(),
        }
    }

    /// A risk refusal; one that breaches the daily loss limit also halts.
    fn refused_by_risk(&mut self, r: &Refusal, market: &MarketState, now: Millis) -> String {
        if let Some(h) = r.halt.clone() {
            self.halt(&h.to_string(), market, now);
        }
        format!("REFUSED: {r}")
    }

    /// Journals the intents (and marks them sent) before the request can
    /// leave; the orders appear as INTENT/UNKNOWN until the venue answers.
    fn journal_intents(&mut self, reqs: &[OrderRequest], now: Millis) -> Result<(), String> {
        for req in reqs {
            self.journal
                .record_intent(req, now)
                .map_err(|e| format!("ERROR: order not sent, the journal refused it: {e}"))?;
        }
        for req in reqs {
            let _ = self.journal.mark_sent(&req.client_order_id, now);
            self.orders
                .insert(req.client_order_id.clone(), Order::intent(req, now));
        }
        Ok(())
    }

    /// Runs one placement with the ticket's tag ("man" when none) and
    /// client id (a fresh one when none); a failure becomes a notice for
    /// that id, so the caller following it sees why.
    fn attempt(
        &mut self,
        tag: Option<String>,
        id: Option<String>,
        now: Millis,
        f: impl FnOnce(&mut Self, &str, String) -> Result<(), String>,
    ) {
        let tag = tag.unwrap_or_else(|| "man".into());
        let id = match id {
            Some(c) => c,
            None => self.next_cid(&tag, now),
        };
        if let Err(why) = f(self, &id, tag) {
            self.notice_for(Some(&id), true, why, now);
        }
    }

    /// Places an order from the ticket, or says why not.
    pub fn place(&mut self, t: OrderTicket, market: &MarketState, now: Millis) {
        let (tag, cid) = (t.tag.clone(), t.client_order_id.clone());
        self.attempt(tag, cid, now, |s, cid, tag| {
            s.try_place(&t, cid, tag, market, now)
        });
    }

    fn try_place(
        &mut self,
        t: &OrderTicket,
        cid: &str,
        tag: String,
        market: &MarketState,
        now: Millis,
    ) -> Result<(), String> {
        let p = self
            .prepare(&t.symbol, &[cid], market)
            .map_err(|e| format!("REFUSED: {e}"))?;
        let open = self.open_count(Some(&t.symbol)) as u32;
        let req = intent::ticket_to_request(t, &p.filters, p.mid, open, cid.to_string(), &tag)
            .map_err(|r| format!("REFUSED: {r}"))?;
        self.submit_prepared(req, &p, market, now)
    }

    /// Sends a request that is already rounded to the symbol's filters (a
    /// strategy's, prepared by its `Instance`): risk, journal, venue.
    pub fn submit(
        &mut self,
        req: OrderRequest,
        market: &MarketState,
        now: Millis,
    ) -> Result<(), String> {
        let p = self
            .prepare(&req.symbol, &[&req.client_order_id], market)
            .map_err(|e| format!("REFUSED: {e}"))?;
        self.submit_prepared(req, &p, market, now)
    }

    fn submit_prepared(
        &mut self,
        req: OrderRequest,
        p: &Prep,
        market: &MarketState,
        now: Millis,
    ) -> Result<(), String> {
        let ctx = self.risk_ctx(p, now);
        let approved = match self.risk.check(&req, &ctx) {
            Ok(a) => a,
            Err(r) => return Err(self.refused_by_risk(&r, market, now)),
        };
        self.journal_intents(std::slice::from_ref(&req), now)?;
        tracing::info!(cid = %req.client_order_id, symbol = %req.symbol, side = req.side.as_str(), kind = req.kind.as_str(), tag = %req.tag, "order sent to {}", self.venue.name());
        self.venue
            .request(VenueRequest::Place(approved), market, now);
        Ok(())
    }

    /// Places an OCO: a LIMIT_MAKER leg and a STOP_LOSS_LIMIT leg sharing
    /// one quantity; when one fills or triggers, the venue cancels the other.
    pub fn place_oco(&mut self, t: OcoTicket, market: &MarketState, now: Millis) {
        let (tag, list) = (t.tag.clone(), t.list_client_order_id.clone());
        self.attempt(tag, list, now, |s, list, tag| {
            s.try_oco(&t, list, tag, market, now)
        });
    }

    fn try_oco(
        &mut self,
        t: &OcoTicket,
        list: &str,
        tag: String,
        market: &MarketState,
        now: Millis,
    ) -> Result<(), String> {
        let (limit_cid, stop_cid) = (format!("{list}-L"), format!("{list}-S"));
        if limit_cid.len() > 36 {
            return Err(format!(
                "REFUSED: list client order id {list} is longer than 34 characters"
            ));
        }
        let p = self
            .prepare(&t.symbol, &[list, &limit_cid, &stop_cid], market)
            .map_err(|e| format!("REFUSED: {e}"))?;
        let stop_limit = t.stop_limit_price.unwrap_or(t.stop_price);
        // Binance's rule: SELL limit > last > stop; BUY limit < last < stop.
        let ordered = match t.side {
            Side::Sell => t.limit_price > t.stop_price && t.limit_price > stop_limit,
            Side::Buy => t.limit_price < t.stop_price && t.limit_price < stop_limit,
        };
        if !ordered {
            return Err(format!(
                "REFUSED: an OCO {} needs the limit price {} the stop price (limit {}, stop {})",
                t.side.as_str(),
                if t.side == Side::Sell {
                    "above"
                } else {
                    "below"
                },
                t.limit_price,
                t.stop_price
            ));
        }
        if let Some(m) = p.mid {
            let between = match t.side {
                Side::Sell => t.limit_price > m && m > t.stop_price,
                Side::Buy => t.limit_price < m && m < t.stop_price,
            };
            if !between {
                return Err(format!(
                    "REFUSED: the market ({}) must lie between the limit price {} and the stop price {}",
                    m.normalize(),
                    t.limit_price,
                    t.stop_price
                ));
            }
        }
        let open = self.open_count(Some(&t.symbol)) as u32;
        let leg = |price, stop| OrderDraft {
            side: t.side,
            price: Some(price),
            stop_price: stop,
            qty: Some(t.qty),
            quote_qty: None,
            market: false,
        };
        let l = filters::validate(&p.filters, leg(t.limit_price, None), p.mid, open)
            .map_err(|r| format!("REFUSED: limit leg: {r}"))?;
        let s = filters::validate(
            &p.filters,
            leg(stop_limit, Some(t.stop_price)),
            p.mid,
            open + 1,
        )
        .map_err(|r| format!("REFUSED: stop leg: {r}"))?;
        let (Some(qty), Some(limit_price), Some(stop_limit_price), Some(stop_price)) =
            (l.qty, l.price, s.price, s.stop_price)
        else {
            return Err("REFUSED: the OCO legs need a price and a quantity".into());
        };
        let req = OcoRequest {
            list_client_order_id: list.to_string(),
            symbol: t.symbol.clone(),
            side: t.side,
            qty,
            limit_client_order_id: limit_cid,
            limit_price,
            stop_client_order_id: stop_cid,
            stop_price,
            stop_limit_price,
            tag,
        };
        let ctx = self.risk_ctx(&p, now);
        let approved: Approved<OcoRequest> = match self.risk.check_oco(&req, &ctx) {
            Ok(a) => a,
            Err(r) => return Err(self.refused_by_risk(&r, market, now)),
        };
        self.journal_intents(&req.legs(), now)?;
        self.lists.insert(
            list.to_string(),
            vec![
                req.limit_client_order_id.clone(),
                req.stop_client_order_id.clone(),
            ],
        );
        tracing::info!(list = %list, symbol = %req.symbol, side = req.side.as_str(), "OCO sent to {}", self.venue.name());
        self.venue
            .request(VenueRequest::PlaceOco(approved), market, now);
        Ok(())
    }
}
