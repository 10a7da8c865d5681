//! Shared rig for the trading protocol tests: a simulator with a trusted
//! key, the real signed client and the real user stream over loopback, and
//! a small "client view" built only from what the adapter reports (REST
//! answers, user-stream events, reconcile) to compare with the sim's ledger.
#![allow(dead_code)] // each test crate uses a different subset

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tradeterm::domain::Side;
use tradeterm::exchange::rest::RestClient;
use tradeterm::exchange::signed::{SignedClient, SignedSettings};
use tradeterm::exchange::signer::RequestSigner;
use tradeterm::exchange::user_stream::{self, UserStreamSettings};
use tradeterm::exchange::wire_account::report_client_id;
use tradeterm::keys::Secret;
use tradeterm::sim::trading::{AccountId, SimKey};
use tradeterm::sim::{self, SimConfig, SimHandle, SimTuning};
use tradeterm::trading::account::{AccountEvent, Balance, ExecutionReport, Fill, OrderRequest};
use tradeterm::trading::order::{OrderStatus, OrderType, TimeInForce};

pub const LIMIT: Duration = Duration::from_secs(20);
/// A secret that must never appear in any error or log line.
pub const CANARY: &str = "CANARY-trade-secret-5e1f0b";
pub const API_KEY: &str = "tradeTestApiKey0123456789";

pub async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f)
        .await
        .unwrap_or_else(|_| panic!("timed out: {what}"))
}

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Everything the user stream delivered, shared with the test.
#[derive(Clone, Default)]
pub struct Events(Arc<Mutex<Vec<AccountEvent>>>, Arc<tokio::sync::Notify>);

impl Events {
    pub fn all(&self) -> Vec<AccountEvent> {
        self.0.lock().unwrap().clone()
    }

    pub fn execs(&self) -> Vec<ExecutionReport> {
        self.all()
            .into_iter()
            .filter_map(|e| match e {
                AccountEvent::Execution(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    pub fn count(&self, f: impl Fn(&AccountEvent) -> bool) -> usize {
        self.0.lock().unwrap().iter().filter(|e| f(e)).count()
    }

    /// Waits until `f` holds for the events received so far.
    pub async fn wait(&self, what: &str, f: impl Fn(&[AccountEvent]) -> bool) {
        within(what, async {
            loop {
                let notified = self.1.notified();
                if f(&self.0.lock().unwrap()) {
                    return;
                }
                notified.await;
            }
        })
        .await
    }

    /// Waits for an execution report of `client_id` (the order's own id)
    /// with execution type `x` and status `status`.
    pub async fn exec(&self, client_id: &str, x: &str, status: OrderStatus) -> ExecutionReport {
        let pred = |r: &ExecutionReport| {
            report_client_id(r) == client_id && r.exec_type == x && r.status == status
        };
        self.wait(&format!("{client_id} {x} {status:?}"), |ev| {
            ev.iter()
                .any(|e| matches!(e, AccountEvent::Execution(r) if pred(r)))
        })
        .await;
        self.execs().into_iter().find(|r| pred(r)).unwrap()
    }
}

pub struct Rig {
    pub sim: SimHandle,
    pub client: SignedClient,
    pub account: AccountId,
    pub events: Events,
    stream: JoinHandle<()>,
    _stop: mpsc::Receiver<()>,
}

pub fn rich() -> Vec<(String, Decimal)> {
    vec![
        ("USDT".into(), d("1000000")),
        ("BTC".into(), d("100")),
        ("ETH".into(), d("1000")),
    ]
}

pub async fn start_sim(faults: &str, tuning: SimTuning) -> SimHandle {
    let cfg = SimConfig {
        port: 0,
        seed: 7,
        speed: 1.0,
        faults: faults.to_string(),
        keys: None,
    };
    let sim = sim::start_with(cfg, tuning).await.expect("sim starts");
    // A frozen market: fills come only from our orders and injected trades.
    sim.pause();
    sim
}

pub fn client_for(sim: &SimHandle, signer: RequestSigner, timeout: Duration) -> SignedClient {
    let rest = RestClient::new(&sim.rest_url(), Duration::from_secs(2), timeout);
    SignedClient::new(rest, signer, SignedSettings::default())
}

pub fn stream_settings(sim: &SimHandle) -> UserStreamSettings {
    let mut s = UserStreamSettings::new(&sim.ws_api_url());
    s.backoff_initial = Duration::from_millis(20);
    s.backoff_max = Duration::from_millis(200);
    s.request_timeout = Duration::from_secs(5);
    s
}

/// Starts a user stream task feeding `events`.
pub fn spawn_stream(
    settings: UserStreamSettings,
    client: SignedClient,
    events: Events,
) -> (JoinHandle<()>, mpsc::Receiver<()>) {
    let (tx, mut rx) = mpsc::channel::<AccountEvent>(4096);
    let task = tokio::spawn(user_stream::run(settings, client, tx));
    let (done_tx, done_rx) = mpsc::channel(1);
    tokio::spawn(async move {
        while let Some(ev) = rx.recv().await {
            events.0.lock().unwrap().push(ev);
            events.1.notify_waiters();
        }
        drop(done_tx);
    });
    (task, done_rx)
}

/// A simulator, an HMAC account with `balances` and a client with its user
/// stream up.
pub async fn rig_with(
    faults: &str,
    timeout: Duration,
    balances: Option<Vec<(String, Decimal)>>,
) -> Rig {
    let sim = start_sim(faults, SimTuning::default()).await;
    let account = sim.add_account(API_KEY, SimKey::Hmac(Secret::new(CANARY)), balances);
    let signer = RequestSigner::hmac(Secret::new(API_KEY), Secret::new(CANARY));
    let client = client_for(&sim, signer, timeout);
    client.sync_clock().await.expect("clock sync");
    let events = Events::default();
    let (stream, stop) = spawn_stream(stream_settings(&sim), client.clone(), events.clone());
    events
        .wait("stream up", |e| e.contains(&AccountEvent::StreamUp))
        .await;
    Rig {
        sim,
        client,
        account,
        events,
        stream,
        _stop: stop,
    }
}

pub async fn rig(faults: &str) -> Rig {
    rig_with(faults, Duration::from_secs(5), Some(rich())).await
}

impl Rig {
    pub fn top(&self, symbol: &str) -> (Decimal, Decimal) {
        let b = self.sim.book(symbol).unwrap();
        (
            b.best_bid().unwrap().0.to_decimal(),
            b.best_ask().unwrap().0.to_decimal(),
        )
    }

    /// The ledger's balances of the account, as a map.
    pub fn ledger_balances(&self) -> BTreeMap<String, (Decimal, Decimal)> {
        self.sim
            .trading()
            .balances(self.account)
            .into_iter()
            .map(|b| (b.asset, (b.free, b.locked)))
            .collect()
    }

    /// Waits until the stream's latest balances agree with the ledger for
    /// every asset the stream reported (it reports changed assets only).
    pub async fn wait_stream_balances(&self, assets: &[&str]) {
        let ledger = self.ledger_balances();
        self.events
            .wait("streamed balances equal the ledger", |ev| {
                let s = stream_balances(ev);
                assets.iter().all(|a| s.contains_key(*a))
                    && s.iter().all(|(a, v)| ledger.get(a) == Some(v))
            })
            .await;
    }

    pub async fn stop(self) {
        self.stream.abort();
        self.sim.shutdown().await;
    }
}

pub fn order(
    id: &str,
    kind: OrderType,
    side: Side,
    price: Option<Decimal>,
    qty: &str,
) -> OrderRequest {
    OrderRequest {
        client_order_id: id.into(),
        symbol: "BTCUSDT".into(),
        side,
        kind,
        tif: match kind {
            OrderType::Limit | OrderType::StopLossLimit | OrderType::TakeProfitLimit => {
                Some(TimeInForce::Gtc)
            }
            _ => None,
        },
        price,
        stop_price: None,
        qty: Some(d(qty)),
        quote_qty: None,
        tag: "test".into(),
    }
}

pub fn balances_map(v: &[Balance]) -> BTreeMap<String, (Decimal, Decimal)> {
    v.iter()
        .map(|b| (b.asset.clone(), (b.free, b.locked)))
        .collect()
}

/// Fills by trade id, from any source; a duplicate must be identical.
pub fn merge_fills(into: &mut BTreeMap<i64, Fill>, fills: impl IntoIterator<Item = Fill>) {
    for f in fills {
        if let Some(old) = into.get(&f.trade_id) {
            assert_eq!(
                (old.price, old.qty, old.commission),
                (f.price, f.qty, f.commission),
                "same trade, same facts"
            );
        } else {
            into.insert(f.trade_id, f);
        }
    }
}

/// The last balance each asset had in the stream's outboundAccountPosition.
pub fn stream_balances(events: &[AccountEvent]) -> BTreeMap<String, (Decimal, Decimal)> {
    let mut m = BTreeMap::new();
    for e in events {
        if let AccountEvent::Balances { balances, .. } = e {
            for b in balances {
                m.insert(b.asset.clone(), (b.free, b.locked));
            }
        }
    }
    m
}

/// What the client knows, built only from the adapter's outputs.
#[derive(Default, Debug)]
pub struct ClientView {
    pub orders: BTreeMap<String, tradeterm::trading::order::Order>,
    pub fills: BTreeMap<i64, Fill>,
}

impl ClientView {
    fn entry(
        &mut self,
        id: &str,
        symbol: &str,
        side: Side,
        kind: OrderType,
    ) -> &mut tradeterm::trading::order::Order {
        self.orders
            .entry(id.to_string())
            .or_insert_with(|| tradeterm::trading::order::Order {
                client_order_id: id.to_string(),
                exchange_id: None,
                symbol: symbol.to_string(),
                side,
                kind,
                tif: None,
                price: None,
                stop_price: None,
                qty: None,
                quote_qty: None,
                status: OrderStatus::Unknown,
                executed_qty: Decimal::ZERO,
                cum_quote: Decimal::ZERO,
                updated_ms: 0,
            })
    }

    pub fn apply_report(&mut self, r: &ExecutionReport) {
        let id = report_client_id(r).to_string();
        let rep = tradeterm::trading::order::Report {
            status: r.status,
            exchange_id: Some(r.order_id),
            executed_qty: r.cum_qty,
            cum_quote: r.cum_quote,
            time_ms: r.transact_time,
        };
        self.entry(&id, &r.symbol, r.side, r.kind).apply(&rep);
        if let Some(f) = r.fill() {
            merge_fills(&mut self.fills, [f]);
        }
    }

    pub fn apply_state(&mut self, s: &tradeterm::exchange::wire_account::OrderState) {
        let id = s.order_client_id().to_string();
        self.entry(&id, &s.symbol, s.side, s.kind)
            .apply(&s.report());
    }

    pub fn apply_events(&mut self, events: &[AccountEvent]) {
        for e in events {
            if let AccountEvent::Execution(r) = e {
                self.apply_report(r);
            }
        }
    }

    /// Equal to the ledger: every order's status and cumulative amounts,
    /// every trade.
    pub fn assert_matches(&self, sim: &SimHandle) {
        let ledger = sim.trading();
        for o in ledger.orders() {
            let mine = self
                .orders
                .get(&o.client_order_id)
                .unwrap_or_else(|| panic!("client lost {}", o.client_order_id));
            assert_eq!(
                (
                    mine.status,
                    mine.executed_qty,
                    mine.cum_quote,
                    mine.exchange_id
                ),
                (o.status, o.executed_qty, o.cum_quote, Some(o.order_id)),
                "order {}",
                o.client_order_id
            );
        }
        let trades = ledger.trades();
        assert_eq!(
            self.fills.keys().copied().collect::<Vec<_>>(),
            trades.iter().map(|t| t.trade_id).collect::<Vec<_>>()
        );
        for t in trades {
            let f = &self.fills[&t.trade_id];
            assert_eq!(
                (f.price, f.qty, f.commission, f.order_id),
                (t.price, t.qty, t.commission, t.order_id)
            );
        }
    }
}
