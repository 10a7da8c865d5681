//! The market engine's REST side: exchange info, clock, klines/ticker
//! history and depth snapshots are fetched off the loop, their replies
//! handled here, and failed steps retried on a timer with backoff.

use super::{Engine, Reply};
use crate::domain::{DepthSnapshot, Kline};
use crate::exchange::rest::{now_ms, RestError};
use crate::market::book_sync::SnapshotOutcome;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

impl Engine {
    pub(super) fn spawn_rest<F>(&self, fut: F)
    where
        F: std::future::Future<Output = Reply> + Send + 'static,
    {
        let tx = self.replies.clone();
        tokio::spawn(async move {
            let _ = tx.send(fut.await).await;
        });
    }

    pub(super) fn fetch_info(&mut self) {
        self.retry_info_at = None;
        let rest = self.rest.clone();
        self.spawn_rest(async move { Reply::Info(rest.exchange_info(None).await) });
    }

    pub(super) fn fetch_clock(&self) {
        let rest = self.rest.clone();
        self.spawn_rest(async move { Reply::Clock(rest.clock_offset().await) });
    }

    /// Klines and the 24 h ticker for the current symbol.
    pub(super) fn fetch_history(&self) {
        let (rest, sym, gen, iv, n) = (
            self.rest.clone(),
            self.market.symbol.clone(),
            self.gen,
            self.market.candles.interval,
            self.s.klines_history,
        );
        let rest2 = rest.clone();
        let sym2 = sym.clone();
        self.spawn_rest(async move { Reply::Klines(gen, iv, rest.klines(&sym, iv, n).await) });
        self.spawn_rest(async move { Reply::Ticker(gen, rest2.ticker_24h(&sym2).await) });
    }

    pub(super) fn fetch_snapshot(&mut self) {
        if self.snapshot_inflight {
            return;
        }
        self.snapshot_inflight = true;
        self.snapshots_fetched += 1;
        self.retry_snapshot_at = None;
        let (rest, sym, gen, limit) = (
            self.rest.clone(),
            self.market.symbol.clone(),
            self.gen,
            self.s.snapshot_limit,
        );
        tracing::debug!(symbol = %sym, limit, "fetching depth snapshot");
        self.spawn_rest(async move { Reply::Snapshot(gen, rest.depth(&sym, limit).await) });
    }

    pub(super) fn on_retry_timer(&mut self) {
        let now = Instant::now();
        if self.retry_info_at.is_some_and(|t| t <= now) {
            self.fetch_info();
            self.fetch_history();
        }
        if self.retry_snapshot_at.is_some_and(|t| t <= now) {
            self.retry_snapshot_at = None;
            if self.market.sync.awaiting_snapshot() {
                self.fetch_snapshot();
            }
        }
    }

    /// Delay before retrying a failed REST step: the server's Retry-After
    /// when given, else a doubling backoff.
    pub(super) fn rest_delay(err: &RestError, attempts: u32) -> Duration {
        match err.retry_hint_secs() {
            Some(s) => Duration::from_secs(s.max(1)),
            None => Duration::from_millis((500u64 << attempts.min(6)).min(30_000)),
        }
    }

    pub(super) fn note_rest_error(&mut self, what: &str, err: &RestError, retry: Duration) {
        let msg = format!("{err}, retrying in {}s", retry.as_secs_f64().ceil() as u64);
        tracing::warn!("{what}: {msg}");
        self.last_rest_error = Some(msg);
        self.dirty = true;
    }

    pub(super) fn on_reply(&mut self, r: Reply) {
        self.dirty = true;
        match r {
            Reply::Info(Ok(info)) => {
                self.info_attempts = 0;
                self.last_rest_error = None;
                self.weight_limit = info
                    .rate_limits
                    .iter()
                    .find(|l| {
                        l.rate_limit_type == "REQUEST_WEIGHT"
                            && l.interval == "MINUTE"
                            && l.interval_num == 1
                    })
                    .map(|l| l.limit as u32);
                let mut syms: Vec<String> = info
                    .symbols
                    .iter()
                    .filter(|s| s.status == "TRADING")
                    .map(|s| crate::text::sanitize(&s.symbol))
                    .collect();
                syms.sort();
                self.symbols = Arc::new(syms);
                self.infos = info.symbols;
                self.attach_info();
                tracing::info!(symbols = self.symbols.len(), "exchange info loaded");
                if let Some(t) = self.trading.as_mut() {
                    t.on_symbols(&self.infos);
                    t.reconcile(&self.market, now_ms());
                }
            }
            Reply::Info(Err(err)) => {
                self.info_attempts += 1;
                let d = Self::rest_delay(&err, self.info_attempts);
                self.note_rest_error("exchange info", &err, d);
                self.retry_info_at = Some(Instant::now() + d);
            }
            Reply::Snapshot(gen, res) => {
                self.snapshot_inflight = false;
                if gen != self.gen {
                    // For an old symbol; the current one may need its own.
                    if self.market.sync.awaiting_snapshot() {
                        self.fetch_snapshot();
                    }
                    return;
                }
                match res {
                    Ok(snap) => {
                        self.snapshot_attempts = 0;
                        self.on_snapshot(snap);
                    }
                    Err(err) => {
                        self.snapshot_attempts += 1;
                        let d = Self::rest_delay(&err, self.snapshot_attempts);
                        self.note_rest_error("depth snapshot", &err, d);
                        self.retry_snapshot_at = Some(Instant::now() + d);
                    }
                }
            }
            Reply::Klines(gen, iv, res) => {
                if gen != self.gen || iv != self.market.candles.interval {
                    return;
                }
                match res {
                    Ok(mut k) => {
                        // The newest REST kline is the open one.
                        if let Some(last) = k.last_mut() {
                            last.closed = last.close_time < now_ms();
                        }
                        // Keep stream updates that arrived meanwhile.
                        let live: Vec<Kline> = self.market.candles.klines().to_vec();
                        self.market.candles.seed(k);
                        for kl in live {
                            self.market.candles.update(kl);
                        }
                    }
                    Err(err) => {
                        let d = Self::rest_delay(&err, 1);
                        self.note_rest_error("klines", &err, d);
                        self.retry_info_at.get_or_insert(Instant::now() + d);
                    }
                }
            }
            Reply::Ticker(gen, res) => {
                if gen != self.gen {
                    return;
                }
                match res {
                    Ok(t) if self.market.ticker.is_none() => self.market.on_ticker(t),
                    Ok(_) => {}
                    Err(err) => tracing::debug!(error = %err, "24h ticker"),
                }
            }
            Reply::Clock(Ok(off)) => {
                self.clock_offset_ms = Some(off);
                if off.abs() > 1000 {
                    tracing::warn!(
                        offset_ms = off,
                        "local clock differs from the exchange by more than 1s"
                    );
                }
            }
            Reply::Clock(Err(err)) => tracing::debug!(error = %err, "server time"),
            Reply::ExtraSnapshot(sym, res) => self.on_extra_snapshot(sym, res),
            Reply::StrategyHistory(id, res) => match res {
                Ok(k) => self.strategies.warm_up(id, &k, now_ms()),
                Err(e) => {
                    tracing::warn!(id, error = %e, "no kline history for the strategy; it warms up live")
                }
            },
        }
    }

    pub(super) fn attach_info(&mut self) {
        let info = self
            .infos
            .iter()
            .find(|i| i.symbol == self.market.symbol)
            .cloned();
        if info.is_none() && !self.infos.is_empty() {
            tracing::error!(symbol = %self.market.symbol, "symbol is not listed by the exchange");
        }
        self.market.info = info;
    }

    pub(super) fn on_snapshot(&mut self, snap: DepthSnapshot) {
        let id = snap.last_update_id;
        match self.market.on_snapshot(&snap) {
            SnapshotOutcome::Synced {
                applied,
                last_update_id,
            } => {
                tracing::info!(symbol = %self.market.symbol, snapshot = id, applied, last_update_id, "order book live");
            }
            SnapshotOutcome::Stale {
                snapshot_id,
                first_buffered,
            } => {
                tracing::info!(
                    snapshot_id,
                    first_buffered,
                    "snapshot older than the buffered stream; fetching again"
                );
                if first_buffered > 0 {
                    self.fetch_snapshot();
                }
            }
            SnapshotOutcome::Resync(reason) => {
                tracing::warn!(%reason, "order book resync while applying buffered events");
                self.fetch_snapshot();
            }
            SnapshotOutcome::Unexpected => {}
        }
    }
}
