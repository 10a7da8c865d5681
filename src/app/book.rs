//! `tradeterm book SYMBOL`: the TUI's order-book machinery without the
//! TUI, printing the synced book.

use super::cli::GlobalOpts;
use super::run::{init_logging, load_config, preflight_symbol, start_sim_if_needed};
use anyhow::{bail, Result};
use std::time::Duration;
use tokio::time::Instant;
use tradeterm::engine::{self, ConnState, EngineSettings};
use tradeterm::fixed::Fx;

pub struct BookArgs {
    pub symbol: String,
    pub depth: usize,
    pub json: bool,
    pub duration: Option<f64>,
    pub timeout: f64,
}

fn secs(v: f64, what: &str) -> Result<Duration> {
    if !(v.is_finite() && v >= 0.0) {
        bail!("{what} must be a number of seconds >= 0, got {v}");
    }
    Ok(Duration::from_secs_f64(v))
}

pub async fn run(g: &GlobalOpts, a: BookArgs) -> Result<()> {
    let symbol = a.symbol.trim().to_uppercase();
    let layers = load_config(g, Some(&symbol))?;
    let mut c = layers.config;
    let _logs = init_logging(&c, g.verbose, g.verbose > 0);
    let duration = a.duration.map(|d| secs(d, "--duration")).transpose()?;
    let timeout = secs(a.timeout, "--timeout")?;
    let sim = start_sim_if_needed(&mut c).await?;
    preflight_symbol(&c, &symbol).await?;
    let handle = engine::spawn(EngineSettings::from_config(&c));
    let start = Instant::now();
    let mut view = handle.view.clone();
    // Wait for the duration (if any) and for the book to be live.
    let deadline = start + duration.unwrap_or_default();
    let give_up = start + duration.unwrap_or_default().max(timeout);
    loop {
        let now = Instant::now();
        let live = view.borrow().book.status == tradeterm::market::BookStatus::Live;
        if now >= deadline && live {
            break;
        }
        if now >= give_up {
            let v = view.borrow().clone();
            let why = match &v.conn {
                Some(ConnState::Retrying { host, reason, .. }) => {
                    format!("cannot reach {host}: {reason}")
                }
                _ => v
                    .rest
                    .last_error
                    .clone()
                    .unwrap_or_else(|| format!("book state {}", v.book.status.as_str())),
            };
            handle.shutdown().await;
            bail!(
                "order book for {symbol} not live after {:.0}s: {why}",
                give_up.duration_since(start).as_secs_f64()
            );
        }
        let wake = if now < deadline { deadline } else { give_up };
        tokio::select! {
            r = view.changed() => if r.is_err() { bail!("engine stopped") },
            _ = tokio::time::sleep_until(wake) => {}
        }
    }
    let dump = handle.book().await;
    handle.shutdown().await;
    if let Some(s) = sim {
        s.shutdown().await;
    }
    let Some(dump) = dump.filter(|d| d.live) else {
        bail!("order book for {symbol} lost sync while printing");
    };
    let n = if a.depth == 0 { usize::MAX } else { a.depth };
    let bids = dump.book.bids.top(n);
    let asks = dump.book.asks.top(n);
    if a.json {
        println!(
            "{}",
            to_json(&symbol, dump.book.last_update_id, &bids, &asks)
        );
    } else {
        print!(
            "{}",
            to_table(&symbol, dump.book.last_update_id, &bids, &asks)
        );
    }
    Ok(())
}

fn pairs(levels: &[(Fx, Fx)]) -> serde_json::Value {
    levels
        .iter()
        .map(|(p, q)| serde_json::json!([p.to_string(), q.to_string()]))
        .collect()
}

pub fn to_json(symbol: &str, id: u64, bids: &[(Fx, Fx)], asks: &[(Fx, Fx)]) -> String {
    serde_json::json!({
        "symbol": symbol,
        "last_update_id": id,
        "bids": pairs(bids),
        "asks": pairs(asks),
    })
    .to_string()
}

pub fn to_table(symbol: &str, id: u64, bids: &[(Fx, Fx)], asks: &[(Fx, Fx)]) -> String {
    let mut out = format!("{symbol} order book at update id {id}\n");
    out.push_str(&format!(
        "{:>18} {:>18} | {:<18} {:<18}\n",
        "bid qty", "bid", "ask", "ask qty"
    ));
    for i in 0..bids.len().max(asks.len()) {
        let b = bids.get(i);
        let a = asks.get(i);
        out.push_str(&format!(
            "{:>18} {:>18} | {:<18} {:<18}\n",
            b.map(|l| l.1.to_string()).unwrap_or_default(),
            b.map(|l| l.0.to_string()).unwrap_or_default(),
            a.map(|l| l.0.to_string()).unwrap_or_default(),
            a.map(|l| l.1.to_string()).unwrap_or_default(),
        ));
    }
    out
}
