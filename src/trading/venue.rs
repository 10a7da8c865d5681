//! Where approved orders go. One interface, two kinds of implementation:
//! the paper venue (local fills against live market data, synchronous) and
//! the exchange venue (Binance or the simulator over signed REST and the
//! user data stream, asynchronous). Either way, everything a venue has to
//! say comes back to the engine's inbox as [`VenueEvent`]s, so the engine
//! processes one event at a time and never waits on the network.

use super::account::{AccountEvent, Balance, Fill, OcoRequest, OrderRequest};
use crate::domain::{Millis, SymbolInfo, Trade};
use crate::market::MarketState;
use crate::risk::Approved;
use crate::trading::order::Order;
use rust_decimal::Decimal;

/// Requests to a venue. New orders can only be built from risk-approved
/// requests: an unchecked order does not type-check.
#[derive(Debug, PartialEq, Eq)]
pub enum VenueRequest {
    Place(Approved<OrderRequest>),
    PlaceOco(Approved<OcoRequest>),
    Cancel {
        symbol: String,
        client_order_id: String,
    },
    CancelAll {
        symbol: String,
    },
    /// Look an order up by client order id (resolving an UNKNOWN submit).
    Query {
        symbol: String,
        client_order_id: String,
    },
    /// Fetch open orders, balances and recent trades of these symbols.
    Reconcile {
        symbols: Vec<String>,
    },
}

/// Why a submit did not produce an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubmitFailure {
    /// Definitely not placed (Binance refused it, or the local venue did).
    Rejected { code: i64, msg: String },
    /// Timeout, 5xx, -1006, -1007, connection lost after sending: the order
    /// may exist. Resolve by query, never by resending.
    Unknown { reason: String },
}

/// The account as the venue reports it after a reconcile.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Reconciliation {
    pub open_orders: Vec<Order>,
    pub balances: Vec<Balance>,
    /// Recent fills, named with their orders' client order ids.
    pub recent_fills: Vec<Fill>,
    /// Orders of those fills that are no longer open (they finished while
    /// no stream event reached us).
    pub closed_orders: Vec<Order>,
    /// The account's `(maker, taker)` fee rates, when the venue has its own
    /// (an exchange account); `None` keeps the configured ones.
    pub fees: Option<(Decimal, Decimal)>,
}

/// Everything a venue reports back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VenueEvent {
    Account(AccountEvent),
    SubmitFailed {
        client_order_id: String,
        failure: SubmitFailure,
    },
    CancelFailed {
        client_order_id: String,
        code: i64,
        msg: String,
    },
    /// Answer to a `Query`: the order, or `None` when the venue does not know it.
    Queried {
        client_order_id: String,
        order: Option<Order>,
    },
    Reconciled(Reconciliation),
    /// Fills learnt outside the user stream (an order response's `fills`).
    Fills(Vec<Fill>),
    /// A request could not be carried out for a reason worth showing.
    Error {
        context: String,
        message: String,
    },
}

/// A venue the engine drives. Implementations send their events through
/// the channel they were given when built.
pub trait Venue: Send {
    /// "paper", "Binance testnet", ...
    fn name(&self) -> String;
    /// The exchange's symbols (filters, assets), when exchangeInfo arrives.
    fn add_symbols(&mut self, _infos: &[SymbolInfo]) {}
    /// `market` is the engine's current market (paper venues fill
    /// against its book; exchange venues ignore it).
    fn request(&mut self, r: VenueRequest, market: &MarketState, now_ms: Millis);
    /// The book of `market` changed (after a diff or a resync), for venues
    /// that fill locally.
    fn on_book(&mut self, _market: &MarketState, _now_ms: Millis) {}
    /// A public trade of `market`'s symbol, for venues that fill locally.
    fn on_trade(&mut self, _trade: &Trade, _market: &MarketState, _now_ms: Millis) {}
}
