//! Market state: order books, tickers, trades and candles, folded from
//! exchange events. No I/O here.

pub mod book;
pub mod book_sync;
pub mod candles;
pub mod state;

pub use book::OrderBook;
pub use book_sync::{BookStatus, BookSync};
pub use state::MarketState;
