//! Building the trading side for a mode: where its journal lives, which
//! venue serves it, and the risk limits and paper settings from config.

use super::trading::Trading;
use crate::config::{Config, Mode};
use crate::exchange::signed::{SignedClient, SignedSettings};
use crate::exchange::signer::RequestSigner;
use crate::exchange::user_stream::UserStreamSettings;
use crate::exchange::RestClient;
use crate::journal::Journal;
use crate::keys::{Credentials, Signer};
use crate::risk::{RiskEngine, RiskLimits};
use crate::trading::venue::{Venue, VenueEvent};
use crate::venue::exchange::ExchangeVenue;
use crate::venue::paper::PaperSettings;
use crate::venue::paper_adapter::PaperAdapter;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// Where orders go.
#[derive(Clone, Debug)]
pub enum VenueChoice {
    /// Local fills against the mode's live market data.
    Paper,
    /// Binance or the simulator, over signed REST and the user data stream.
    Exchange {
        rest_url: String,
        ws_api_url: String,
        credentials: Credentials,
    },
}

/// What the trading side needs; `None` paths keep everything in memory
/// (tests).
#[derive(Clone, Debug)]
pub struct TradingSettings {
    pub journal: Option<PathBuf>,
    pub paper_state: Option<PathBuf>,
    pub risk: RiskLimits,
    pub paper: PaperSettings,
    pub read_only: bool,
    pub venue: VenueChoice,
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
}

impl TradingSettings {
    /// From config, with the journal and paper state in `data_dir`
    /// (one of each per mode: paper, sim, testnet, demo and live never mix).
    pub fn from_config(c: &Config, data_dir: Option<PathBuf>, read_only: bool) -> TradingSettings {
        TradingSettings {
            journal: data_dir.as_ref().map(|d| Journal::path_for(d, c.mode)),
            paper_state: data_dir.map(|d| d.join(format!("paper-{}.json", c.mode.as_str()))),
            risk: RiskLimits::from_config(&c.risk),
            paper: PaperSettings {
                maker_fee: c.paper.maker_fee(),
                taker_fee: c.paper.taker_fee(),
                balances: c.paper.start_balances(),
            },
            read_only,
            venue: VenueChoice::Paper,
            request_timeout: Duration::from_secs(c.network.request_timeout_secs),
            connect_timeout: Duration::from_secs(c.network.connect_timeout_secs),
        }
    }

    /// Routes orders to the exchange of `c`'s mode with `credentials`.
    pub fn with_exchange(mut self, c: &Config, credentials: Credentials) -> TradingSettings {
        let ep = c.endpoints();
        self.venue = VenueChoice::Exchange {
            rest_url: ep.rest,
            ws_api_url: ep.ws_api,
            credentials,
        };
        self
    }
}

/// Opens the journal and the venue for `mode`.
pub fn open(
    s: &TradingSettings,
    mode: Mode,
    tx: UnboundedSender<VenueEvent>,
) -> Result<Trading, String> {
    let journal = match &s.journal {
        Some(p) => Journal::open(p),
        None => Journal::open_in_memory(),
    }
    .map_err(|e| e.to_string())?;
    let venue: Box<dyn Venue> = match &s.venue {
        VenueChoice::Paper => {
            let label = if mode == Mode::Paper {
                "paper"
            } else {
                "paper (local fills)"
            };
            Box::new(PaperAdapter::new(
                s.paper.clone(),
                s.paper_state.clone(),
                label,
                tx,
            )?)
        }
        VenueChoice::Exchange {
            rest_url,
            ws_api_url,
            credentials,
        } => {
            if ws_api_url.is_empty() {
                return Err(format!(
                    "no WebSocket API endpoint for mode {mode}: set endpoints.{mode}.ws_api or pass --ws-api-url"
                ));
            }
            let signer = RequestSigner::from_credentials(credentials).map_err(|e| e.to_string())?;
            let rest = RestClient::new(rest_url, s.connect_timeout, s.request_timeout);
            let client = SignedClient::new(rest, signer, SignedSettings::default());
            let mut stream = UserStreamSettings::new(ws_api_url);
            stream.connect_timeout = s.connect_timeout;
            stream.logon = matches!(credentials.signer, Signer::Ed25519 { .. });
            let label = match mode {
                Mode::Sim => "simulator".to_string(),
                Mode::Live => "Binance LIVE".to_string(),
                m => format!("Binance {m}"),
            };
            Box::new(ExchangeVenue::start(client, stream, &label, tx))
        }
    };
    let fees = (s.paper.maker_fee, s.paper.taker_fee);
    Trading::new(
        venue,
        journal,
        RiskEngine::new(s.risk.clone()),
        fees,
        s.read_only,
    )
    .map_err(|e| e.to_string())
}
