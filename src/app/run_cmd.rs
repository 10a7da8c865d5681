//! `tradeterm run`: one strategy instance without the TUI, for servers and
//! systemd. Same engine, journal, risk limits and venue as the TUI; the
//! log goes to the log file and stdout. SIGTERM or Ctrl-C stops the
//! instance (cancelling its open orders when `strategies.cancel_on_stop`)
//! and exits 0.

use super::cli::GlobalOpts;
use super::trade_session::{confirm, Session};
use anyhow::{anyhow, bail, Result};
use std::collections::BTreeSet;
use tokio::signal::unix::{signal, SignalKind};
use tradeterm::config::Mode;
use tradeterm::domain::Interval;
use tradeterm::engine::{Command, StrategyRow, StrategyStatus, View};
use tradeterm::logging::Console;
use tradeterm::strategy::catalog;

pub struct RunArgs {
    pub strategy: String,
    pub params: Vec<String>,
    pub interval: Option<String>,
    pub yes: bool,
    pub timeout: f64,
}

pub async fn run(g: &GlobalOpts, a: RunArgs) -> Result<()> {
    let info = catalog::find(&a.strategy.to_lowercase()).map_err(|e| anyhow!("--strategy: {e}"))?;
    let params = catalog::parse_params(info.name, &a.params.join(" "))
        .map_err(|e| anyhow!("--param: {e}"))?;
    let interval = match &a.interval {
        Some(s) => Some(Interval::parse(s).ok_or_else(|| {
            anyhow!("--interval: {s:?} is not a Binance interval (1s, 1m, 3m, 5m, 15m, 30m, 1h, ... 1M)")
        })?),
        None => None,
    };
    // Signals first: a SIGTERM during start-up must not kill us half-way.
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut s = Session::open_with(g, None, a.timeout, Console::Stdout).await?;
    let res = async {
        let since = tradeterm::exchange::rest::now_ms();
        let id = start(&mut s, info.name, &params.to_string(), interval, a.yes).await?;
        follow(&mut s, id, since, &mut term, &mut int).await
    }
    .await;
    s.close().await;
    res
}

fn row(v: &View, id: u64) -> Option<&StrategyRow> {
    v.strategies.iter().find(|r| r.id == id)
}

/// Creates the instance (or restarts a stopped one of the same strategy,
/// symbol and interval, with these parameters) and waits until it runs.
async fn start(
    s: &mut Session,
    name: &str,
    params: &str,
    interval: Option<Interval>,
    yes: bool,
) -> Result<u64> {
    let v = s.ready(true).await?;
    // Where orders reach an exchange, an unattended strategy is confirmed
    // like an order: y/N, LIVE by typing the symbol, `--yes` for scripts.
    if matches!(s.mode, Mode::Testnet | Mode::Demo | Mode::Live) && !yes {
        let venue = v
            .trading
            .as_ref()
            .map(|t| t.venue.clone())
            .unwrap_or_default();
        let line = format!(
            "{} via {venue}: run {name} on {} ({params}); it places and cancels orders by itself until stopped",
            s.mode.badge(),
            v.symbol
        );
        confirm(&line, (s.mode == Mode::Live).then_some(v.symbol.as_str())).await?;
    }
    let since = tradeterm::exchange::rest::now_ms() - 1;
    let reuse = v.strategies.iter().find(|r| {
        r.name == name
            && r.symbol == v.symbol
            && r.status != StrategyStatus::Running
            && interval.is_none_or(|i| i == r.interval)
    });
    let id = match reuse {
        Some(r) => {
            s.send(Command::StrategyEdit {
                id: r.id,
                params: params.to_string(),
            })
            .await?;
            s.send(Command::StrategyStart(r.id)).await?;
            r.id
        }
        None => {
            let next = v.strategies.iter().map(|r| r.id).max().unwrap_or(0) + 1;
            s.send(Command::StrategyCreate {
                name: name.to_string(),
                symbol: v.symbol.clone(),
                interval,
                params: params.to_string(),
                start: true,
            })
            .await?;
            next
        }
    };
    let started = s
        .wait_for("the strategy to start", |v| {
            if let Some(r) = row(v, id).filter(|r| r.status == StrategyStatus::Running) {
                return Some(Ok(r.clone()));
            }
            let tv = v.trading.as_ref()?;
            let n = tv
                .notices
                .iter()
                .find(|n| n.error && n.time_ms >= since && n.text.contains("REFUSED"))?;
            Some(Err(n.text.clone()))
        })
        .await?;
    match started {
        Ok(r) => {
            tracing::info!(
                id,
                strategy = %r.name,
                symbol = %r.symbol,
                interval = %r.interval.as_str(),
                venue = %r.venue,
                params = %r.params,
                "strategy running; SIGTERM or Ctrl-C stops it"
            );
            Ok(id)
        }
        Err(why) => bail!("{why}"),
    }
}

/// Logs the instance's fills and signal changes until a signal, an error
/// or a halt; then stops it cleanly.
async fn follow(
    s: &mut Session,
    id: u64,
    since: i64,
    term: &mut tokio::signal::unix::Signal,
    int: &mut tokio::signal::unix::Signal,
) -> Result<()> {
    let mut rx = s.view_rx();
    let prefix = format!("tt-s{id}-");
    let mut seen: BTreeSet<i64> = BTreeSet::new();
    let mut signal_text = String::new();
    // What happened before we started watching is news too.
    rx.mark_changed();
    let reason = loop {
        tokio::select! {
            // Views first: a signal arriving with a view pending still sees
            // that view logged (views come at most `fps` times a second).
            biased;
            r = rx.changed() => {
                if r.is_err() {
                    bail!("the engine stopped");
                }
                let v = rx.borrow_and_update().clone();
                let Some(r) = row(&v, id) else { bail!("strategy #{id} was deleted") };
                if let Some(tv) = &v.trading {
                    // This run's fills (the engine's time; an old instance's
                    // earlier fills are not news).
                    let mine = tv.fills.iter().rev().filter(|f| {
                        f.client_order_id.starts_with(&prefix) && f.time >= since - 60_000
                    });
                    for f in mine {
                        if seen.insert(f.trade_id) {
                            tracing::info!(
                                "FILL {} {} {} @ {} fee {} {} ({})",
                                f.side.as_str(), f.qty.normalize(), f.symbol, f.price.normalize(),
                                f.commission.normalize(), f.commission_asset,
                                if f.is_maker { "maker" } else { "taker" }
                            );
                        }
                    }
                }
                if let Some(st) = &r.state {
                    if st.signal != signal_text {
                        signal_text = st.signal.clone();
                        let ind: Vec<String> = st.indicators.iter().map(|(k, v)| format!("{k} {v}")).collect();
                        tracing::info!(signal = %st.signal, "{}", ind.join(", "));
                    }
                }
                match &r.status {
                    StrategyStatus::Running => {}
                    StrategyStatus::Error(e) => bail!("strategy #{id} stopped with an error: {e}"),
                    StrategyStatus::Stopped => bail!(
                        "strategy #{id} was stopped: {}",
                        r.note.clone().unwrap_or_default()
                    ),
                }
            }
            _ = term.recv() => break "SIGTERM",
            _ = int.recv() => break "interrupt",
        }
    };
    tracing::info!(id, "{reason}: stopping the strategy");
    s.send(Command::StrategyStop(id)).await?;
    let cancels = s.cancel_on_stop;
    let last = s
        .wait_for("the strategy's orders to be cancelled", |v| {
            row(v, id)
                .filter(|r| r.status != StrategyStatus::Running && (r.open_orders == 0 || !cancels))
                .cloned()
        })
        .await;
    match last {
        Ok(r) => tracing::info!(
            id,
            position = %r.position.normalize(),
            realized_pnl = %r.realized_pnl.round_dp(8).normalize(),
            fills = r.fills,
            "strategy stopped cleanly"
        ),
        Err(e) => tracing::warn!(
            id,
            "strategy stopped, but {e}; its orders may still be working"
        ),
    }
    Ok(())
}
