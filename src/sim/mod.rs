//! The local Binance-compatible simulator.

pub mod data;
pub mod history;
pub mod klines;
pub mod market;
pub mod model;
pub mod replay;
pub mod rng;
