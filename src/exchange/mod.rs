//! The Binance wire layer: REST, WebSocket streams, decoding.

pub mod rest;
pub mod sign;
pub mod wire;
pub mod ws;

pub use rest::{RestClient, RestError};
