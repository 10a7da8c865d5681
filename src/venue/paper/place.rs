//! New orders: Binance's parameter rules, the symbol filters (validated and
//! rounded), balance locks, then execution by type. Every check runs
//! before anything changes, so a rejected request leaves no trace (Binance
//! gives rejected orders no id either).

use super::book_walk::{walk, Want};
use super::{PaperOrder, PaperReject, PaperVenue};
use crate::domain::{Millis, Side};
use crate::market::book::OrderBook;
use crate::trading::account::{AccountEvent, OrderRequest};
use crate::trading::filters::{validate, OrderDraft};
use crate::trading::order::{OrderStatus, OrderType};
use rust_decimal::Decimal;

pub(crate) fn mandatory(name: &str) -> PaperReject {
    PaperReject::new(
        -1102,
        format!("Mandatory parameter '{name}' was not sent, was empty/null, or malformed."),
    )
}

pub(crate) fn not_required(name: &str) -> PaperReject {
    PaperReject::new(-1106, format!("Parameter '{name}' sent when not required."))
}

fn absent<T>(v: &Option<T>, name: &str) -> Result<(), PaperReject> {
    match v {
        Some(_) => Err(not_required(name)),
        None => Ok(()),
    }
}

fn present<T: Copy>(v: &Option<T>, name: &str) -> Result<T, PaperReject> {
    v.ok_or_else(|| mandatory(name))
}

/// Binance's legal client order id: `^[a-zA-Z0-9-_]{1,36}$`.
fn legal_client_id(id: &str) -> bool {
    id.len() <= 36
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl PaperVenue {
    /// Places one order; the events are Binance's executionReports (NEW,
    /// then any TRADE, EXPIRED) followed by the changed balances.
    pub fn place(
        &mut self,
        req: &OrderRequest,
        book: &OrderBook,
        now: Millis,
    ) -> Result<Vec<AccountEvent>, PaperReject> {
        self.out.clear();
        let mut o = self.check(req, book).inspect_err(|e| {
            tracing::debug!(client_order_id = %req.client_order_id, %e, "paper reject");
        })?;
        o.created_ms = now;
        o.updated_ms = now;
        match o.kind {
            OrderType::Market => self.place_market(o, book, now)?,
            OrderType::LimitMaker => {
                if self.would_take(&o, book) {
                    return Err(PaperReject::would_take());
                }
                let id = self.lock_and_insert(o)?;
                self.report(id, "NEW", now);
                self.rest(id, book);
            }
            OrderType::Limit => {
                let id = self.lock_and_insert(o)?;
                self.report(id, "NEW", now);
                self.execute_limit(id, book, now);
            }
            OrderType::StopLossLimit | OrderType::TakeProfitLimit => {
                if let Some(last) = self.reference_price(&o.symbol, book) {
                    if o.triggers_at(last) {
                        return Err(PaperReject::would_trigger());
                    }
                }
                o.working = false;
                let id = self.lock_and_insert(o)?;
                self.report(id, "NEW", now);
            }
        }
        Ok(self.finish(now))
    }

    /// The last trade price, else the book's mid: Binance's reference for
    /// MARKET notional, PERCENT_PRICE and stop checks.
    pub(crate) fn reference_price(&self, symbol: &str, book: &OrderBook) -> Option<Decimal> {
        self.last_price(symbol)
            .or_else(|| book.mid().map(|m| m.to_decimal()))
    }

    /// Whether a resting order at its price would take liquidity now.
    pub(crate) fn would_take(&mut self, o: &PaperOrder, book: &OrderBook) -> bool {
        let taken = self.taken.entry(o.symbol.clone()).or_default();
        taken.sync(book);
        let w = walk(
            book,
            taken,
            o.side,
            Some(o.price),
            Want::Base(o.qty),
            Decimal::ZERO,
        );
        !w.fills.is_empty()
    }

    /// Locks what a limit-priced order may pay and files it.
    pub(crate) fn lock_and_insert(&mut self, mut o: PaperOrder) -> Result<i64, PaperReject> {
        let amount = match o.side {
            Side::Buy => o.price * o.qty,
            Side::Sell => o.qty,
        };
        let asset = self.lock_asset(&o.symbol, o.side);
        self.state.ledger.lock(&asset, amount)?;
        o.locked = amount;
        o.lock_price = if o.side == Side::Buy {
            o.price
        } else {
            Decimal::ZERO
        };
        Ok(self.insert(o))
    }

    fn place_market(
        &mut self,
        mut o: PaperOrder,
        book: &OrderBook,
        now: Millis,
    ) -> Result<(), PaperReject> {
        let f = &self.symbols[&o.symbol].filters;
        let step = if f.market_step_size.is_zero() {
            f.step_size
        } else {
            f.market_step_size
        };
        let want = if o.qty.is_zero() {
            Want::Quote(o.quote_qty)
        } else {
            Want::Base(o.qty)
        };
        let taken = self.taken.entry(o.symbol.clone()).or_default();
        taken.sync(book);
        let w = walk(book, taken, o.side, None, want, step);
        let opposite = match o.side {
            Side::Buy => &book.asks,
            Side::Sell => &book.bids,
        };
        if opposite.is_empty() {
            return Err(PaperReject::new(-1112, "No orders on book for symbol."));
        }
        // Lock exactly what the walk will pay; the balance must also cover
        // what the order asked for (its quote amount or base quantity).
        let (lock, asked) = match o.side {
            Side::Buy => (w.quote(), o.quote_qty),
            Side::Sell => (w.base(), o.qty),
        };
        let asset = self.lock_asset(&o.symbol, o.side);
        if !self.state.ledger.can_lock(&asset, lock.max(asked)) {
            return Err(PaperReject::insufficient_balance());
        }
        self.state.ledger.lock(&asset, lock)?;
        o.locked = lock;
        let id = self.insert(o);
        self.report(id, "NEW", now);
        self.take(id, &w, now);
        // Whatever the book could not fill expires, as Binance does.
        self.close(id, OrderStatus::Expired, "EXPIRED", now);
        Ok(())
    }

    /// Parameter rules, duplicate ids and the symbol filters; returns the
    /// order with validated, rounded values (id not yet assigned).
    pub(crate) fn check(
        &self,
        req: &OrderRequest,
        book: &OrderBook,
    ) -> Result<PaperOrder, PaperReject> {
        let sym = self
            .symbols
            .get(&req.symbol)
            .ok_or_else(|| PaperReject::new(-1121, "Invalid symbol."))?;
        if !legal_client_id(&req.client_order_id) {
            return Err(PaperReject::new(
                -1100,
                "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[a-zA-Z0-9-_]{1,36}$'.",
            ));
        }
        if !sym.trading {
            return Err(PaperReject::new(-2010, "Market is closed."));
        }
        if self.is_open_client_id(&req.symbol, &req.client_order_id) {
            return Err(PaperReject::duplicate());
        }
        let market = req.kind == OrderType::Market;
        match req.kind {
            OrderType::Market => {
                absent(&req.tif, "timeInForce")?;
                absent(&req.price, "price")?;
                absent(&req.stop_price, "stopPrice")?;
                match (req.qty, req.quote_qty) {
                    (None, None) => {
                        return Err(PaperReject::new(
                            -1102,
                            "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
                        ))
                    }
                    (Some(_), Some(_)) => return Err(not_required("quoteOrderQty")),
                    (None, Some(q)) if q <= Decimal::ZERO => {
                        return Err(mandatory("quoteOrderQty"))
                    }
                    _ => {}
                }
            }
            OrderType::Limit | OrderType::LimitMaker => {
                if req.kind == OrderType::Limit {
                    present(&req.tif, "timeInForce")?;
                } else {
                    absent(&req.tif, "timeInForce")?;
                }
                present(&req.price, "price")?;
                present(&req.qty, "quantity")?;
                absent(&req.stop_price, "stopPrice")?;
                absent(&req.quote_qty, "quoteOrderQty")?;
            }
            OrderType::StopLossLimit | OrderType::TakeProfitLimit => {
                present(&req.tif, "timeInForce")?;
                present(&req.price, "price")?;
                present(&req.stop_price, "stopPrice")?;
                present(&req.qty, "quantity")?;
                absent(&req.quote_qty, "quoteOrderQty")?;
            }
        }
        let draft = OrderDraft {
            side: req.side,
            price: req.price,
            stop_price: req.stop_price,
            qty: req.qty,
            quote_qty: req.quote_qty,
            market,
        };
        let open_here = self
            .state
            .open
            .values()
            .filter(|o| o.symbol == req.symbol)
            .count() as u32;
        let reference = self.reference_price(&req.symbol, book);
        let v = validate(&sym.filters, draft, reference, open_here)
            .map_err(|r| PaperReject::filter(r.filter))?;
        let algo = matches!(
            req.kind,
            OrderType::StopLossLimit | OrderType::TakeProfitLimit
        );
        if let (true, Some(max)) = (algo, sym.max_algo_orders) {
            let open_algo = self
                .state
                .open
                .values()
                .filter(|o| o.symbol == req.symbol && o.is_stop())
                .count() as u32;
            if open_algo >= max {
                return Err(PaperReject::filter("MAX_NUM_ALGO_ORDERS"));
            }
        }
        let z = Decimal::ZERO;
        Ok(PaperOrder {
            order_id: 0,
            order_list_id: -1,
            client_order_id: req.client_order_id.clone(),
            symbol: req.symbol.clone(),
            side: req.side,
            kind: req.kind,
            tif: req.tif,
            price: v.price.unwrap_or(z),
            stop_price: v.stop_price.unwrap_or(z),
            qty: v.qty.unwrap_or(z),
            quote_qty: v.quote_qty.unwrap_or(z),
            status: OrderStatus::New,
            executed_qty: z,
            cum_quote: z,
            working: true,
            queue_ahead: z,
            locked: z,
            lock_price: z,
            tag: req.tag.clone(),
            created_ms: 0,
            updated_ms: 0,
        })
    }

    pub(crate) fn is_open_client_id(&self, symbol: &str, id: &str) -> bool {
        self.state
            .open
            .values()
            .any(|o| o.symbol == symbol && o.client_order_id == id)
    }
}
