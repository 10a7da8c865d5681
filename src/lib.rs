//! tradeterm: a terminal trading client for Binance Spot.
//!
//! Data flows one way: `exchange` (wire) -> `market` (state) -> `engine`
//! (publishes a read-only [`engine::View`]) -> `ui` (renders, sends
//! [`engine::Command`]s). The UI never touches the network.

pub mod capture;
pub mod config;
pub mod domain;
pub mod engine;
pub mod exchange;
pub mod fixed;
pub mod indicators;
pub mod journal;
pub mod keys;
pub mod klines_csv;
pub mod logging;
pub mod market;
pub mod portfolio;
pub mod risk;
pub mod sim;
pub mod strategy;
pub mod text;
pub mod trading;
pub mod ui;
pub mod venue;
