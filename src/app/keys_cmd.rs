//! `tradeterm keys check`: proves a mode's API keys work before the TUI
//! depends on them, and shows what they may do. It loads the keys exactly
//! as the TUI does ([`load_credentials`]), syncs the clock and calls the
//! signed `GET /api/v3/account`: a wrong secret, an unknown key or a bad
//! clock fails here with Binance's code and message instead of later as a
//! silently read-only session. A key that may withdraw is flagged loudly:
//! a trading client never needs that permission.
//!
//! Nothing here prints the secret or the API key; only where they came from.

use super::cli::{GlobalOpts, ModeArg};
use super::run::{init_logging, load_config, load_credentials, start_sim_if_needed};
use anyhow::{anyhow, bail, Context, Result};
use rust_decimal::Decimal;
use std::time::Duration;
use tradeterm::config::{Config, Mode};
use tradeterm::exchange::signed::{SignedClient, SignedSettings, SubmitError};
use tradeterm::exchange::signer::RequestSigner;
use tradeterm::exchange::wire_account::AccountInfo;
use tradeterm::exchange::RestClient;
use tradeterm::keys::{Credentials, Signer};

/// `tradeterm keys check [--mode M]`.
pub async fn check(g: &GlobalOpts, mode: Option<ModeArg>) -> Result<()> {
    let g = with_mode(g, mode)?;
    let mut c = load_config(&g, None)?.config;
    let _logs = init_logging(&c, g.verbose, g.verbose > 0);
    if c.mode == Mode::Paper {
        bail!("paper mode has no API keys (its orders fill locally); check a mode that has them, e.g. `tradeterm keys check --mode testnet`");
    }
    let sim = start_sim_if_needed(&mut c).await?;
    let res = check_keys(&c, &g, sim.as_ref()).await;
    if let Some(s) = sim {
        s.shutdown().await;
    }
    res
}

/// The global options with the subcommand's `--mode` applied; giving two
/// different modes is an error rather than a guess.
fn with_mode(g: &GlobalOpts, mode: Option<ModeArg>) -> Result<GlobalOpts> {
    let mut g = g.clone();
    if let Some(arg) = mode {
        let m = Mode::from(arg);
        if let Some(other) = g.mode().filter(|o| *o != m) {
            bail!("two modes given ({other} and {m}): give one");
        }
        (g.sim, g.testnet, g.demo, g.live) = (false, false, false, false);
        g.mode = Some(arg);
    }
    Ok(g)
}

fn describe(mode: Mode) -> &'static str {
    match mode {
        Mode::Paper => "paper (local fills)",
        Mode::Sim => "simulator",
        Mode::Testnet => "Binance Spot testnet (fake funds)",
        Mode::Demo => "Binance demo mode (fake funds)",
        Mode::Live => "Binance LIVE (real money)",
    }
}

fn key_type(c: &Credentials) -> String {
    match &c.signer {
        Signer::Hmac(_) => "HMAC-SHA256".into(),
        Signer::Ed25519 { private_key_path } => {
            format!("Ed25519 (private key {})", private_key_path.display())
        }
    }
}

/// What a refusal means for the keys, after Binance's own words.
fn hint(code: i64) -> &'static str {
    match code {
        -1022 => "the API secret (or Ed25519 private key) does not belong to this API key",
        -2014 => "the API key is malformed",
        -2015 => "the API key is unknown here, this IP is not allowed for it, or it lacks the permission",
        -1021 => "the timestamp was outside recvWindow even after syncing the clock; check this machine's clock",
        _ => "",
    }
}

async fn check_keys(
    c: &Config,
    g: &GlobalOpts,
    sim: Option<&tradeterm::sim::SimHandle>,
) -> Result<()> {
    let ep = c.endpoints();
    super::run::require_rest(c)?;
    let creds = load_credentials(c, g, sim)?;
    println!("environment:  {} - {}", c.mode, describe(c.mode));
    println!("endpoint:     {}", ep.rest);
    println!("keys:         {}, from {}", key_type(&creds), creds.origin);
    let signer = RequestSigner::from_credentials(&creds)?;
    let rest = RestClient::new(
        &ep.rest,
        Duration::from_secs(c.network.connect_timeout_secs),
        Duration::from_secs(c.network.request_timeout_secs),
    );
    let client = SignedClient::new(rest, signer, SignedSettings::default());
    let offset = client
        .sync_clock()
        .await
        .with_context(|| format!("cannot read the server clock of {}", ep.rest))?;
    println!("clock offset: {offset:+} ms (server minus local)");
    let account = match client.account().await {
        Ok(a) => a,
        Err(SubmitError::Rejected { code, msg }) => {
            let h = hint(code);
            let h = if h.is_empty() {
                String::new()
            } else {
                format!(" ({h})")
            };
            return Err(anyhow!(
                "{} refused the keys: code {code}: {msg}{h}",
                describe(c.mode)
            ));
        }
        Err(e) => return Err(anyhow!("cannot check the keys: {e}")),
    };
    print_account(&account);
    println!("OK: the {} keys work", c.mode);
    Ok(())
}

/// A rate as a percentage with the raw fraction, e.g. `0.1% (0.001)`.
fn pct(rate: Decimal) -> String {
    format!(
        "{}% ({})",
        (rate * Decimal::ONE_HUNDRED).normalize(),
        rate.normalize()
    )
}

fn print_account(a: &AccountInfo) {
    let perms = if a.permissions.is_empty() {
        "(none listed)".to_string()
    } else {
        a.permissions.join(", ")
    };
    println!(
        "account:      {}, permissions: {perms}",
        if a.account_type.is_empty() {
            "?"
        } else {
            &a.account_type
        }
    );
    println!(
        "flags:        canTrade={} canWithdraw={} canDeposit={}",
        a.can_trade, a.can_withdraw, a.can_deposit
    );
    println!(
        "commission:   maker {}, taker {}",
        pct(a.maker_rate),
        pct(a.taker_rate)
    );
    let non_zero = a
        .balances
        .iter()
        .filter(|b| !(b.free + b.locked).is_zero())
        .count();
    println!("balances:     {non_zero} non-zero");
    if a.can_withdraw {
        println!("WARNING: this key can WITHDRAW funds. A trading client's key should never allow withdrawals: turn \"Enable Withdrawals\" off for it in Binance API Management, or create a key without it.");
    }
    if !a.can_trade {
        println!("NOTE: this key cannot trade (canTrade=false): orders sent with it will be refused. Enable spot trading for it, or run the TUI with --read-only.");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_print_as_percent_and_fraction() {
        assert_eq!(pct("0.00075".parse().unwrap()), "0.075% (0.00075)");
        assert_eq!(pct("0.00100000".parse().unwrap()), "0.1% (0.001)");
    }

    #[test]
    fn one_mode_only() {
        let g = GlobalOpts {
            testnet: true,
            ..Default::default()
        };
        assert!(with_mode(&g, Some(ModeArg::Live)).is_err());
        let g2 = with_mode(&g, Some(ModeArg::Testnet)).unwrap();
        assert_eq!(g2.mode(), Some(Mode::Testnet));
        let g3 = with_mode(&GlobalOpts::default(), Some(ModeArg::Demo)).unwrap();
        assert_eq!(g3.mode(), Some(Mode::Demo));
        assert_eq!(with_mode(&g, None).unwrap().mode(), Some(Mode::Testnet));
    }
}
