//! What the UI (or a CLI command) asks the engine to do.

use crate::domain::Interval;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Switch the market to another symbol (streams are resubscribed, the
    /// old book dropped).
    SwitchSymbol(String),
    /// Change the chart interval (history refetched, kline stream changed).
    SetInterval(Interval),
    /// Stop everything and exit.
    Shutdown,
}
