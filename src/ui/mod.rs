//! The terminal user interface.
//!
//! The engine publishes a read-only [`View`] through a `watch` channel; the
//! UI renders it and sends [`Command`]s back. Rendering ([`draw`]) and key
//! handling ([`handle_key`]) are pure functions of [`UiState`], the view
//! and the log ring, so screens are tested with ratatui's `TestBackend`;
//! only [`run`] touches the real terminal.
//!
//! Layout: full at 120x34 and above, compact down to 60x16 (80x24 is the
//! compact reference size), a "terminal too small" message below that.
//!
//! Trading (when the view carries a [`crate::engine::TradingView`] and the
//! UI is not read-only): `b`/`S` open the order [`ticket`], which previews
//! rounding, notional, fee and filter validity live; Enter reviews, and the
//! review sends `Command::PlaceOrder` only after the confirmation the mode
//! asks for (LIVE: typing the symbol). Cancel, cancel-all, the kill switch
//! and resume each ask first.
//!
//! Strategies: the strategies pane (Tab to it; it takes the account row's
//! place while focused) lists the engine's instances and the selected one's
//! signal, indicators, last action and parameters. With trading enabled,
//! `n` opens the [`strategy_form`] (sends `Command::StrategyCreate`), Enter
//! starts / stops, `e` edits parameters, `x` deletes (asks first).

mod completion;
mod event_loop;
mod format;
mod input;
pub mod keymap;
pub mod layout;
pub mod overlays;
pub mod panes;
mod render;
mod state;
pub mod strategy_form;
mod strategy_input;
pub mod terminal;
pub mod theme;
pub mod ticket;
mod trade_input;

use crate::engine::{Command, View};
use crate::logging::LogBuffer;

pub use input::{contexts, handle_key};
pub use render::{draw, too_small_text};
pub use state::{Clock, Confirm, HelpState, Pane, PromptState, UiState, MAX_DEPTH, MIN_DEPTH};
pub use theme::{ColorDepth, Theme};
pub use trade_input::KILL_REASON;

/// How the binary configures the UI.
#[derive(Clone, Debug)]
pub struct UiOptions {
    pub cfg: crate::config::UiCfg,
    /// Hides all order entry: no order key is bound, listed in help or
    /// shown in the footer (keys without trade permission, watching only).
    pub read_only: bool,
}

/// What a key asks the event loop to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Forward to the engine.
    Send(Command),
    /// Leave the UI.
    Quit,
}

/// Owns the terminal until the user quits or a signal arrives. Restores the
/// terminal on every exit path (normal, error, panic via a chained panic
/// hook, SIGTERM, SIGHUP, SIGINT). Sends `Command::Shutdown` on exit.
pub async fn run(
    opts: UiOptions,
    view_rx: tokio::sync::watch::Receiver<View>,
    cmd_tx: tokio::sync::mpsc::Sender<Command>,
    logs: LogBuffer,
) -> std::io::Result<()> {
    event_loop::run(opts, view_rx, cmd_tx, logs).await
}
