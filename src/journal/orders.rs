//! Intents, orders and fills. Order rows only move forward: every update
//! goes through [`Order::apply`], whatever order reports arrive in, so a
//! duplicated or stale report changes nothing; fills are unique by
//! `(symbol, trade_id)`.

use super::codec::{self, dec_text, opt_dec_text, status_text, tif_text};
use super::{Journal, JournalError};
use crate::domain::Millis;
use crate::trading::account::{ExecutionReport, Fill, OrderRequest};
use crate::trading::order::{Order, OrderStatus, Report};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, OptionalExtension, Transaction, TransactionBehavior};

/// An order whose exchange outcome is not known: journaled (`Intent`,
/// maybe sent) or sent without an answer (`Unknown`). Resolve each by
/// querying the exchange with its client order id before trading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    pub request: OrderRequest,
    pub status: OrderStatus,
    pub created_ms: Millis,
    /// When the request was about to leave; `None`: never sent.
    pub sent_ms: Option<Millis>,
}

/// What [`Journal::record_execution`] changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recorded {
    /// The order moved forward (or was adopted).
    pub order_changed: bool,
    /// The order was not in the journal (placed elsewhere) and was added.
    pub adopted: bool,
    /// The report carried a fill not seen before.
    pub new_fill: bool,
}

/// Which orders [`Journal::orders`] returns, newest first.
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    pub symbol: Option<String>,
    /// Empty: any status.
    pub statuses: Vec<OrderStatus>,
    /// Updated at or after this time.
    pub since_ms: Option<Millis>,
    pub limit: Option<u32>,
}

/// Which fills [`Journal::fills`] returns, oldest first (the order the
/// portfolio folds them in); `limit` keeps the newest.
#[derive(Clone, Debug, Default)]
pub struct FillFilter {
    pub symbol: Option<String>,
    pub client_order_id: Option<String>,
    pub since_ms: Option<Millis>,
    pub limit: Option<u32>,
}

const WORKING: [OrderStatus; 3] = [
    OrderStatus::New,
    OrderStatus::PartiallyFilled,
    OrderStatus::PendingCancel,
];

fn load(tx: &Transaction<'_>, cid: &str) -> rusqlite::Result<Option<Order>> {
    tx.query_row(
        &format!(
            "SELECT {} FROM orders WHERE client_order_id = ?1",
            codec::ORDER_COLS
        ),
        [cid],
        codec::order_row,
    )
    .optional()
}

/// Inserts or overwrites the row of `o` (callers have applied the
/// forward-only rules). `intent_id` and an existing `note` are kept.
fn store(
    tx: &Transaction<'_>,
    o: &Order,
    intent: bool,
    note: Option<&str>,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO orders (client_order_id, intent_id, exchange_id, symbol, side, kind, tif,
             price, stop_price, qty, quote_qty, status, executed_qty, cum_quote, note, updated_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT (client_order_id) DO UPDATE SET
             exchange_id = excluded.exchange_id, price = excluded.price,
             stop_price = excluded.stop_price, qty = excluded.qty, quote_qty = excluded.quote_qty,
             status = excluded.status, executed_qty = excluded.executed_qty,
             cum_quote = excluded.cum_quote, note = COALESCE(excluded.note, note),
             updated_ms = excluded.updated_ms",
    )?
    .execute(rusqlite::params![
        o.client_order_id,
        intent.then_some(&o.client_order_id),
        o.exchange_id,
        o.symbol,
        o.side.as_str(),
        o.kind.as_str(),
        tif_text(o.tif),
        opt_dec_text(o.price),
        opt_dec_text(o.stop_price),
        opt_dec_text(o.qty),
        opt_dec_text(o.quote_qty),
        status_text(o.status),
        dec_text(o.executed_qty),
        dec_text(o.cum_quote),
        note,
        o.updated_ms,
    ])?;
    Ok(())
}

/// Applies `r` to the stored order `cid`; `None` if it is not stored.
fn apply(
    tx: &Transaction<'_>,
    cid: &str,
    r: &Report,
    note: Option<&str>,
) -> rusqlite::Result<Option<bool>> {
    let Some(mut o) = load(tx, cid)? else {
        return Ok(None);
    };
    let changed = o.apply(r);
    if changed {
        store(tx, &o, false, note)?;
    }
    Ok(Some(changed))
}

fn insert_fill(tx: &Transaction<'_>, f: &Fill) -> rusqlite::Result<bool> {
    let n = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO fills (symbol, trade_id, order_id, client_order_id, side,
                 price, qty, quote_qty, commission, commission_asset, is_maker, time_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(rusqlite::params![
            f.symbol,
            f.trade_id,
            f.order_id,
            f.client_order_id,
            f.side.as_str(),
            dec_text(f.price),
            dec_text(f.qty),
            dec_text(f.quote_qty),
            dec_text(f.commission),
            f.commission_asset,
            f.is_maker,
            f.time,
        ])?;
    Ok(n == 1)
}

fn report_of(o: &Order) -> Report {
    o.as_report()
}

/// The order an execution report describes, for adopting one we did not
/// place (zero prices and quantities are Binance's "none").
fn order_of(r: &ExecutionReport, cid: &str) -> Order {
    let nz = |d: rust_decimal::Decimal| (!d.is_zero()).then_some(d);
    Order {
        client_order_id: cid.to_string(),
        exchange_id: Some(r.order_id),
        symbol: r.symbol.clone(),
        side: r.side,
        kind: r.kind,
        tif: r.tif,
        price: nz(r.price),
        stop_price: nz(r.stop_price),
        qty: nz(r.qty),
        quote_qty: nz(r.quote_qty),
        status: r.status,
        executed_qty: r.cum_qty,
        cum_quote: r.cum_quote,
        updated_ms: r.transact_time.max(r.event_time),
    }
}

impl Journal {
    fn write_tx(&mut self) -> rusqlite::Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
    }

    /// Journals `req` as an intent (and its order row, status `Intent`)
    /// BEFORE the request is sent. Idempotent per client order id: returns
    /// false and changes nothing if it is already journaled.
    pub fn record_intent(
        &mut self,
        req: &OrderRequest,
        now_ms: Millis,
    ) -> Result<bool, JournalError> {
        let tx = self.write_tx()?;
        let new =
            tx.prepare_cached(
                "INSERT OR IGNORE INTO intents (client_order_id, symbol, side, kind, tif, price,
                     stop_price, qty, quote_qty, tag, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(rusqlite::params![
                req.client_order_id,
                req.symbol,
                req.side.as_str(),
                req.kind.as_str(),
                tif_text(req.tif),
                opt_dec_text(req.price),
                opt_dec_text(req.stop_price),
                opt_dec_text(req.qty),
                opt_dec_text(req.quote_qty),
                req.tag,
                now_ms,
            ])? == 1;
        if new {
            let order = Order::intent(req, now_ms);
            store(&tx, &order, true, None)?;
        }
        tx.commit()?;
        Ok(new)
    }

    /// The request is about to leave: `Intent` -> `Unknown` until the
    /// exchange answers. Returns whether anything changed.
    pub fn mark_sent(
        &mut self,
        client_order_id: &str,
        now_ms: Millis,
    ) -> Result<bool, JournalError> {
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE intents SET sent_ms = COALESCE(sent_ms, ?2) WHERE client_order_id = ?1",
            (client_order_id, now_ms),
        )?;
        if n == 0 {
            return Err(JournalError::UnknownOrder(client_order_id.into()));
        }
        let r = Report {
            status: OrderStatus::Unknown,
            exchange_id: None,
            executed_qty: Default::default(),
            cum_quote: Default::default(),
            time_ms: now_ms,
        };
        let changed = apply(&tx, client_order_id, &r, None)?.unwrap_or(false);
        tx.commit()?;
        Ok(changed)
    }

    /// A definite rejection (e.g. -1013, -2010), or an order the exchange
    /// conclusively does not have (not found after its recvWindow passed).
    /// Never for timeouts or 5xx: those stay `Unknown`.
    pub fn mark_rejected(
        &mut self,
        client_order_id: &str,
        reason: &str,
        now_ms: Millis,
    ) -> Result<bool, JournalError> {
        let tx = self.write_tx()?;
        let r = Report {
            status: OrderStatus::Rejected,
            exchange_id: None,
            executed_qty: Default::default(),
            cum_quote: Default::default(),
            time_ms: now_ms,
        };
        let changed = apply(&tx, client_order_id, &r, Some(reason))?
            .ok_or_else(|| JournalError::UnknownOrder(client_order_id.into()))?;
        tx.commit()?;
        Ok(changed)
    }

    /// Stores what a venue reported about an order (REST query, order
    /// response, open-orders listing). A known order only moves forward;
    /// an unknown one is adopted (placed outside tradeterm, or before the
    /// journal existed) unless its status is a client-side one.
    pub fn upsert_order(&mut self, order: &Order) -> Result<bool, JournalError> {
        let tx = self.write_tx()?;
        let changed = match apply(&tx, &order.client_order_id, &report_of(order), None)? {
            Some(changed) => changed,
            None if matches!(order.status, OrderStatus::Intent | OrderStatus::Unknown) => {
                return Err(JournalError::UnknownOrder(order.client_order_id.clone()));
            }
            None => {
                store(&tx, order, false, None)?;
                tracing::info!(cid = %order.client_order_id, "journal: adopted an order");
                true
            }
        };
        tx.commit()?;
        Ok(changed)
    }

    /// One execution report: the order update and its fill (if a trade) in
    /// one transaction, so a crash never keeps one without the other.
    pub fn record_execution(&mut self, rep: &ExecutionReport) -> Result<Recorded, JournalError> {
        // On a cancel, `c` is the cancel request's id and `C` the order's.
        let cid = rep
            .orig_client_order_id
            .as_deref()
            .filter(|c| !c.is_empty())
            .unwrap_or(&rep.client_order_id)
            .to_string();
        let order = order_of(rep, &cid);
        let note = (rep.status == OrderStatus::Rejected && !rep.reject_reason.is_empty())
            .then_some(rep.reject_reason.as_str());
        let tx = self.write_tx()?;
        let mut out = Recorded::default();
        match apply(&tx, &cid, &report_of(&order), note)? {
            Some(changed) => out.order_changed = changed,
            None => {
                store(&tx, &order, false, note)?;
                out.order_changed = true;
                out.adopted = true;
            }
        }
        if let Some(mut fill) = rep.fill() {
            fill.client_order_id = cid;
            out.new_fill = insert_fill(&tx, &fill)?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// Stores a fill (e.g. from `myTrades` after a disconnect); false if
    /// `(symbol, trade_id)` is already journaled.
    pub fn insert_fill(&mut self, fill: &Fill) -> Result<bool, JournalError> {
        let tx = self.write_tx()?;
        let new = insert_fill(&tx, fill)?;
        tx.commit()?;
        Ok(new)
    }

    pub fn order(&self, client_order_id: &str) -> Result<Option<Order>, JournalError> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {} FROM orders WHERE client_order_id = ?1",
                    codec::ORDER_COLS
                ),
                [client_order_id],
                codec::order_row,
            )
            .optional()?)
    }

    /// Why an order was rejected or how its unknown outcome was resolved.
    pub fn order_note(&self, client_order_id: &str) -> Result<Option<String>, JournalError> {
        Ok(self
            .conn
            .query_row(
                "SELECT note FROM orders WHERE client_order_id = ?1",
                [client_order_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Our orders with no exchange status yet (`Intent` or `Unknown`),
    /// oldest first: resolve each against the exchange at start.
    pub fn unresolved_intents(&self) -> Result<Vec<Unresolved>, JournalError> {
        let cols: Vec<String> = codec::INTENT_COLS
            .split(',')
            .map(|c| format!("i.{}", c.trim()))
            .collect();
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {}, o.status, i.created_ms, i.sent_ms
             FROM intents i JOIN orders o ON o.intent_id = i.client_order_id
             WHERE o.status IN ('INTENT', 'UNKNOWN')
             ORDER BY i.created_ms, i.client_order_id",
            cols.join(", ")
        ))?;
        let rows = st.query_map([], |r| {
            Ok(Unresolved {
                request: codec::request_row(r)?,
                status: codec::status(r, 10)?,
                created_ms: r.get(11)?,
                sent_ms: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Orders working at the exchange (NEW, PARTIALLY_FILLED,
    /// PENDING_CANCEL), newest first.
    pub fn open_orders(&self) -> Result<Vec<Order>, JournalError> {
        self.orders(&OrderFilter {
            statuses: WORKING.to_vec(),
            ..Default::default()
        })
    }

    pub fn orders(&self, f: &OrderFilter) -> Result<Vec<Order>, JournalError> {
        let mut sql = format!("SELECT {} FROM orders WHERE 1 = 1", codec::ORDER_COLS);
        let mut args: Vec<Value> = Vec::new();
        if let Some(s) = &f.symbol {
            args.push(Value::Text(s.clone()));
            sql += &format!(" AND symbol = ?{}", args.len());
        }
        if !f.statuses.is_empty() {
            let mut marks = Vec::new();
            for s in &f.statuses {
                args.push(Value::Text(status_text(*s).into()));
                marks.push(format!("?{}", args.len()));
            }
            sql += &format!(" AND status IN ({})", marks.join(", "));
        }
        if let Some(t) = f.since_ms {
            args.push(Value::Integer(t));
            sql += &format!(" AND updated_ms >= ?{}", args.len());
        }
        sql += " ORDER BY updated_ms DESC, client_order_id DESC";
        if let Some(n) = f.limit {
            sql += &format!(" LIMIT {n}");
        }
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map(params_from_iter(args), codec::order_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn fills(&self, f: &FillFilter) -> Result<Vec<Fill>, JournalError> {
        let mut sql = format!("SELECT {}, id FROM fills WHERE 1 = 1", codec::FILL_COLS);
        let mut args: Vec<Value> = Vec::new();
        if let Some(s) = &f.symbol {
            args.push(Value::Text(s.clone()));
            sql += &format!(" AND symbol = ?{}", args.len());
        }
        if let Some(c) = &f.client_order_id {
            args.push(Value::Text(c.clone()));
            sql += &format!(" AND client_order_id = ?{}", args.len());
        }
        if let Some(t) = f.since_ms {
            args.push(Value::Integer(t));
            sql += &format!(" AND time_ms >= ?{}", args.len());
        }
        let sql = match f.limit {
            Some(n) => format!(
                "SELECT * FROM ({sql} ORDER BY time_ms DESC, id DESC LIMIT {n}) \
                 ORDER BY time_ms, id"
            ),
            None => sql + " ORDER BY time_ms, id",
        };
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map(params_from_iter(args), codec::fill_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
