//! Shared start-up: configuration, logging, the in-process simulator for
//! `--sim`, the symbol pre-flight check, and the TUI command.

use super::cli::GlobalOpts;
use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;
use std::time::Duration;
use tradeterm::config::{self, paths, Config, Layers, Mode};
use tradeterm::exchange::{RestClient, RestError};
use tradeterm::logging::{self, LogSetup};
use tradeterm::sim;

/// Loads the layered configuration with the given flag overrides.
pub fn load_config(g: &GlobalOpts, symbol: Option<&str>) -> Result<Layers> {
    let env: Vec<(String, String)> = std::env::vars().collect();
    let user = paths::user_config_file();
    let layers = config::load(
        user.as_deref(),
        g.config.as_deref(),
        &env,
        &g.overrides(symbol),
    )?;
    Ok(layers)
}

/// The log file: `--log-file`/`paths.log_file`, else the platform dir.
pub fn log_path(c: &Config) -> Option<PathBuf> {
    if !c.paths.log_file.is_empty() {
        return Some(PathBuf::from(&c.paths.log_file));
    }
    paths::log_dir().map(|d| d.join("tradeterm.log"))
}

pub fn init_logging(c: &Config, verbosity: u8, stderr: bool) -> LogSetup {
    logging::init(log_path(c).as_deref(), verbosity, stderr)
}

/// In `sim` mode without explicit endpoints, starts the simulator in this
/// process and points the sim endpoints at it.
pub async fn start_sim_if_needed(c: &mut Config) -> Result<Option<sim::SimHandle>> {
    if c.mode != Mode::Sim {
        return Ok(None);
    }
    let ep = c.endpoints.entry(Mode::Sim).or_default();
    if !ep.rest.is_empty() && !ep.ws.is_empty() {
        return Ok(None);
    }
    let handle = sim::start(sim::SimConfig::from_cfg(&c.sim))
        .await
        .context("cannot start the simulator")?;
    let ep = c.endpoints.entry(Mode::Sim).or_default();
    if ep.rest.is_empty() {
        ep.rest = handle.rest_url();
    }
    if ep.ws.is_empty() {
        ep.ws = handle.ws_url();
    }
    if ep.ws_api.is_empty() {
        ep.ws_api = handle.ws_api_url();
    }
    tracing::info!(rest = %ep.rest, ws = %ep.ws, "simulator running in-process");
    Ok(Some(handle))
}

/// The mode's REST endpoint must be set (there is no default for some).
pub fn require_rest(c: &Config) -> Result<()> {
    if c.endpoints().rest.is_empty() {
        bail!(
            "no REST endpoint for mode {}: set endpoints.{}.rest or pass --rest-url",
            c.mode,
            c.mode
        );
    }
    Ok(())
}

/// Refuses a symbol the exchange says it does not list. An unreachable
/// exchange is not an error here: the caller keeps retrying visibly.
pub async fn preflight_symbol(c: &Config, symbol: &str) -> Result<()> {
    let ep = c.endpoints();
    require_rest(c)?;
    if ep.ws.is_empty() {
        bail!(
            "no WebSocket endpoint for mode {}: set endpoints.{}.ws or pass --ws-url",
            c.mode,
            c.mode
        );
    }
    let rest = RestClient::new(
        &ep.rest,
        Duration::from_secs(c.network.connect_timeout_secs.min(5)),
        Duration::from_secs(c.network.request_timeout_secs.min(5)),
    );
    match rest.exchange_info(Some(symbol)).await {
        Ok(info) if info.symbols.iter().any(|s| s.symbol == symbol) => Ok(()),
        Ok(_) | Err(RestError::Api { code: -1121, .. }) => Err(anyhow!(
            "unknown symbol {symbol}: {} does not list it (expected a Binance Spot symbol such as BTCUSDT)",
            rest.host()
        )),
        Err(e) => {
            tracing::warn!(error = %e, "symbol check skipped");
            Ok(())
        }
    }
}

/// Live mode moves real money: it must be asked for on this command line
/// (`--live` or `--mode live`), never inherited from a config file or the
/// environment.
pub fn require_explicit_live(g: &GlobalOpts, mode: Mode) -> Result<()> {
    if mode == Mode::Live && g.mode() != Some(Mode::Live) {
        bail!("live mode (real money) must be chosen on the command line with --live; it is never taken from a config file or the environment");
    }
    Ok(())
}

/// `tradeterm` with no command: the terminal UI.
pub async fn tui(g: &GlobalOpts) -> Result<()> {
    let layers = load_config(g, None)?;
    let mut c = layers.config;
    require_explicit_live(g, c.mode)?;
    let logs = init_logging(&c, g.verbose, false);
    let sim = start_sim_if_needed(&mut c).await?;
    preflight_symbol(&c, &c.symbol).await?;
    let (trading, off) = trading_settings(&c, g, sim.as_ref());
    if let Some(why) = off {
        tracing::error!("order entry is off: {why}");
    }
    let engine = tradeterm::engine::spawn(
        tradeterm::engine::EngineSettings::from_config(&c).with_trading(trading),
    );
    let opts = tradeterm::ui::UiOptions {
        cfg: c.ui.clone(),
        read_only: g.read_only,
    };
    let res = tradeterm::ui::run(
        opts,
        engine.view.clone(),
        engine.commands.clone(),
        logs.ring.clone(),
    )
    .await;
    engine.shutdown().await;
    if let Some(s) = sim {
        s.shutdown().await;
    }
    if let Some(p) = &logs.file {
        println!("log: {}", p.display());
    }
    res.context("terminal error")
}

/// Where orders go in this session: the paper venue (paper mode, or
/// `--paper`), the in-process simulator with its generated keys, or the
/// mode's exchange with the user's keys. Without usable keys order entry is
/// off (market data still works); the second value says why.
pub fn trading_settings(
    c: &Config,
    g: &GlobalOpts,
    sim: Option<&sim::SimHandle>,
) -> (
    tradeterm::engine::trading_setup::TradingSettings,
    Option<String>,
) {
    let base = tradeterm::engine::trading_setup::TradingSettings::from_config(
        c,
        paths::data_dir(),
        g.read_only,
    );
    if g.paper || c.mode == Mode::Paper {
        return (base, None);
    }
    match load_credentials(c, g, sim) {
        Ok(creds) => {
            tracing::info!(mode = %c.mode, origin = %creds.origin, "API keys loaded");
            (base.with_exchange(c, creds), None)
        }
        Err(e) => {
            let mut b = base;
            b.read_only = true;
            (b, Some(e.to_string()))
        }
    }
}

/// The API keys of `c`'s mode, found the one way the TUI and `keys check`
/// share: the in-process simulator's generated pair, else the environment
/// (`TRADETERM_<MODE>_API_KEY`/`_SECRET`), else the keys file (`--keys` or
/// `<config dir>/keys.toml`, refused when group/other-readable). Hardens
/// the process once keys are in memory.
pub fn load_credentials(
    c: &Config,
    g: &GlobalOpts,
    sim: Option<&sim::SimHandle>,
) -> Result<tradeterm::keys::Credentials, tradeterm::keys::KeysError> {
    use tradeterm::keys::{Credentials, Secret, Signer};
    if let Some((key, secret)) = sim.and_then(|s| s.generated_credentials()) {
        return Ok(Credentials {
            api_key: Secret::new(key),
            signer: Signer::Hmac(Secret::new(secret)),
            origin: "the in-process simulator".into(),
        });
    }
    let file = g
        .keys
        .clone()
        .or_else(|| paths::config_dir().map(|d| d.join("keys.toml")))
        .unwrap_or_else(|| PathBuf::from("keys.toml"));
    let env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("TRADETERM_"))
        .collect();
    let creds = tradeterm::keys::load(c.mode, &file, &env)?;
    tradeterm::keys::harden_process();
    Ok(creds)
}
