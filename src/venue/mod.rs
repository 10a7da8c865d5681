//! Venues: where approved orders go. `paper` matches locally against the
//! live book and trade stream; the exchange venue lives with `exchange/`.

pub mod exchange;
pub mod paper;
pub mod paper_adapter;
