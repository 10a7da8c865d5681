//! Reconciliation after a (re)connect: open orders, the account (balances,
//! commission rates) and the newest fills of the traded symbols.
//!
//! `GET /api/v3/myTrades` carries `orderId` but no client order id, and the
//! journal links fills to orders by client order id. So every recovered
//! fill is named here: from the open orders of the same reconcile, else
//! from `allOrders` of its symbol (one request per symbol, newest 500),
//! else by `GET /api/v3/order?orderId=` (at most [`MAX_QUERIES`] per
//! reconcile, weight 4 each). The orders found that way are returned too,
//! so the engine learns that an order it thought open has filled.

use super::{OrderKey, Reconciliation, SignedClient, SubmitError};
use crate::exchange::wire_account::OrderState;
use crate::trading::account::Fill;
use std::collections::{BTreeSet, HashMap};

/// Single-order lookups per reconcile, for fills older than `allOrders`'
/// newest 500 orders; fills beyond stay unnamed (logged).
const MAX_QUERIES: usize = 20;

/// Client order ids by `(symbol, orderId)`.
type Known = HashMap<(String, i64), String>;

impl SignedClient {
    /// Open orders, balances, fee rates and the newest fills of `symbols`,
    /// each fill named with its order's client order id.
    pub async fn reconcile(&self, symbols: &[String]) -> Result<Reconciliation, SubmitError> {
        let open_orders: Vec<OrderState> = self
            .open_orders(None)
            .await?
            .into_iter()
            .filter(|o| symbols.is_empty() || symbols.contains(&o.symbol))
            .collect();
        let account = self.account().await?;
        let mut recent_trades = Vec::new();
        for s in symbols {
            recent_trades.extend(self.my_trades(s, None, None).await?);
        }
        let closed_orders = self.name_fills(&mut recent_trades, &open_orders).await?;
        Ok(Reconciliation {
            open_orders,
            balances: account.balances,
            recent_trades,
            closed_orders,
            fees: Some((account.maker_rate, account.taker_rate)),
        })
    }

    /// Fills in `client_order_id` of `fills` that lack it; returns the
    /// orders looked up beyond `open`. A lookup Binance refuses (e.g. an
    /// archived order) leaves that fill unnamed; a transport error fails
    /// the reconcile so it is retried.
    async fn name_fills(
        &self,
        fills: &mut [Fill],
        open: &[OrderState],
    ) -> Result<Vec<OrderState>, SubmitError> {
        let mut known: Known = open
            .iter()
            .map(|o| ((o.symbol.clone(), o.order_id), o.order_client_id().into()))
            .collect();
        let missing = |known: &Known| -> BTreeSet<(String, i64)> {
            fills
                .iter()
                .filter(|f| f.client_order_id.is_empty())
                .map(|f| (f.symbol.clone(), f.order_id))
                .filter(|k| !known.contains_key(k))
                .collect()
        };
        let mut closed = Vec::new();
        fn take(o: OrderState, known: &mut Known, closed: &mut Vec<OrderState>) {
            known.insert((o.symbol.clone(), o.order_id), o.order_client_id().into());
            closed.push(o);
        }
        let wanted = missing(&known);
        let by_symbol: BTreeSet<&String> = wanted.iter().map(|(s, _)| s).collect();
        for s in by_symbol {
            match self.all_orders(s, None).await {
                Ok(all) => {
                    for o in all {
                        if wanted.contains(&(o.symbol.clone(), o.order_id)) {
                            take(o, &mut known, &mut closed);
                        }
                    }
                }
                Err(SubmitError::Rejected { code, msg }) => {
                    tracing::warn!(symbol = %s, code, %msg, "allOrders refused while naming fills");
                }
                Err(e) => return Err(e),
            }
        }
        let rest = missing(&known);
        if rest.len() > MAX_QUERIES {
            tracing::warn!(
                unnamed = rest.len() - MAX_QUERIES,
                "fills of old orders left without a client order id"
            );
        }
        for (s, id) in rest.into_iter().take(MAX_QUERIES) {
            match self.query_order(&s, &OrderKey::Exchange(id)).await {
                Ok(Some(o)) => take(o, &mut known, &mut closed),
                Ok(None) => tracing::warn!(symbol = %s, order_id = id, "order of a fill not found"),
                Err(SubmitError::Rejected { code, msg }) => {
                    tracing::warn!(symbol = %s, order_id = id, code, %msg, "order of a fill refused")
                }
                Err(e) => return Err(e),
            }
        }
        for f in fills.iter_mut().filter(|f| f.client_order_id.is_empty()) {
            if let Some(c) = known.get(&(f.symbol.clone(), f.order_id)) {
                f.client_order_id = c.clone();
            }
        }
        Ok(closed)
    }
}
