//! The Binance wire layer: REST, WebSocket streams, decoding.

pub mod wire;
