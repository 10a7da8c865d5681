//! `tradeterm ticker SYMBOL`: 24 h statistics and the best bid/ask.

use super::cli::GlobalOpts;
use super::run::{init_logging, load_config, preflight_symbol, start_sim_if_needed};
use anyhow::{Context, Result};
use std::time::Duration;
use tradeterm::exchange::RestClient;

pub async fn run(g: &GlobalOpts, symbol: &str, json: bool) -> Result<()> {
    let symbol = symbol.trim().to_uppercase();
    let layers = load_config(g, Some(&symbol))?;
    let mut c = layers.config;
    let _logs = init_logging(&c, g.verbose, g.verbose > 0);
    let sim = start_sim_if_needed(&mut c).await?;
    preflight_symbol(&c, &symbol).await?;
    let rest = RestClient::new(
        &c.endpoints().rest,
        Duration::from_secs(c.network.connect_timeout_secs),
        Duration::from_secs(c.network.request_timeout_secs),
    );
    let t = rest
        .ticker_24h(&symbol)
        .await
        .with_context(|| format!("24h ticker for {symbol}"))?;
    let b = rest
        .book_ticker(&symbol)
        .await
        .with_context(|| format!("best bid/ask for {symbol}"))?;
    if let Some(s) = sim {
        s.shutdown().await;
    }
    if json {
        let v = serde_json::json!({
            "symbol": symbol,
            "last": t.last.to_string(),
            "change": t.change.to_string(),
            "change_pct": t.change_pct.to_string(),
            "open": t.open.to_string(),
            "high": t.high.to_string(),
            "low": t.low.to_string(),
            "volume": t.volume.to_string(),
            "quote_volume": t.quote_volume.to_string(),
            "trades": t.trades,
            "bid": b.bid.to_string(),
            "bid_qty": b.bid_qty.to_string(),
            "ask": b.ask.to_string(),
            "ask_qty": b.ask_qty.to_string(),
        });
        println!("{v}");
    } else {
        let sign = if t.change.0 >= 0 { "+" } else { "" };
        println!(
            "{symbol}  last {}  24h {sign}{} ({sign}{}%)",
            t.last, t.change, t.change_pct
        );
        println!("  high {}  low {}  open {}", t.high, t.low, t.open);
        println!(
            "  volume {}  quote volume {}  trades {}",
            t.volume, t.quote_volume, t.trades
        );
        println!(
            "  bid {} x {}  ask {} x {}",
            b.bid, b.bid_qty, b.ask, b.ask_qty
        );
    }
    Ok(())
}
