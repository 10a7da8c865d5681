//! The Binance wire layer: REST, WebSocket streams, decoding.

pub mod rest;
pub mod sign;
pub mod signed;
pub mod signer;
pub mod user_stream;
pub mod wire;
pub mod wire_account;
pub mod ws;

pub use rest::{RestClient, RestError};
