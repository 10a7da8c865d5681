//! The market engine: one task that owns the market state, folds stream
//! events and REST replies into it, and publishes [`View`]s.

pub mod command;
pub mod strategies;
pub mod strategy_view;
pub mod trading;
pub mod trading_setup;
pub mod trading_view;
pub mod view;

pub use command::{Command, OcoTicket, OrderTicket};
pub use strategy_view::{StrategyRow, StrategyStatus};
pub use trading_view::{HaltInfo, Notice, PositionRow, RoundTripRow, TradingView};
pub use view::{BookView, ConnState, RestState, View};
pub mod market;

pub use market::{spawn, BookDump, EngineHandle, EngineSettings};
