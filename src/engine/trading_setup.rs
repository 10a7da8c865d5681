//! Building the trading side for a mode: where its journal lives, which
//! venue serves it, and the risk limits and paper settings from config.

use super::trading::Trading;
use crate::config::{Config, Mode};
use crate::journal::Journal;
use crate::risk::{RiskEngine, RiskLimits};
use crate::trading::venue::VenueEvent;
use crate::venue::paper::PaperSettings;
use crate::venue::paper_adapter::PaperAdapter;
use std::path::PathBuf;
use tokio::sync::mpsc::UnboundedSender;

/// What the trading side needs; `None` paths keep everything in memory
/// (tests).
#[derive(Clone, Debug)]
pub struct TradingSettings {
    pub journal: Option<PathBuf>,
    pub paper_state: Option<PathBuf>,
    pub risk: RiskLimits,
    pub paper: PaperSettings,
    pub read_only: bool,
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
        }
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
    // Orders go to the local paper venue in every mode until the exchange
    // venue is wired in; the label says so on screen.
    let label = match mode {
        Mode::Paper | Mode::Sim => "paper",
        _ => "paper (local fills)",
    };
    let venue = PaperAdapter::new(s.paper.clone(), s.paper_state.clone(), label, tx)?;
    Trading::new(
        Box::new(venue),
        journal,
        RiskEngine::new(s.risk.clone()),
        (s.paper.maker_fee, s.paper.taker_fee),
        s.read_only,
    )
    .map_err(|e| e.to_string())
}
