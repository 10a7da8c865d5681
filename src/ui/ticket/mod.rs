//! The order ticket: `b`/`S` open it, Enter reviews, the review sends.
//!
//! - [`state`]: the fields as typed;
//! - [`preview`]: rounding, notional, fee and validity, computed afresh on
//!   every frame and key from the ticket and the live view;
//! - [`input`]: keys in the ticket and the review;
//! - [`render`]: the two overlays.

pub mod input;
pub mod preview;
pub mod render;
pub mod state;

pub use preview::{preview, Fee, Liquidity, Preview};
pub use state::{Field, ReviewState, TicketState, Unit};
