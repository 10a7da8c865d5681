//! The local Binance-compatible simulator.
