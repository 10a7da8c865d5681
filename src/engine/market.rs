//! The market engine task: owns [`MarketState`], folds stream events and
//! REST replies into it, drives the book-sync procedure's snapshot fetches,
//! follows symbol/interval commands, and publishes [`View`]s at most `fps`
//! times a second.

use super::view::{ConnState, View};
use super::Command;
use crate::config::{Config, Mode};
use crate::domain::{DepthSnapshot, Interval, Kline, SymbolInfo, Ticker24h};
use crate::exchange::rest::{now_ms, RestClient, RestError};
use crate::exchange::wire::{ExchangeInfo, StreamEvent};
use crate::exchange::ws::{self, StreamSettings, WsCommand, WsEvent};
use crate::market::book_sync::DiffOutcome;
use crate::market::{MarketState, OrderBook};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{sleep_until, Instant};

/// Settings the engine needs, taken from [`Config`].
#[derive(Clone, Debug)]
pub struct EngineSettings {
    pub mode: Mode,
    pub symbol: String,
    pub interval: Interval,
    pub watchlist: Vec<String>,
    pub rest_url: String,
    pub ws_url: String,
    pub snapshot_limit: u32,
    pub klines_history: u32,
    pub fps: u32,
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub time_sync: Duration,
    pub stream: StreamSettings,
    /// Order entry and the account; `None` for a market-data-only engine.
    pub trading: Option<super::trading_setup::TradingSettings>,
    pub strategies: crate::config::StrategiesCfg,
}

impl EngineSettings {
    pub fn from_config(c: &Config) -> Self {
        let ep = c.endpoints();
        let n = &c.network;
        EngineSettings {
            mode: c.mode,
            symbol: c.symbol.clone(),
            interval: c.interval(),
            strategies: c.strategies.clone(),
            watchlist: c.watchlist.clone(),
            rest_url: ep.rest.clone(),
            ws_url: ep.ws.clone(),
            snapshot_limit: c.market.snapshot_limit,
            klines_history: c.market.klines_history,
            fps: c.ui.fps,
            request_timeout: Duration::from_secs(n.request_timeout_secs),
            connect_timeout: Duration::from_secs(n.connect_timeout_secs),
            time_sync: Duration::from_secs(n.time_sync_secs),
            stream: StreamSettings {
                base_url: ep.ws.clone(),
                connect_timeout: Duration::from_secs(n.connect_timeout_secs),
                silence_timeout: Duration::from_secs(n.silence_timeout_secs),
                max_age: Duration::from_secs(n.max_connection_age_secs),
                backoff_initial: Duration::from_millis(n.backoff_initial_ms),
                backoff_max: Duration::from_millis(n.backoff_max_ms),
            },
            trading: None,
        }
    }

    /// Adds order entry and the account (journal, venue, risk).
    pub fn with_trading(mut self, t: super::trading_setup::TradingSettings) -> Self {
        self.trading = Some(t);
        self
    }
}

/// A full copy of the book for tools that need more than the view's top
/// levels (`tradeterm book --depth 1000`, tests).
#[derive(Clone, Debug)]
pub struct BookDump {
    pub symbol: String,
    pub live: bool,
    pub book: OrderBook,
}

/// Handles to a running engine.
pub struct EngineHandle {
    pub view: watch::Receiver<View>,
    pub commands: mpsc::Sender<Command>,
    book_query: mpsc::Sender<oneshot::Sender<BookDump>>,
    task: tokio::task::JoinHandle<()>,
}

impl EngineHandle {
    /// The engine's current full book.
    pub async fn book(&self) -> Option<BookDump> {
        let (tx, rx) = oneshot::channel();
        self.book_query.send(tx).await.ok()?;
        rx.await.ok()
    }

    /// Stops the engine and its connections.
    pub async fn shutdown(self) {
        let _ = self.commands.send(Command::Shutdown).await;
        let _ = self.task.await;
    }
}

/// Replies from REST calls the engine spawned; `gen` ties them to the
/// symbol/interval they were made for, so stale replies are dropped.
enum Reply {
    Info(Result<ExchangeInfo, RestError>),
    Snapshot(u64, Result<DepthSnapshot, RestError>),
    Klines(u64, Interval, Result<Vec<Kline>, RestError>),
    Ticker(u64, Result<Ticker24h, RestError>),
    Clock(Result<i64, RestError>),
    /// A depth snapshot of a symbol a strategy trades (not the screen's).
    ExtraSnapshot(String, Result<DepthSnapshot, RestError>),
    /// Kline history for a strategy instance that just started.
    StrategyHistory(u64, Result<Vec<Kline>, RestError>),
}

/// Starts the engine on the current tokio runtime.
pub fn spawn(settings: EngineSettings) -> EngineHandle {
    let (view_tx, view_rx) = watch::channel(View::default());
    let (cmd_tx, cmd_rx) = mpsc::channel(64);
    let (q_tx, q_rx) = mpsc::channel(8);
    let task = tokio::spawn(run(settings, view_tx, cmd_rx, q_rx));
    EngineHandle {
        view: view_rx,
        commands: cmd_tx,
        book_query: q_tx,
        task,
    }
}

mod extra;
mod rest_replies;
mod strat;
mod view_build;

struct Engine {
    s: EngineSettings,
    rest: RestClient,
    market: MarketState,
    /// Bumped on every symbol switch.
    gen: u64,
    symbols: Arc<Vec<String>>,
    infos: Vec<SymbolInfo>,
    weight_limit: Option<u32>,
    conn: ConnState,
    replies: mpsc::Sender<Reply>,
    ws_cmd: mpsc::Sender<WsCommand>,
    snapshot_inflight: bool,
    /// When to retry a failed REST step.
    retry_snapshot_at: Option<Instant>,
    retry_info_at: Option<Instant>,
    info_attempts: u32,
    snapshot_attempts: u32,
    snapshots_fetched: u32,
    last_rest_error: Option<String>,
    latency_ms: Option<i64>,
    clock_offset_ms: Option<i64>,
    messages: u64,
    seq: u64,
    dirty: bool,
    trading: Option<super::trading::Trading>,
    trading_error: Option<String>,
    strategies: super::strategies::Host,
    /// The stream list last sent to the WebSocket task.
    streams: Vec<String>,
    /// Markets of other symbols that running strategy instances trade.
    extra: std::collections::BTreeMap<String, MarketState>,
    /// Extra symbols whose snapshot failed (asked again on the tick).
    extra_retry: std::collections::BTreeSet<String>,
}

async fn run(
    s: EngineSettings,
    view_tx: watch::Sender<View>,
    mut cmd_rx: mpsc::Receiver<Command>,
    mut q_rx: mpsc::Receiver<oneshot::Sender<BookDump>>,
) {
    let rest = RestClient::new(&s.rest_url, s.connect_timeout, s.request_timeout);
    let (reply_tx, mut reply_rx) = mpsc::channel::<Reply>(64);
    let (ws_cmd_tx, ws_cmd_rx) = mpsc::channel(8);
    let (ws_tx, mut ws_rx) = mpsc::channel::<WsEvent>(8192);
    let streams = ws::market_streams(&s.symbol, s.interval);
    let ws_task = tokio::spawn(ws::run(s.stream.clone(), streams, ws_cmd_rx, ws_tx));
    let frame = Duration::from_millis(1000 / s.fps.max(1) as u64);
    let (venue_tx, mut venue_rx) = mpsc::unbounded_channel();
    let mut trading_error = None;
    let trading =
        s.trading
            .as_ref()
            .and_then(|t| match super::trading_setup::open(t, s.mode, venue_tx) {
                Ok(t) => Some(t),
                Err(err) => {
                    tracing::error!(%err, "trading is off");
                    trading_error = Some(err);
                    None
                }
            });
    let mut strategies = super::strategies::Host::new(s.strategies.clone(), s.interval);
    let mut trading = trading;
    if let Some(t) = trading.as_mut() {
        strategies.load(t);
    }
    let streams0 = ws::market_streams(&s.symbol, s.interval);
    let mut e = Engine {
        trading,
        trading_error,
        strategies,
        streams: streams0,
        extra: Default::default(),
        extra_retry: Default::default(),
        market: MarketState::new(&s.symbol, s.interval),
        rest,
        gen: 0,
        symbols: Arc::new(Vec::new()),
        infos: Vec::new(),
        weight_limit: None,
        conn: ConnState::Connecting,
        replies: reply_tx,
        ws_cmd: ws_cmd_tx,
        snapshot_inflight: false,
        retry_snapshot_at: None,
        retry_info_at: None,
        info_attempts: 0,
        snapshot_attempts: 0,
        snapshots_fetched: 0,
        last_rest_error: None,
        latency_ms: None,
        clock_offset_ms: None,
        messages: 0,
        seq: 0,
        dirty: true,
        s,
    };
    tracing::info!(mode = %e.s.mode, rest = %e.s.rest_url, ws = %e.s.ws_url, symbol = %e.s.symbol, "market engine started");
    e.fetch_info();
    e.fetch_history();
    e.fetch_clock();
    let mut next_clock = Instant::now() + e.s.time_sync;
    let mut last_publish = Instant::now() - frame;
    let far = || Instant::now() + Duration::from_secs(86_400);
    // Time-based strategy rules (DCA schedule, holding time) see time pass
    // even when the market is quiet.
    let mut strat_tick = tokio::time::interval(Duration::from_secs(1));
    strat_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        let publish_at = if e.dirty { last_publish + frame } else { far() };
        let retry_at = [e.retry_snapshot_at, e.retry_info_at]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or_else(far);
        let trading_at = e
            .trading
            .as_ref()
            .and_then(|t| t.next_timer())
            .map(|ms| Instant::now() + Duration::from_millis((ms - now_ms()).max(0) as u64))
            .unwrap_or_else(far);
        tokio::select! {
            ev = ws_rx.recv() => match ev {
                Some(ev) => e.on_ws(ev),
                None => break,
            },
            r = reply_rx.recv() => if let Some(r) = r { e.on_reply(r) },
            v = venue_rx.recv() => if let (Some(v), Some(t)) = (v, e.trading.as_mut()) {
                t.on_venue(v, &e.market, now_ms());
                e.strat_after_trading();
                e.dirty = true;
            },
            _ = strat_tick.tick(), if e.strategies.any_running() => {
                e.strat_tick();
                e.dirty = true;
            },
            _ = sleep_until(trading_at) => if let Some(t) = e.trading.as_mut() {
                t.on_timer(&e.market, now_ms());
            },
            cmd = cmd_rx.recv() => match cmd {
                None | Some(Command::Shutdown) => break,
                Some(c) => e.on_command(c).await,
            },
            q = q_rx.recv() => if let Some(tx) = q {
                let _ = tx.send(BookDump {
                    symbol: e.market.symbol.clone(),
                    live: e.market.sync.is_live(),
                    book: e.market.sync.book().clone(),
                });
            },
            _ = sleep_until(publish_at) => {
                e.seq += 1;
                let _ = view_tx.send(e.view());
                e.dirty = false;
                last_publish = Instant::now();
            },
            _ = sleep_until(retry_at) => e.on_retry_timer(),
            _ = sleep_until(next_clock) => {
                e.fetch_clock();
                next_clock = Instant::now() + e.s.time_sync;
            },
        }
    }
    ws_task.abort();
    tracing::info!("market engine stopped");
}

impl Engine {
    fn on_ws(&mut self, ev: WsEvent) {
        self.dirty = true;
        match ev {
            WsEvent::Connecting { attempt } => {
                if attempt <= 1 {
                    self.conn = ConnState::Connecting;
                }
            }
            WsEvent::Connected => {
                self.conn = ConnState::Connected;
                let was_live = self.market.sync.is_live() || self.market.sync.buffered() > 0;
                if was_live {
                    let r = self
                        .market
                        .sync
                        .reset(crate::market::book_sync::ResyncReason::Reconnect);
                    tracing::info!(reason = %r, "order book resyncing");
                }
                // Candles may have missed closes while we were away.
                self.fetch_history();
            }
            WsEvent::Down {
                host,
                reason,
                retry_in,
                attempt,
            } => {
                self.conn = ConnState::Retrying {
                    host,
                    reason,
                    retry_in_secs: retry_in.as_secs_f64().ceil() as u64,
                    attempt,
                };
            }
            WsEvent::Message { event, recv_ms } => {
                self.messages += 1;
                self.on_stream(event, recv_ms);
            }
        }
    }

    fn on_stream(&mut self, event: StreamEvent, recv_ms: i64) {
        if let Some(other) = extra::symbol_of(&event).filter(|s| *s != self.market.symbol) {
            if self.extra.contains_key(other) {
                let other = other.to_string();
                return self.on_extra_stream(other, event);
            }
        }
        let sym = &self.market.symbol;
        let mut latency = |e: i64| {
            if e > 0 {
                self.latency_ms = Some(recv_ms - e);
            }
        };
        match event {
            StreamEvent::Depth(d) => {
                if &d.symbol != sym {
                    return; // a stream of the previous symbol, still draining
                }
                latency(d.event_time);
                match self.market.on_depth(d) {
                    DiffOutcome::Applied => {
                        if let Some(t) = self.trading.as_mut() {
                            t.on_book(&self.market, recv_ms);
                        }
                        self.strat_depth();
                    }
                    DiffOutcome::Ignored => {}
                    DiffOutcome::Buffered { fetch_snapshot } => {
                        if fetch_snapshot {
                            self.fetch_snapshot();
                        }
                    }
                    DiffOutcome::Resync(reason) => {
                        tracing::warn!(symbol = %self.market.symbol, %reason, resyncs = self.market.sync.resyncs(), "order book resync");
                        self.fetch_snapshot();
                    }
                }
            }
            StreamEvent::BookTicker(b) if &b.symbol == sym => {
                // Strategy events are built only when an instance runs:
                // these are the hottest streams.
                let ev = self
                    .strategies
                    .any_running()
                    .then(|| strat::ticker_event(&b));
                self.market.on_book_ticker(b);
                if let Some(ev) = ev {
                    self.strat_market(ev, None);
                }
            }
            StreamEvent::Trade(t) if &t.symbol == sym => {
                latency(t.event_time);
                if let Some(tr) = self.trading.as_mut() {
                    tr.on_trade(&t, &self.market, recv_ms);
                }
                let ev = self
                    .strategies
                    .any_running()
                    .then(|| crate::strategy::MarketEvent::Trade(t.clone()));
                self.market.on_trade(t);
                // Paper fills it causes come back through the venue inbox.
                if let Some(ev) = ev {
                    self.strat_market(ev, None);
                }
            }
            StreamEvent::Kline {
                symbol,
                interval,
                kline,
            } if &symbol == sym => {
                if self.strategies.any_running() {
                    self.strat_market(strat::kline_event(&kline), Some(interval));
                }
                self.market.on_kline(interval, kline);
            }
            StreamEvent::Ticker(t) if &t.symbol == sym => {
                latency(t.event_time);
                self.market.on_ticker(t);
            }
            _ => {}
        }
    }

    async fn on_command(&mut self, c: Command) {
        self.dirty = true;
        match c {
            Command::SwitchSymbol(sym) => {
                let sym = sym.trim().to_uppercase();
                if sym == self.market.symbol {
                    return;
                }
                if !self.symbols.is_empty() && !self.symbols.contains(&sym) {
                    tracing::warn!(symbol = %sym, "unknown symbol; staying on {}", self.market.symbol);
                    return;
                }
                tracing::info!(from = %self.market.symbol, to = %sym, "switching symbol");
                self.gen += 1;
                let iv = self.market.candles.interval;
                self.market = MarketState::new(&sym, iv);
                self.snapshot_inflight = false;
                self.retry_snapshot_at = None;
                self.attach_info();
                self.sync_extras();
                self.fetch_history();
            }
            Command::SetInterval(iv) => {
                if iv == self.market.candles.interval {
                    return;
                }
                self.market.set_interval(iv);
                self.strat_streams();
                let (rest, sym, gen, n) = (
                    self.rest.clone(),
                    self.market.symbol.clone(),
                    self.gen,
                    self.s.klines_history,
                );
                self.spawn_rest(
                    async move { Reply::Klines(gen, iv, rest.klines(&sym, iv, n).await) },
                );
            }
            Command::PlaceOrder(_)
            | Command::PlaceOco(_)
            | Command::CancelOrder { .. }
            | Command::CancelAll { .. }
            | Command::Halt { .. }
            | Command::Resume => {
                let now = now_ms();
                let (m, t) = (&self.market, self.trading.as_mut());
                match (c, t) {
                    (_, None) => tracing::warn!("order command ignored: trading is off"),
                    (Command::PlaceOrder(ticket), Some(t)) => t.place(ticket, m, now),
                    (Command::PlaceOco(ticket), Some(t)) => t.place_oco(ticket, m, now),
                    (
                        Command::CancelOrder {
                            symbol,
                            client_order_id,
                        },
                        Some(t),
                    ) => t.cancel(symbol, client_order_id, m, now),
                    (Command::CancelAll { symbol }, Some(t)) => t.cancel_all(symbol, m, now),
                    (Command::Halt { reason }, Some(t)) => {
                        t.halt(&reason, m, now);
                        let mk = super::strategies::Markets {
                            primary: m,
                            extra: &self.extra,
                        };
                        self.strategies.on_halt(t, &mk, now);
                    }
                    (Command::Resume, Some(t)) => t.resume(now),
                    _ => {}
                }
            }
            c @ (Command::StrategyCreate { .. }
            | Command::StrategyStart(_)
            | Command::StrategyStop(_)
            | Command::StrategyEdit { .. }
            | Command::StrategyDelete(_)) => self.strat_command(c),
            Command::Shutdown => {}
        }
    }
}
