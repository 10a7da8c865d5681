//! The simulator's trading side: trusted API keys, signed REST endpoints
//! (`rest`), the WebSocket API user data stream (`wsapi`), an order engine
//! matching against the replayed market (`engine`, `matching`), balances
//! (`ledger`) and the trading fault knobs (`faults`).
//!
//! # Accounts
//! Each trusted API key is one account. Keys come from
//! [`super::SimHandle::add_account`], from a tradeterm keys file
//! (`SimConfig::keys`: every `[testnet]`/`[demo]`/`[live]` section; an
//! Ed25519 section's public key is derived from its private key file), or —
//! when neither is given — a random HMAC pair generated at start and
//! printed in the banner. New accounts hold 10,000 USDT, 1 BTC and 10 ETH
//! unless given other balances.
//!
//! # Truth
//! Everything the engine did is kept: orders, trades, lists, balances and
//! how many order submissions arrived per client order id. Tests compare a
//! client's view with these.

pub mod auth;
pub mod engine;
#[cfg(test)]
mod engine_tests;
pub mod faults;
mod feed;
pub mod json;
pub mod ledger;
mod lifecycle;
mod matching;
mod params;
pub(super) mod rest;
pub mod types;
pub(super) mod wsapi;

pub use auth::SimKey;
pub use engine::MarketView;
pub use types::{AccountId, AccountProfile, SimOrder, SimOrderList, SimTrade};

use super::clock::wall_ms;
use super::driver::Shared;
use crate::domain::{Millis, Side};
use crate::trading::account::Balance;
use engine::{Engine, SymbolRules};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::mpsc;
use types::UserEvent;

/// Levels per side copied from the replayed book for matching.
const VIEW_DEPTH: usize = 1000;

/// A user-data subscription on one WS API connection.
#[derive(Debug)]
struct Sub {
    account: AccountId,
    conn: u64,
    id: u64,
    tx: mpsc::UnboundedSender<String>,
}

/// The trading state shared by the HTTP server, WS API connections and
/// the market feed.
#[derive(Debug)]
pub struct Trading {
    engine: Mutex<Engine>,
    keys: RwLock<auth::KeyRing>,
    subs: Mutex<Vec<Sub>>,
    /// Order submissions received (signature verified) per client order id.
    received: Mutex<HashMap<String, u32>>,
    /// Placement times per account, for the ORDERS rate limits.
    placed: Mutex<HashMap<AccountId, Vec<Millis>>>,
    next_account: Mutex<AccountId>,
    next_conn: Mutex<u64>,
    /// The generated credentials, when no keys were configured.
    pub(super) generated: Option<(String, String)>,
}

impl Trading {
    pub fn new() -> Self {
        let rules = super::data::specs()
            .iter()
            .map(|s| {
                let r = SymbolRules {
                    base: s.info.base.clone(),
                    quote: s.info.quote.clone(),
                    filters: crate::trading::filters::SymbolFilters::from_json(&s.info.filters),
                };
                (s.info.symbol.clone(), r)
            })
            .collect();
        Trading {
            engine: Mutex::new(Engine::new(rules)),
            keys: RwLock::new(auth::KeyRing::default()),
            subs: Mutex::new(Vec::new()),
            received: Mutex::new(HashMap::new()),
            placed: Mutex::new(HashMap::new()),
            next_account: Mutex::new(0),
            next_conn: Mutex::new(0),
            generated: None,
        }
    }

    /// Registers a trusted key as a new account.
    pub fn add_account(
        &self,
        api_key: &str,
        key: SimKey,
        balances: Option<Vec<(String, Decimal)>>,
    ) -> AccountId {
        let id = {
            let mut n = self.next_account.lock().expect("accounts");
            *n += 1;
            *n
        };
        let balances = balances.unwrap_or_else(ledger::default_balances);
        self.engine
            .lock()
            .expect("engine")
            .open_account(id, &balances);
        self.keys.write().expect("keys").add(api_key, id, key);
        id
    }

    /// Generates a random HMAC pair, registers it and remembers it for the
    /// banner.
    pub(super) fn generate_account(&mut self) {
        let (k, s) = (auth::random_token(64), auth::random_token(64));
        self.add_account(&k, SimKey::Hmac(crate::keys::Secret::new(s.clone())), None);
        self.generated = Some((k, s));
    }

    /// Registers every section of a tradeterm keys file.
    pub(super) fn load_keys_file(&self, path: &std::path::Path) -> Result<usize, String> {
        use crate::config::Mode;
        let mut n = 0;
        for mode in [Mode::Testnet, Mode::Demo, Mode::Live] {
            let c = match crate::keys::load(mode, path, &[]) {
                Ok(c) => c,
                Err(crate::keys::KeysError::Missing { .. }) => continue,
                Err(e) => return Err(e.to_string()),
            };
            let key = match &c.signer {
                crate::keys::Signer::Hmac(s) => SimKey::Hmac(s.clone()),
                crate::keys::Signer::Ed25519 { private_key_path } => {
                    let sk = crate::exchange::signer::load_ed25519(private_key_path)
                        .map_err(|e| e.to_string())?;
                    SimKey::Ed25519(sk.verifying_key())
                }
            };
            self.add_account(c.api_key.expose(), key, None);
            n += 1;
        }
        Ok(n)
    }

    pub(super) fn keys(&self) -> std::sync::RwLockReadGuard<'_, auth::KeyRing> {
        self.keys.read().expect("keys")
    }

    pub(super) fn count_submission(&self, client_id: &str) {
        *self
            .received
            .lock()
            .expect("received")
            .entry(client_id.to_string())
            .or_default() += 1;
    }

    /// Records a successful placement; returns the account's order counts
    /// for the last 10 s and day.
    pub(super) fn count_placement(&self, account: AccountId, now: Millis) -> (usize, usize) {
        let mut g = self.placed.lock().expect("placed");
        let v = g.entry(account).or_default();
        v.push(now);
        v.retain(|t| now - t < 86_400_000);
        (v.iter().filter(|t| now - **t < 10_000).count(), v.len())
    }

    pub(super) fn order_counts(&self, account: AccountId, now: Millis) -> (usize, usize) {
        let g = self.placed.lock().expect("placed");
        let v = g.get(&account).map(Vec::as_slice).unwrap_or_default();
        (
            v.iter().filter(|t| now - **t < 10_000).count(),
            v.iter().filter(|t| now - **t < 86_400_000).count(),
        )
    }

    /// Runs `f` on the engine, then delivers the events it produced.
    pub(super) fn act<T>(&self, shared: &Shared, f: impl FnOnce(&mut Engine) -> T) -> T {
        let (out, frames) = {
            let mut e = self.engine.lock().expect("engine");
            let out = f(&mut e);
            let events = e.take_events(wall_ms());
            let frames = render(&e, events);
            (out, frames)
        };
        self.deliver(shared, frames);
        out
    }

    pub(super) fn with_engine<T>(&self, f: impl FnOnce(&Engine) -> T) -> T {
        f(&self.engine.lock().expect("engine"))
    }

    pub(super) fn new_conn_id(&self) -> u64 {
        let mut n = self.next_conn.lock().expect("conns");
        *n += 1;
        *n
    }

    pub(super) fn subscribe(
        &self,
        account: AccountId,
        conn: u64,
        id: u64,
        tx: mpsc::UnboundedSender<String>,
    ) {
        self.subs.lock().expect("subs").push(Sub {
            account,
            conn,
            id,
            tx,
        });
    }

    /// Ends subscriptions of a connection (`id` None = all); returns the
    /// ids removed.
    pub(super) fn unsubscribe(&self, conn: u64, id: Option<u64>) -> Vec<u64> {
        let mut g = self.subs.lock().expect("subs");
        let mut gone = Vec::new();
        g.retain(|s| {
            let hit = s.conn == conn && id.is_none_or(|i| i == s.id);
            if hit {
                gone.push(s.id);
            }
            !hit
        });
        gone
    }

    pub(super) fn subscriptions_of(&self, conn: u64) -> Vec<u64> {
        let g = self.subs.lock().expect("subs");
        g.iter().filter(|s| s.conn == conn).map(|s| s.id).collect()
    }

    pub(super) fn subscription_of(&self, conn: u64, account: AccountId) -> Option<u64> {
        let g = self.subs.lock().expect("subs");
        g.iter()
            .find(|s| s.conn == conn && s.account == account)
            .map(|s| s.id)
    }

    /// Sends rendered events to the accounts' subscriptions, applying the
    /// report faults (reorder, duplicate, balance lag).
    fn deliver(&self, shared: &Shared, frames: Vec<(AccountId, Frame)>) {
        if frames.is_empty() {
            return;
        }
        let tf = shared.faults.trade();
        if tf.muted() {
            return;
        }
        let (reorder, dup, report_lag) = (tf.reorder(), tf.dup(), tf.report_lag());
        // With a report lag everything is late, balances at least as late.
        let lag = if report_lag.is_zero() {
            tf.balance_lag()
        } else {
            report_lag.max(tf.balance_lag())
        };
        let mut by_account: Vec<(AccountId, Vec<Frame>)> = Vec::new();
        for (a, f) in frames {
            match by_account.iter_mut().find(|(x, _)| *x == a) {
                Some((_, v)) => v.push(f),
                None => by_account.push((a, vec![f])),
            }
        }
        let subs = self.subs.lock().expect("subs");
        for (account, frames) in by_account {
            let (mut now, later): (Vec<Frame>, Vec<Frame>) = frames
                .into_iter()
                .partition(|f| report_lag.is_zero() && (!f.position || lag.is_zero()));
            if reorder {
                // Reports of this action reversed; balances stay last.
                let n = now.iter().filter(|f| !f.position).count();
                now[..n].reverse();
            }
            for s in subs.iter().filter(|s| s.account == account) {
                for f in &now {
                    let text = json::wrapped(s.id, &f.text);
                    if dup && f.exec {
                        let _ = s.tx.send(text.clone());
                    }
                    let _ = s.tx.send(text);
                }
                if !later.is_empty() {
                    let tx = s.tx.clone();
                    let texts: Vec<String> =
                        later.iter().map(|f| json::wrapped(s.id, &f.text)).collect();
                    tokio::spawn(async move {
                        tokio::time::sleep(lag).await;
                        for t in texts {
                            let _ = tx.send(t);
                        }
                    });
                }
            }
        }
    }

    /// Sets what the account endpoint reports for `account` (flags,
    /// permissions) and the fee rates the engine charges it.
    pub fn set_profile(&self, account: AccountId, profile: types::AccountProfile) {
        self.engine
            .lock()
            .expect("engine")
            .set_profile(account, profile);
    }

    // --- ledger accessors (the truth for tests) ---

    pub fn orders(&self) -> Vec<SimOrder> {
        self.with_engine(|e| e.orders().cloned().collect())
    }

    /// The newest order with this client order id.
    pub fn order(&self, client_order_id: &str) -> Option<SimOrder> {
        self.with_engine(|e| {
            e.orders()
                .filter(|o| o.client_order_id == client_order_id)
                .last()
                .cloned()
        })
    }

    pub fn trades(&self) -> Vec<SimTrade> {
        self.with_engine(|e| e.trades().to_vec())
    }

    pub fn order_lists(&self) -> Vec<SimOrderList> {
        self.with_engine(|e| e.lists().cloned().collect())
    }

    /// Every asset the account holds (zero balances included).
    pub fn balances(&self, account: AccountId) -> Vec<Balance> {
        self.with_engine(|e| {
            e.ledger()
                .balances(account)
                .into_iter()
                .map(|(asset, b)| Balance {
                    asset,
                    free: b.free,
                    locked: b.locked,
                })
                .collect()
        })
    }

    /// Order submissions that reached the order endpoints with this client
    /// order id (signature verified, accepted or not).
    pub fn submissions(&self, client_order_id: &str) -> u32 {
        self.received
            .lock()
            .expect("received")
            .get(client_order_id)
            .copied()
            .unwrap_or(0)
    }

    /// Feeds a public trade to the engine (stops, resting orders). The
    /// book is copied only when a stop triggers and may take liquidity.
    pub(super) fn on_trade(
        &self,
        shared: &Shared,
        symbol: &str,
        aggressor: Side,
        price: Decimal,
        qty: Decimal,
    ) {
        let (busy, triggers) = self.with_engine(|e| {
            (
                e.orders().any(|o| o.symbol == symbol && o.is_open()),
                e.stops_triggered_by(symbol, price),
            )
        });
        if !busy {
            self.act(shared, |e| e.note_price(symbol, price));
            return;
        }
        let mv = if triggers {
            match market_view(shared, symbol) {
                Some(mv) => mv,
                None => return,
            }
        } else {
            MarketView::default()
        };
        self.act(shared, |e| {
            e.on_trade(symbol, price, qty, aggressor, &mv, wall_ms())
        });
    }
}

impl Default for Trading {
    fn default() -> Self {
        Self::new()
    }
}

/// One rendered event.
#[derive(Debug)]
struct Frame {
    text: String,
    exec: bool,
    position: bool,
}

fn render(e: &Engine, events: Vec<(AccountId, UserEvent)>) -> Vec<(AccountId, Frame)> {
    let now = wall_ms();
    let legs = |id: i64| {
        e.orders()
            .find(|o| o.order_id == id)
            .map(|o| o.client_order_id.clone())
            .unwrap_or_default()
    };
    events
        .into_iter()
        .map(|(a, ev)| {
            let f = Frame {
                text: json::event(&ev, now, &legs),
                exec: matches!(ev, UserEvent::Exec(_)),
                position: matches!(ev, UserEvent::Position { .. }),
            };
            (a, f)
        })
        .collect()
}

/// A snapshot of one symbol's replayed market for the engine.
pub(super) fn market_view(shared: &Shared, symbol: &str) -> Option<MarketView> {
    let at = shared.clock.now_ms();
    let m = shared.market.lock().expect("market lock");
    let s = m.get(symbol)?;
    let conv = |v: Vec<(crate::fixed::Fx, crate::fixed::Fx)>| {
        v.into_iter()
            .map(|(p, q)| (p.to_decimal(), q.to_decimal()))
            .collect::<Vec<_>>()
    };
    let avg = s.avg_price(at);
    Some(MarketView {
        bids: conv(s.book.bids.top(VIEW_DEPTH)),
        asks: conv(s.book.asks.top(VIEW_DEPTH)),
        last: s.recent_trades(1).last().map(|t| t.price.to_decimal()),
        avg: (!avg.is_zero()).then(|| avg.to_decimal()),
    })
}

/// Starts the market-trade feed for `trading`.
pub(super) fn spawn_feed(
    shared: Arc<Shared>,
    trading: Arc<Trading>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(feed::run(shared, trading))
}
