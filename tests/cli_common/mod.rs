//! Rig for the scripting-CLI tests: a simulator in this process that
//! trusts one test key, a 0600 keys file holding the canary secret, and
//! the real `tradeterm` binary pointed at the simulator in testnet mode
//! (signed REST + WebSocket-API user stream, exactly as against Binance).
#![allow(dead_code)] // each test crate uses a different subset

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use tradeterm::config::Mode;
use tradeterm::journal::{FillFilter, Journal, OrderFilter};
use tradeterm::keys::Secret;
use tradeterm::sim::trading::{AccountId, SimKey};
use tradeterm::sim::{self, SimConfig, SimHandle};
use tradeterm::trading::order::{Order, OrderStatus};

/// Never to be seen in any output, log or journal.
pub const CANARY: &str = "CANARY-cli-secret-7c2d91";
pub const API_KEY: &str = "cliTestApiKey0123456789";

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub struct Rig {
    pub sim: SimHandle,
    pub account: AccountId,
    pub dir: PathBuf,
}

impl Rig {
    pub async fn start(name: &str) -> Rig {
        let sim = sim::start(SimConfig {
            port: 0,
            seed: 7,
            speed: 1.0,
            faults: String::new(),
            keys: None,
        })
        .await
        .expect("simulator starts");
        let balances = vec![("USDT".into(), d("10000")), ("BTC".into(), d("1"))];
        let account = sim.add_account(API_KEY, SimKey::Hmac(Secret::new(CANARY)), Some(balances));
        let dir = std::env::temp_dir().join(format!("tradeterm-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("cfg")).unwrap();
        let keys = dir.join("cfg/keys.toml");
        std::fs::write(
            &keys,
            format!("[testnet]\napi_key = \"{API_KEY}\"\napi_secret = \"{CANARY}\"\n"),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o600)).unwrap();
        Rig { sim, account, dir }
    }

    /// `tradeterm <args> --testnet` against the simulator.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tradeterm"));
        c.args(args)
            .args([
                "--testnet",
                "--rest-url",
                &self.sim.rest_url(),
                "--ws-url",
                &self.sim.ws_url(),
                "--ws-api-url",
                &self.sim.ws_api_url(),
                "--log-file",
            ])
            .arg(self.log_file())
            .env("TRADETERM_CONFIG_DIR", self.dir.join("cfg"))
            .env("TRADETERM_DATA_DIR", self.dir.join("data"))
            .env("TRADETERM_NETWORK__BACKOFF_INITIAL_MS", "50")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null());
        c
    }

    pub fn log_file(&self) -> PathBuf {
        self.dir.join("tradeterm.log")
    }

    /// Runs a command to its end (bounded by its own `--timeout`).
    pub async fn run(&self, args: &[&str]) -> Output {
        self.run_cmd(self.cmd(args)).await
    }

    pub async fn run_cmd(&self, mut c: Command) -> Output {
        let out = tokio::task::spawn_blocking(move || c.output().expect("tradeterm runs"))
            .await
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains(CANARY), "the secret leaked: {all}");
        out
    }

    /// Runs a command that must succeed; its stdout.
    pub async fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args).await;
        assert!(
            out.status.success(),
            "tradeterm {args:?} failed ({:?}): {}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub async fn json(&self, args: &[&str]) -> serde_json::Value {
        let s = self.ok(args).await;
        serde_json::from_str(s.trim()).unwrap_or_else(|e| panic!("{args:?}: {e}: {s}"))
    }

    pub fn journal_path(&self) -> PathBuf {
        Journal::path_for(&self.dir.join("data"), Mode::Testnet)
    }

    /// The journal as the last command left it (no command is running).
    pub fn journal(&self) -> Journal {
        Journal::open(&self.journal_path()).expect("journal opens")
    }

    /// The client's journal equals the simulator's ledger: one journaled
    /// order per exchange order with the same state, no order left INTENT
    /// or UNKNOWN, and the same fills.
    pub fn assert_journal_equals_ledger(&self) {
        let j = self.journal();
        let orders: Vec<Order> = j.orders(&OrderFilter::default()).unwrap();
        let sim_orders: Vec<_> = self
            .sim
            .trading()
            .orders()
            .into_iter()
            .filter(|o| o.account == self.account)
            .collect();
        for o in &orders {
            assert!(
                !matches!(o.status, OrderStatus::Intent | OrderStatus::Unknown),
                "unresolved order left in the journal: {o:?}"
            );
        }
        for s in &sim_orders {
            let mine: Vec<&Order> = orders
                .iter()
                .filter(|o| o.client_order_id == s.client_order_id)
                .collect();
            assert_eq!(
                mine.len(),
                1,
                "exactly one journaled order for {}",
                s.client_order_id
            );
            let o = mine[0];
            assert_eq!(o.exchange_id, Some(s.order_id), "{}", s.client_order_id);
            assert_eq!(o.status, s.status, "{}", s.client_order_id);
            assert_eq!(o.executed_qty, s.executed_qty, "{}", s.client_order_id);
            assert_eq!(o.cum_quote, s.cum_quote, "{}", s.client_order_id);
            assert_eq!(
                self.sim.trading().submissions(&s.client_order_id),
                1,
                "sent once"
            );
        }
        let placed = orders
            .iter()
            .filter(|o| o.status != OrderStatus::Rejected)
            .count();
        assert_eq!(placed, sim_orders.len(), "no invented order: {orders:?}");
        let fills: BTreeMap<i64, _> = j
            .fills(&FillFilter::default())
            .unwrap()
            .into_iter()
            .map(|f| (f.trade_id, f))
            .collect();
        let trades: Vec<_> = self
            .sim
            .trading()
            .trades()
            .into_iter()
            .filter(|t| t.account == self.account)
            .collect();
        assert_eq!(fills.len(), trades.len(), "fills: {fills:?}");
        for t in &trades {
            let f = fills.get(&t.trade_id).expect("every trade journaled");
            assert_eq!(
                (
                    f.order_id,
                    f.client_order_id.as_str(),
                    f.price,
                    f.qty,
                    f.commission,
                    &f.commission_asset
                ),
                (
                    t.order_id,
                    t.client_order_id.as_str(),
                    t.price,
                    t.qty,
                    t.commission,
                    &t.commission_asset
                )
            );
        }
    }

    /// Balances the ledger holds (non-zero), as strings like `balance --json`.
    pub fn ledger_balances(&self) -> BTreeMap<String, (String, String)> {
        self.sim
            .trading()
            .balances(self.account)
            .into_iter()
            .filter(|b| !(b.free.is_zero() && b.locked.is_zero()))
            .map(|b| {
                (
                    b.asset,
                    (
                        b.free.normalize().to_string(),
                        b.locked.normalize().to_string(),
                    ),
                )
            })
            .collect()
    }

    /// `balance --json` (non-zero balances) equals the ledger; the JSON.
    pub async fn assert_balances_equal_ledger(&self) -> serde_json::Value {
        let b = self.json(&["balance", "--json"]).await;
        let got: BTreeMap<String, (String, String)> = b["balances"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| !(x["free"] == "0" && x["locked"] == "0"))
            .map(|x| {
                let s = |k: &str| x[k].as_str().unwrap().to_string();
                (s("asset"), (s("free"), s("locked")))
            })
            .collect();
        assert_eq!(got, self.ledger_balances(), "balances equal the ledger");
        b
    }

    /// Waits (bounded) until the simulator holds an order of this account.
    pub async fn wait_sim_order(&self, n: usize) {
        for _ in 0..1000 {
            let k = self
                .sim
                .trading()
                .orders()
                .iter()
                .filter(|o| o.account == self.account)
                .count();
            if k >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the simulator never received order #{n}");
    }

    /// No output the rig saw, nor the log file or journal, holds the secret.
    pub fn assert_no_canary_on_disk(&self) {
        for entry in walk(&self.dir) {
            if entry.ends_with("keys.toml") {
                continue;
            }
            let bytes = std::fs::read(&entry).unwrap_or_default();
            assert!(
                !bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()),
                "the secret is in {}",
                entry.display()
            );
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
