//! Orders and their life cycle. States only move forward: duplicated or
//! out-of-order execution reports (Binance gives no ordering guarantee
//! across reconnects) never move an order back, and an order whose submit
//! outcome is unknown (timeout, 5xx, -1006, -1007) is `Unknown` until the
//! exchange says otherwise, never `Rejected` by guess.

use crate::domain::Side;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderType {
    Market,
    Limit,
    LimitMaker,
    StopLossLimit,
    TakeProfitLimit,
}

impl OrderType {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderType::Market => "MARKET",
            OrderType::Limit => "LIMIT",
            OrderType::LimitMaker => "LIMIT_MAKER",
            OrderType::StopLossLimit => "STOP_LOSS_LIMIT",
            OrderType::TakeProfitLimit => "TAKE_PROFIT_LIMIT",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TimeInForce {
    #[serde(rename = "GTC")]
    Gtc,
    #[serde(rename = "IOC")]
    Ioc,
    #[serde(rename = "FOK")]
    Fok,
}

/// Order status, Binance's plus the client-side `Intent` (journaled, not
/// yet sent) and `Unknown` (sent, outcome not known).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    Intent,
    Unknown,
    New,
    PartiallyFilled,
    PendingCancel,
    Filled,
    Canceled,
    Rejected,
    Expired,
    ExpiredInMatch,
}

impl OrderStatus {
    /// Parses Binance's `X` / `status` values.
    pub fn from_binance(s: &str) -> Option<OrderStatus> {
        Some(match s {
            "NEW" | "PENDING_NEW" => OrderStatus::New,
            "PARTIALLY_FILLED" => OrderStatus::PartiallyFilled,
            "PENDING_CANCEL" => OrderStatus::PendingCancel,
            "FILLED" => OrderStatus::Filled,
            "CANCELED" => OrderStatus::Canceled,
            "REJECTED" => OrderStatus::Rejected,
            "EXPIRED" => OrderStatus::Expired,
            "EXPIRED_IN_MATCH" => OrderStatus::ExpiredInMatch,
            _ => return None,
        })
    }

    /// Binance's name, or INTENT / UNKNOWN for the client-side states.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Intent => "INTENT",
            OrderStatus::Unknown => "UNKNOWN",
            OrderStatus::New => "NEW",
            OrderStatus::PartiallyFilled => "PARTIALLY_FILLED",
            OrderStatus::PendingCancel => "PENDING_CANCEL",
            OrderStatus::Filled => "FILLED",
            OrderStatus::Canceled => "CANCELED",
            OrderStatus::Rejected => "REJECTED",
            OrderStatus::Expired => "EXPIRED",
            OrderStatus::ExpiredInMatch => "EXPIRED_IN_MATCH",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            OrderStatus::Filled
                | OrderStatus::Canceled
                | OrderStatus::Rejected
                | OrderStatus::Expired
                | OrderStatus::ExpiredInMatch
        )
    }

    /// Position in the life cycle; a report may only raise it.
    fn rank(self) -> u8 {
        match self {
            OrderStatus::Intent => 0,
            OrderStatus::Unknown => 1,
            OrderStatus::New => 2,
            OrderStatus::PartiallyFilled => 3,
            OrderStatus::PendingCancel => 4,
            _ => 5,
        }
    }
}

/// A client order id: unique, at most 36 characters of `[A-Za-z0-9_-]`
/// (Binance's legal range), carrying a short tag (strategy instance or
/// `man` for manual orders) so orders can be attributed after a restart.
pub fn client_order_id(tag: &str, now_ms: i64, seq: u64) -> String {
    let tag: String = tag
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(8)
        .collect();
    let id = format!("tt-{tag}-{now_ms:x}-{seq:x}");
    id.chars().take(36).collect()
}

/// What is known about one order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub client_order_id: String,
    pub exchange_id: Option<i64>,
    pub symbol: String,
    pub side: Side,
    pub kind: OrderType,
    pub tif: Option<TimeInForce>,
    pub price: Option<Decimal>,
    pub stop_price: Option<Decimal>,
    pub qty: Option<Decimal>,
    pub quote_qty: Option<Decimal>,
    pub status: OrderStatus,
    pub executed_qty: Decimal,
    pub cum_quote: Decimal,
    pub updated_ms: i64,
}

/// One status report about an order (executionReport, REST query, order
/// response), reduced to what moves its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub status: OrderStatus,
    pub exchange_id: Option<i64>,
    pub executed_qty: Decimal,
    pub cum_quote: Decimal,
    pub time_ms: i64,
}

impl Order {
    /// The order as known before any venue answer: journaled, not acknowledged.
    pub fn intent(req: &super::account::OrderRequest, now_ms: i64) -> Order {
        Order {
            client_order_id: req.client_order_id.clone(),
            exchange_id: None,
            symbol: req.symbol.clone(),
            side: req.side,
            kind: req.kind,
            tif: req.tif,
            price: req.price,
            stop_price: req.stop_price,
            qty: req.qty,
            quote_qty: req.quote_qty,
            status: OrderStatus::Intent,
            executed_qty: Decimal::ZERO,
            cum_quote: Decimal::ZERO,
            updated_ms: now_ms,
        }
    }

    /// The order's state as a report, to merge it into another copy.
    pub fn as_report(&self) -> Report {
        Report {
            status: self.status,
            exchange_id: self.exchange_id,
            executed_qty: self.executed_qty,
            cum_quote: self.cum_quote,
            time_ms: self.updated_ms,
        }
    }

    /// Applies a report if it moves the order forward; returns whether
    /// anything changed. Cumulative quantities never decrease.
    pub fn apply(&mut self, r: &Report) -> bool {
        if self.exchange_id.is_none() && r.exchange_id.is_some() {
            self.exchange_id = r.exchange_id;
        }
        let more_filled = r.executed_qty > self.executed_qty;
        if more_filled {
            self.executed_qty = r.executed_qty;
            self.cum_quote = self.cum_quote.max(r.cum_quote);
        }
        let forward = !self.status.is_terminal() && r.status.rank() > self.status.rank();
        // A fill seen after PENDING_CANCEL still counts (fills win over cancels).
        let status_changed = if forward {
            self.status = r.status;
            true
        } else if self.status.is_terminal()
            && r.status == OrderStatus::Filled
            && self.status != OrderStatus::Filled
            && more_filled
        {
            self.status = OrderStatus::Filled;
            true
        } else {
            false
        };
        if status_changed || more_filled {
            self.updated_ms = self.updated_ms.max(r.time_ms);
        }
        status_changed || more_filled
    }

    pub fn avg_price(&self) -> Option<Decimal> {
        (!self.executed_qty.is_zero()).then(|| self.cum_quote / self.executed_qty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn order() -> Order {
        Order {
            client_order_id: client_order_id("man", 1_700_000_000_000, 1),
            exchange_id: None,
            symbol: "BTCUSDT".into(),
            side: Side::Buy,
            kind: OrderType::Limit,
            tif: Some(TimeInForce::Gtc),
            price: Some(d("60000")),
            stop_price: None,
            qty: Some(d("0.01")),
            quote_qty: None,
            status: OrderStatus::Unknown,
            executed_qty: Decimal::ZERO,
            cum_quote: Decimal::ZERO,
            updated_ms: 0,
        }
    }

    fn rep(status: OrderStatus, qty: &str, quote: &str) -> Report {
        Report {
            status,
            exchange_id: Some(42),
            executed_qty: d(qty),
            cum_quote: d(quote),
            time_ms: 1,
        }
    }

    #[test]
    fn ids_are_legal_for_binance() {
        let id = client_order_id("grid#1 BTC", i64::MAX, u64::MAX);
        assert!(id.len() <= 36, "{id}");
        assert!(id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(client_order_id("x", 1, 1), client_order_id("x", 1, 2));
    }

    #[test]
    fn out_of_order_reports_never_regress() {
        let mut o = order();
        assert!(o.apply(&rep(OrderStatus::Filled, "0.01", "600")));
        assert!(!o.apply(&rep(OrderStatus::PartiallyFilled, "0.005", "300")));
        assert!(!o.apply(&rep(OrderStatus::New, "0", "0")));
        assert_eq!(o.status, OrderStatus::Filled);
        assert_eq!(o.executed_qty, d("0.01"));
        assert_eq!(o.exchange_id, Some(42));
        assert_eq!(o.avg_price(), Some(d("60000")));
    }

    #[test]
    fn duplicates_change_nothing_twice() {
        let mut o = order();
        assert!(o.apply(&rep(OrderStatus::PartiallyFilled, "0.004", "240")));
        assert!(!o.apply(&rep(OrderStatus::PartiallyFilled, "0.004", "240")));
    }

    #[test]
    fn a_late_fill_beats_a_cancel() {
        let mut o = order();
        o.apply(&rep(OrderStatus::Canceled, "0", "0"));
        assert!(o.apply(&rep(OrderStatus::Filled, "0.01", "600")));
        assert_eq!(o.status, OrderStatus::Filled);
        // But a canceled order keeps its partial fills and stays canceled.
        let mut o = order();
        o.apply(&rep(OrderStatus::PartiallyFilled, "0.004", "240"));
        o.apply(&rep(OrderStatus::Canceled, "0.004", "240"));
        assert_eq!(o.status, OrderStatus::Canceled);
        assert_eq!(o.executed_qty, d("0.004"));
    }
}
