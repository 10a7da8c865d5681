//! Signed REST (TRADE / USER_DATA) over [`RestClient`]'s gate.
//!
//! Every request is built once with [`sign::query_string`], signed, and
//! sent byte for byte with `&signature=` last (reqwest never re-encodes
//! it). Timestamps are the local clock plus the offset to `/api/v3/time`,
//! measured at the round trip's midpoint at start-up and again every
//! `resync_every`. A `-1021` (timestamp outside recvWindow) re-measures the
//! offset once and retries that one request once: Binance rejects such a
//! request before the matching engine, so the retry cannot duplicate it.
//!
//! Errors keep "definitely not executed" and "outcome unknown" apart: a
//! timeout, a 5xx, `-1006`/`-1007` or a connection lost after sending is
//! [`SubmitError::Unknown`] and must be resolved by querying the client
//! order id (docs/binance.md section 10), never by resending.
//!
//! Nothing here logs a query string, a signature or the API key.

mod clock;
mod orders;
mod reconcile;

pub use clock::ClockSync;
pub use orders::{oco_params, order_params};

use super::rest::{RestClient, RestError};
use super::sign;
use super::signer::RequestSigner;
use super::wire_account::{self as wa, AccountInfo, OrderListResponse, OrderResponse, OrderState};
use crate::domain::Millis;
use crate::trading::account::{Balance, Fill, OcoRequest, OrderRequest};
use reqwest::Method;
use rust_decimal::Decimal;
use std::sync::Arc;
use std::time::Duration;

/// How a trading request failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// Binance answered with a definite refusal (4xx with a code, e.g.
    /// -1013 filter failure, -2010 rejected, -2011 unknown order, -1021
    /// after one resync): nothing was executed.
    #[error("Binance rejected the request: {code} {msg}")]
    Rejected { code: i64, msg: String },
    /// The request may or may not have been executed (timeout, 5xx, -1006,
    /// -1007, connection lost after sending, unreadable 2xx body).
    #[error("outcome unknown: {reason}")]
    Unknown { reason: String },
    /// Nothing left this process (rate-limit hold, connection refused,
    /// incomplete order): safe to send again.
    #[error("not sent: {reason}")]
    NotSent { reason: String },
}

impl SubmitError {
    pub fn is_unknown(&self) -> bool {
        matches!(self, SubmitError::Unknown { .. })
    }

    /// Binance's error code of a rejection.
    pub fn code(&self) -> Option<i64> {
        match self {
            SubmitError::Rejected { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// Maps a transport/API error. Codes -1006/-1007 are "unknown" whatever
/// the HTTP status; a 2xx that does not decode is unknown too.
pub fn classify(e: RestError) -> SubmitError {
    let unknown = |reason: String| SubmitError::Unknown { reason };
    match e {
        RestError::Api {
            code: code @ (-1006 | -1007),
            msg,
            status,
        } => unknown(format!("HTTP {status}, Binance {code}: {msg}")),
        RestError::Api { code, msg, .. } => SubmitError::Rejected { code, msg },
        e @ (RestError::Server { .. }
        | RestError::Timeout { .. }
        | RestError::Lost { .. }
        | RestError::Decode(_)) => unknown(e.to_string()),
        e @ RestError::RateLimited { .. } => SubmitError::Rejected {
            code: -1003,
            msg: e.to_string(),
        },
        e @ RestError::Http { status, .. } if status < 500 => SubmitError::Rejected {
            code: 0,
            msg: e.to_string(),
        },
        e @ RestError::Http { .. } => unknown(e.to_string()),
        e @ (RestError::Unreachable { .. } | RestError::Backoff { .. }) => SubmitError::NotSent {
            reason: e.to_string(),
        },
    }
}

/// Settings of the signed client.
#[derive(Clone, Debug)]
pub struct SignedSettings {
    /// `recvWindow` sent with every request (Binance default 5000, max 60000).
    pub recv_window_ms: u64,
    /// Re-measure the clock offset this often.
    pub resync_every: Duration,
}

impl Default for SignedSettings {
    fn default() -> Self {
        SignedSettings {
            recv_window_ms: 5000,
            resync_every: Duration::from_secs(600),
        }
    }
}

/// How to name an order in a cancel or query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderKey {
    Exchange(i64),
    Client(String),
}

/// Open orders, balances, fee rates and recent fills, fetched after every
/// (re)connect of the user stream before trading resumes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconciliation {
    pub open_orders: Vec<OrderState>,
    pub balances: Vec<Balance>,
    /// Newest fills of the symbols, each named with its order's client
    /// order id where the order could be found (myTrades has only orderId).
    pub recent_trades: Vec<Fill>,
    /// Orders of those fills that were not open (filled or cancelled while
    /// nobody listened), as the exchange reports them now.
    pub closed_orders: Vec<OrderState>,
    /// The account's `(maker, taker)` commission rates.
    pub fees: Option<(Decimal, Decimal)>,
}

/// A signed Binance REST client (cheap to clone).
#[derive(Clone)]
pub struct SignedClient {
    rest: RestClient,
    signer: Arc<RequestSigner>,
    clock: Arc<ClockSync>,
    recv_window: u64,
}

impl std::fmt::Debug for SignedClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedClient")
            .field("host", &self.rest.host())
            .field("signer", &self.signer)
            .field("recv_window", &self.recv_window)
            .finish_non_exhaustive()
    }
}

impl SignedClient {
    pub fn new(rest: RestClient, signer: RequestSigner, settings: SignedSettings) -> Self {
        SignedClient {
            rest,
            signer: Arc::new(signer),
            clock: Arc::new(ClockSync::new(settings.resync_every)),
            recv_window: settings.recv_window_ms.min(60_000),
        }
    }

    pub fn rest(&self) -> &RestClient {
        &self.rest
    }

    pub fn signer(&self) -> &Arc<RequestSigner> {
        &self.signer
    }

    pub fn clock(&self) -> &Arc<ClockSync> {
        &self.clock
    }

    pub fn recv_window_ms(&self) -> u64 {
        self.recv_window
    }

    /// Measures the clock offset now (call at start-up).
    pub async fn sync_clock(&self) -> Result<i64, RestError> {
        self.clock.sync(&self.rest).await
    }

    /// Sends one signed request; one -1021 re-syncs the clock and retries
    /// once.
    async fn signed(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<String, RestError> {
        if self.clock.due() {
            if let Err(e) = self.clock.sync(&self.rest).await {
                tracing::warn!(error = %e, "cannot measure the server clock offset");
            }
        }
        let mut retried = false;
        loop {
            let mut p: Vec<(&str, String)> = params.to_vec();
            p.push(("recvWindow", self.recv_window.to_string()));
            p.push(("timestamp", self.clock.now_ms().to_string()));
            let query = sign::query_string(&p);
            let signature = self.signer.sign_rest(&query);
            let full = format!("{query}&signature={signature}");
            tracing::debug!(method = %method, path, "signed request");
            match self
                .rest
                .send(method.clone(), path, &full, Some(self.signer.api_key()))
                .await
            {
                Err(RestError::Api { code: -1021, .. }) if !retried => {
                    retried = true;
                    tracing::warn!(
                        path,
                        "timestamp outside recvWindow (-1021): re-measuring the clock once"
                    );
                    if let Err(e) = self.clock.sync(&self.rest).await {
                        tracing::warn!(error = %e, "clock re-sync failed");
                    }
                }
                r => return r,
            }
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<String, SubmitError> {
        self.signed(method, path, params).await.map_err(classify)
    }

    /// Decodes a 2xx body; a body that does not decode leaves the outcome
    /// unknown.
    fn decode<T>(r: Result<T, super::wire::WireError>) -> Result<T, SubmitError> {
        r.map_err(|e| SubmitError::Unknown {
            reason: e.to_string(),
        })
    }

    /// `POST /api/v3/order` (FULL response).
    pub async fn place(&self, o: &OrderRequest) -> Result<OrderResponse, SubmitError> {
        let p = order_params(o)?;
        let body = self.call(Method::POST, "/api/v3/order", &p).await?;
        Self::decode(wa::parse_order_response(&body))
    }

    /// `POST /api/v3/order/test`: validated by Binance, never executed.
    pub async fn test_order(&self, o: &OrderRequest) -> Result<(), SubmitError> {
        let p = order_params(o)?;
        self.call(Method::POST, "/api/v3/order/test", &p)
            .await
            .map(|_| ())
    }

    /// `POST /api/v3/orderList/oco`.
    pub async fn place_oco(&self, o: &OcoRequest) -> Result<OrderListResponse, SubmitError> {
        let body = self
            .call(Method::POST, "/api/v3/orderList/oco", &oco_params(o))
            .await?;
        Self::decode(wa::parse_order_list(&body))
    }

    fn key_params(
        symbol: &str,
        key: &OrderKey,
        client_key: &'static str,
    ) -> Vec<(&'static str, String)> {
        let mut p = vec![("symbol", symbol.to_string())];
        match key {
            OrderKey::Exchange(id) => p.push(("orderId", id.to_string())),
            OrderKey::Client(c) => p.push((client_key, c.clone())),
        }
        p
    }

    /// `DELETE /api/v3/order`.
    pub async fn cancel(&self, symbol: &str, key: &OrderKey) -> Result<OrderState, SubmitError> {
        let p = Self::key_params(symbol, key, "origClientOrderId");
        let body = self.call(Method::DELETE, "/api/v3/order", &p).await?;
        Self::decode(wa::parse_order(&body))
    }

    /// `DELETE /api/v3/openOrders` for one symbol.
    pub async fn cancel_all(&self, symbol: &str) -> Result<Vec<OrderState>, SubmitError> {
        let p = [("symbol", symbol.to_string())];
        let body = self.call(Method::DELETE, "/api/v3/openOrders", &p).await?;
        Self::decode(wa::parse_orders(&body))
    }

    /// `GET /api/v3/order`; `Ok(None)` on -2013 (not found *now*: only
    /// conclusive once timestamp + recvWindow has passed, section 10).
    pub async fn query_order(
        &self,
        symbol: &str,
        key: &OrderKey,
    ) -> Result<Option<OrderState>, SubmitError> {
        let p = Self::key_params(symbol, key, "origClientOrderId");
        match self.call(Method::GET, "/api/v3/order", &p).await {
            Ok(body) => Self::decode(wa::parse_order(&body)).map(Some),
            Err(SubmitError::Rejected { code: -2013, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET /api/v3/openOrders` (all symbols when `None`).
    pub async fn open_orders(&self, symbol: Option<&str>) -> Result<Vec<OrderState>, SubmitError> {
        let p: Vec<(&str, String)> = symbol
            .map(|s| ("symbol", s.to_string()))
            .into_iter()
            .collect();
        let body = self.call(Method::GET, "/api/v3/openOrders", &p).await?;
        Self::decode(wa::parse_orders(&body))
    }

    /// `GET /api/v3/allOrders` (newest 500, or from `start_time`).
    pub async fn all_orders(
        &self,
        symbol: &str,
        start_time: Option<Millis>,
    ) -> Result<Vec<OrderState>, SubmitError> {
        let mut p = vec![("symbol", symbol.to_string())];
        if let Some(t) = start_time {
            p.push(("startTime", t.to_string()));
        }
        let body = self.call(Method::GET, "/api/v3/allOrders", &p).await?;
        Self::decode(wa::parse_orders(&body))
    }

    /// `GET /api/v3/account`.
    pub async fn account(&self) -> Result<AccountInfo, SubmitError> {
        let body = self.call(Method::GET, "/api/v3/account", &[]).await?;
        Self::decode(wa::parse_account(&body))
    }

    /// `GET /api/v3/myTrades`: from a trade id, from a time, or the newest.
    pub async fn my_trades(
        &self,
        symbol: &str,
        from_id: Option<i64>,
        start_time: Option<Millis>,
    ) -> Result<Vec<Fill>, SubmitError> {
        let mut p = vec![
            ("symbol", symbol.to_string()),
            ("limit", "1000".to_string()),
        ];
        if let Some(f) = from_id {
            p.push(("fromId", f.to_string()));
        }
        if let Some(t) = start_time {
            p.push(("startTime", t.to_string()));
        }
        let body = self.call(Method::GET, "/api/v3/myTrades", &p).await?;
        Self::decode(wa::parse_my_trades(&body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Side;
    use crate::trading::order::OrderType;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn req(kind: OrderType) -> OrderRequest {
        OrderRequest {
            client_order_id: "tt-man-1".into(),
            symbol: "BTCUSDT".into(),
            side: Side::Buy,
            kind,
            tif: None,
            price: Some(d("60000.10")),
            stop_price: Some(d("59000")),
            qty: Some(d("0.00100")),
            quote_qty: None,
            tag: "man".into(),
        }
    }

    #[test]
    fn order_params_follow_binance_rules() {
        let q = |o: &OrderRequest| sign::query_string(&order_params(o).unwrap());
        assert_eq!(
            q(&req(OrderType::Limit)),
            "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=60000.1&newClientOrderId=tt-man-1&newOrderRespType=FULL"
        );
        let mut m = req(OrderType::Market);
        m.qty = None;
        m.quote_qty = Some(d("100"));
        assert!(q(&m).contains("type=MARKET&quoteOrderQty=100&newClientOrderId"));
        assert!(q(&req(OrderType::StopLossLimit)).contains("&stopPrice=59000&"));
        assert!(!q(&req(OrderType::LimitMaker)).contains("timeInForce"));
        m.quote_qty = None;
        assert!(matches!(order_params(&m), Err(SubmitError::NotSent { .. })));
    }

    #[test]
    fn unknown_is_never_mapped_to_rejected() {
        let api = |status, code| RestError::Api {
            status,
            code,
            msg: "m".into(),
        };
        assert!(classify(api(408, -1007)).is_unknown());
        assert!(classify(api(400, -1006)).is_unknown());
        assert!(classify(RestError::Server {
            status: 503,
            body: None
        })
        .is_unknown());
        assert!(classify(RestError::Timeout {
            host: "h".into(),
            secs: 1
        })
        .is_unknown());
        assert!(classify(RestError::Lost {
            host: "h".into(),
            reason: "r".into()
        })
        .is_unknown());
        assert_eq!(classify(api(400, -1013)).code(), Some(-1013));
        assert_eq!(classify(api(400, -2010)).code(), Some(-2010));
        assert!(matches!(
            classify(RestError::Unreachable {
                host: "h".into(),
                reason: "refused".into()
            }),
            SubmitError::NotSent { .. }
        ));
    }
}
