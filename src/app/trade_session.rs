//! What the scripting commands (`order`, `orders`, `cancel`, `balance`,
//! `halt`, `resume`) share: the same engine, journal, venue and risk
//! limits as the TUI, started headless; waiting on its published view
//! instead of sleeping; and the confirmation prompt.

use super::cli::GlobalOpts;
use super::run::{
    load_config, preflight_symbol, require_explicit_live, start_sim_if_needed, trading_settings,
};
use anyhow::{anyhow, bail, Result};
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use tradeterm::config::Mode;
use tradeterm::engine::{self, Command, ConnState, EngineHandle, EngineSettings, View};
use tradeterm::market::BookStatus;
use tradeterm::sim::SimHandle;

/// An error that ends the process with a specific exit status.
#[derive(Debug)]
pub struct Exit {
    pub code: u8,
    pub message: String,
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Exit {}

/// Exit status of an order whose outcome is not known.
pub const EXIT_UNKNOWN: u8 = 3;

/// A headless engine with trading on, for one command.
pub struct Session {
    engine: EngineHandle,
    sim: Option<SimHandle>,
    view: watch::Receiver<View>,
    pub mode: Mode,
    /// `strategies.cancel_on_stop`.
    pub cancel_on_stop: bool,
    timeout: Duration,
}

impl Session {
    /// Loads config for `symbol`, starts the in-process simulator where
    /// `--sim` asks for it, and the engine with the mode's venue.
    pub async fn open(g: &GlobalOpts, symbol: Option<&str>, timeout_secs: f64) -> Result<Session> {
        let console = if g.verbose > 0 {
            tradeterm::logging::Console::Stderr
        } else {
            tradeterm::logging::Console::Off
        };
        Session::open_with(g, symbol, timeout_secs, console).await
    }

    /// [`Session::open`] with the log mirrored to `console`.
    pub async fn open_with(
        g: &GlobalOpts,
        symbol: Option<&str>,
        timeout_secs: f64,
        console: tradeterm::logging::Console,
    ) -> Result<Session> {
        if !(timeout_secs.is_finite() && timeout_secs > 0.0) {
            bail!("--timeout must be a positive number of seconds (got {timeout_secs})");
        }
        let layers = load_config(g, symbol)?;
        let mut c = layers.config;
        require_explicit_live(g, c.mode)?;
        tradeterm::logging::init_console(super::run::log_path(&c).as_deref(), g.verbose, console);
        let sim = start_sim_if_needed(&mut c).await?;
        preflight_symbol(&c, &c.symbol).await?;
        let (trading, off) = trading_settings(&c, g, sim.as_ref());
        if let Some(why) = off {
            bail!("trading is off in {} mode: {why}", c.mode);
        }
        let engine = engine::spawn(EngineSettings::from_config(&c).with_trading(trading));
        let view = engine.view.clone();
        Ok(Session {
            engine,
            sim,
            view,
            mode: c.mode,
            cancel_on_stop: c.strategies.cancel_on_stop,
            timeout: Duration::from_secs_f64(timeout_secs),
        })
    }

    /// The engine's published views, for a caller that follows them.
    pub fn view_rx(&self) -> watch::Receiver<View> {
        self.view.clone()
    }

    pub async fn send(&self, c: Command) -> Result<()> {
        self.engine
            .commands
            .send(c)
            .await
            .map_err(|_| anyhow!("the engine stopped"))
    }

    /// Waits (bounded by `--timeout`) until `f` finds what it looks for in
    /// a published view. A trading start-up failure ends the wait at once.
    pub async fn wait_for<T>(
        &mut self,
        what: &str,
        mut f: impl FnMut(&View) -> Option<T>,
    ) -> Result<T> {
        let deadline = Instant::now() + self.timeout;
        loop {
            {
                let v = self.view.borrow_and_update();
                if let Some(e) = &v.trading_error {
                    bail!("trading cannot start: {e}");
                }
                if let Some(t) = f(&v) {
                    return Ok(t);
                }
            }
            match tokio::time::timeout_at(deadline, self.view.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => bail!("the engine stopped while waiting for {what}"),
                Err(_) => {
                    let hint = why_not(&self.view.borrow());
                    bail!(
                        "gave up waiting for {what} after {:.0}s{hint}",
                        self.timeout.as_secs_f64()
                    )
                }
            }
        }
    }

    /// Waits until the account is reconciled with the venue (and, with
    /// `need_book`, the symbol's book is live and its filters known).
    pub async fn ready(&mut self, need_book: bool) -> Result<View> {
        let what = if need_book {
            "the account and the order book"
        } else {
            "the account"
        };
        self.wait_for(what, |v| {
            let tv = v.trading.as_ref()?;
            let book_ok = !need_book || (v.book.status == BookStatus::Live && tv.filters.is_some());
            (tv.reconciled && tv.resolving == 0 && book_ok).then(|| v.clone())
        })
        .await
    }

    /// Stops the engine (and the in-process simulator).
    pub async fn close(self) {
        self.engine.shutdown().await;
        if let Some(s) = self.sim {
            s.shutdown().await;
        }
    }
}

/// What the view says is missing, for a timeout message.
fn why_not(v: &View) -> String {
    let mut parts = Vec::new();
    if let Some(ConnState::Retrying { host, reason, .. }) = &v.conn {
        parts.push(format!("cannot reach {host}: {reason}"));
    }
    if let Some(e) = &v.rest.last_error {
        parts.push(e.clone());
    }
    match &v.trading {
        Some(tv) if !tv.reconciled => {
            parts.push("the account is not reconciled with the venue".into())
        }
        _ => {}
    }
    if v.book.status != BookStatus::Live {
        parts.push(format!("order book {}", v.book.status.as_str()));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

/// Asks on the terminal: with `typed`, the user must type that text (a
/// live order's symbol); otherwise a `y`. Without a terminal there is
/// nobody to ask: refuse (scripts pass `--yes`).
pub async fn confirm(summary: &str, typed: Option<&str>) -> Result<()> {
    if !std::io::stdin().is_terminal() {
        bail!("{summary}: confirmation needed and stdin is not a terminal; pass --yes to send it from a script");
    }
    let prompt = match typed {
        Some(t) => {
            format!("{summary}\n*** LIVE: REAL MONEY *** type {t} to send, anything else cancels: ")
        }
        None => format!("{summary}\nGo ahead? [y/N] "),
    };
    let typed = typed.map(str::to_string);
    let answer = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let mut err = std::io::stderr();
        err.write_all(prompt.as_bytes())?;
        err.flush()?;
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim().to_string())
    })
    .await??;
    let ok = match typed {
        Some(t) => answer == t,
        None => matches!(answer.as_str(), "y" | "Y" | "yes" | "YES"),
    };
    if !ok {
        return Err(Exit {
            code: 1,
            message: "cancelled: nothing was sent".into(),
        }
        .into());
    }
    Ok(())
}
