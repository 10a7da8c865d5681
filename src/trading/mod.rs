//! Order-side logic that does not depend on a venue: symbol filters and
//! order validation. (Venues, the journal and risk arrive with trading.)

pub mod account;
pub mod filters;
pub mod order;
pub mod venue;
