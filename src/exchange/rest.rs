//! Public market-data REST client.
//!
//! Every request passes a shared gate: after a 429 or 418 the gate holds
//! for `Retry-After` seconds and nothing is sent until it passes (Binance
//! escalates repeated offenders from a 2-minute to a 3-day IP ban). The
//! `X-MBX-USED-WEIGHT-1M` header of every response is recorded.

use super::wire::{self, ApiError, ExchangeInfo, WireError};
use crate::domain::{DepthSnapshot, Interval, Kline, Millis, Ticker24h};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Why a REST call produced no data.
#[derive(Debug, thiserror::Error)]
pub enum RestError {
    /// DNS, connect, TLS or I/O failure before a response.
    #[error("cannot reach {host}: {reason}")]
    Unreachable { host: String, reason: String },
    #[error("{host} did not answer within {secs}s")]
    Timeout { host: String, secs: u64 },
    /// The connection failed after the request may have been sent (only
    /// reported for signed requests, whose outcome is then unknown).
    #[error("connection to {host} lost before the answer: {reason}")]
    Lost { host: String, reason: String },
    /// Binance refused the request (4xx with a code and message).
    #[error("Binance error {code}: {msg} (HTTP {status})")]
    Api { status: u16, code: i64, msg: String },
    /// 429 (rate limit) or 418 (IP ban): nothing is sent for `retry_after`.
    #[error("{}: retry after {retry_after_secs}s", if *status == 418 { "IP banned by Binance (HTTP 418)" } else { "rate limited by Binance (HTTP 429)" })]
    RateLimited { status: u16, retry_after_secs: u64 },
    /// Refused locally because a 429/418 back-off is still running.
    #[error("holding requests for another {remaining_secs}s after a rate limit")]
    Backoff { remaining_secs: u64 },
    /// 5xx: Binance-side failure.
    #[error("server error HTTP {status}{}", body.as_ref().map(|b| format!(": {b}")).unwrap_or_default())]
    Server { status: u16, body: Option<String> },
    #[error("unexpected HTTP {status} from {host}")]
    Http { host: String, status: u16 },
    #[error(transparent)]
    Decode(#[from] WireError),
}

impl RestError {
    /// Seconds the caller should wait before trying again.
    pub fn retry_hint_secs(&self) -> Option<u64> {
        match self {
            RestError::RateLimited {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            RestError::Backoff { remaining_secs } => Some(*remaining_secs),
            _ => None,
        }
    }
}

#[derive(Debug, Default)]
struct Gate {
    blocked_until: Option<Instant>,
    used_weight_1m: Option<u32>,
}

/// A cheap-to-clone client for one REST base URL.
#[derive(Clone)]
pub struct RestClient {
    http: reqwest::Client,
    base: String,
    host: String,
    timeout: Duration,
    gate: Arc<Mutex<Gate>>,
}

/// Host (and port) of a URL, for messages.
pub fn host_of(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    rest.split('/').next().unwrap_or(rest).to_string()
}

/// The innermost cause of a transport error, which is the useful part
/// ("Connection refused", "failed to lookup address information").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    let s = cur.to_string();
    // Keep messages one line and short.
    s.lines().next().unwrap_or("").chars().take(120).collect()
}

impl RestClient {
    pub fn new(base: &str, connect_timeout: Duration, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .user_agent(concat!("tradeterm/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("HTTP client builds with static settings");
        RestClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            host: host_of(base),
            timeout,
            gate: Arc::new(Mutex::new(Gate::default())),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// The per-request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Last `X-MBX-USED-WEIGHT-1M` seen.
    pub fn used_weight(&self) -> Option<u32> {
        self.gate
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .used_weight_1m
    }

    /// Remaining 429/418 back-off, if any.
    pub fn backoff_remaining(&self) -> Option<Duration> {
        let g = self.gate.lock().unwrap_or_else(|e| e.into_inner());
        g.blocked_until
            .and_then(|t| t.checked_duration_since(Instant::now()))
            .filter(|d| !d.is_zero())
    }

    /// GET `path?query` and return the body of a 2xx response.
    pub async fn get(&self, path: &str, query: &str) -> Result<String, RestError> {
        self.send(reqwest::Method::GET, path, query, None).await
    }

    /// Sends `method path?query` through the same gate, with the
    /// `X-MBX-APIKEY` header when given. `query` is sent byte for byte (a
    /// signed query must not be re-encoded). A transport failure other than
    /// connecting is `Lost` for keyed requests: the request may have arrived.
    pub(crate) async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &str,
        api_key: Option<&str>,
    ) -> Result<String, RestError> {
        if let Some(rem) = self.backoff_remaining() {
            return Err(RestError::Backoff {
                remaining_secs: rem.as_secs_f64().ceil() as u64,
            });
        }
        let url = if query.is_empty() {
            format!("{}{}", self.base, path)
        } else {
            format!("{}{}?{}", self.base, path, query)
        };
        let keyed = api_key.is_some();
        let mut rb = self.http.request(method, &url);
        if let Some(k) = api_key {
            rb = rb.header("X-MBX-APIKEY", k);
        }
        let resp = rb.send().await.map_err(|e| {
            if e.is_timeout() {
                RestError::Timeout {
                    host: self.host.clone(),
                    secs: self.timeout.as_secs(),
                }
            } else if keyed && !e.is_connect() {
                RestError::Lost {
                    host: self.host.clone(),
                    reason: root_cause(&e),
                }
            } else {
                RestError::Unreachable {
                    host: self.host.clone(),
                    reason: root_cause(&e),
                }
            }
        })?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        if let Some(w) = headers
            .get("x-mbx-used-weight-1m")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u32>().ok())
        {
            self.gate
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .used_weight_1m = Some(w);
        }
        if status == 429 || status == 418 {
            let secs = headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(if status == 418 { 120 } else { 60 });
            self.gate
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .blocked_until = Some(Instant::now() + Duration::from_secs(secs));
            tracing::warn!(status, retry_after_secs = secs, host = %self.host, "REST rate limit: holding all requests");
            return Err(RestError::RateLimited {
                status,
                retry_after_secs: secs,
            });
        }
        let body = resp.text().await.map_err(|e| {
            if keyed {
                RestError::Lost {
                    host: self.host.clone(),
                    reason: root_cause(&e),
                }
            } else {
                RestError::Unreachable {
                    host: self.host.clone(),
                    reason: root_cause(&e),
                }
            }
        })?;
        match status {
            200..=299 => Ok(body),
            500..=599 => Err(RestError::Server {
                status,
                body: wire::parse_api_error(&body).map(|e| format!("{} {}", e.code, e.msg)),
            }),
            _ => match wire::parse_api_error(&body) {
                Some(ApiError { code, msg }) => Err(RestError::Api { status, code, msg }),
                None => Err(RestError::Http {
                    host: self.host.clone(),
                    status,
                }),
            },
        }
    }

    pub async fn ping(&self) -> Result<(), RestError> {
        self.get("/api/v3/ping", "").await.map(|_| ())
    }

    pub async fn server_time(&self) -> Result<Millis, RestError> {
        Ok(wire::parse_server_time(
            &self.get("/api/v3/time", "").await?,
        )?)
    }

    /// Offset of the server clock from ours (server - local, ms), taken at
    /// the round trip's midpoint.
    pub async fn clock_offset(&self) -> Result<i64, RestError> {
        let t0 = now_ms();
        let server = self.server_time().await?;
        let t1 = now_ms();
        Ok(server - (t0 + t1) / 2)
    }

    /// All symbols, or only `symbol`.
    pub async fn exchange_info(&self, symbol: Option<&str>) -> Result<ExchangeInfo, RestError> {
        let q = symbol.map(|s| format!("symbol={s}")).unwrap_or_default();
        Ok(wire::parse_exchange_info(
            &self.get("/api/v3/exchangeInfo", &q).await?,
        )?)
    }

    pub async fn depth(&self, symbol: &str, limit: u32) -> Result<DepthSnapshot, RestError> {
        let body = self
            .get("/api/v3/depth", &format!("symbol={symbol}&limit={limit}"))
            .await?;
        Ok(wire::parse_depth_snapshot(&body)?)
    }

    pub async fn klines(
        &self,
        symbol: &str,
        interval: Interval,
        limit: u32,
    ) -> Result<Vec<Kline>, RestError> {
        let body = self
            .get(
                "/api/v3/klines",
                &format!("symbol={symbol}&interval={interval}&limit={limit}"),
            )
            .await?;
        Ok(wire::parse_klines(&body)?)
    }

    pub async fn ticker_24h(&self, symbol: &str) -> Result<Ticker24h, RestError> {
        let body = self
            .get("/api/v3/ticker/24hr", &format!("symbol={symbol}"))
            .await?;
        Ok(wire::parse_ticker_24h(&body)?)
    }

    pub async fn book_ticker(&self, symbol: &str) -> Result<crate::domain::BookTicker, RestError> {
        let body = self
            .get("/api/v3/ticker/bookTicker", &format!("symbol={symbol}"))
            .await?;
        Ok(wire::parse_rest_book_ticker(&body)?)
    }
}

/// Local wall clock in ms. The engine is the only caller for live data;
/// strategies get time from the engine.
pub fn now_ms() -> Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_is_extracted_for_messages() {
        assert_eq!(host_of("https://api.binance.com"), "api.binance.com");
        assert_eq!(host_of("http://127.0.0.1:9000/x"), "127.0.0.1:9000");
        assert_eq!(
            host_of("wss://stream.binance.com:9443"),
            "stream.binance.com:9443"
        );
    }
}
