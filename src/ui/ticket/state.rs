//! What the order ticket holds while it is being filled in. Numbers stay the
//! text the user typed until the preview parses them, so a half-typed
//! "0." is never silently turned into something else.

use super::preview::Fee;
use crate::config::Mode;
use crate::domain::Side;
use crate::engine::{OrderTicket, View};
use crate::trading::order::{OrderType, TimeInForce};
use rust_decimal::Decimal;

/// Longest number a field accepts (Decimal holds 28 digits).
pub const MAX_FIELD: usize = 24;

/// Order types the ticket cycles through, safest (resting) first after
/// LIMIT, the default.
pub const TYPES: [OrderType; 5] = [
    OrderType::Limit,
    OrderType::Market,
    OrderType::LimitMaker,
    OrderType::StopLossLimit,
    OrderType::TakeProfitLimit,
];

pub const TIFS: [TimeInForce; 3] = [TimeInForce::Gtc, TimeInForce::Ioc, TimeInForce::Fok];

/// One line of the ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Side,
    Type,
    Tif,
    Stop,
    Price,
    /// Base quantity or quote amount (MARKET only).
    Unit,
    Amount,
}

impl Field {
    /// Fields edited by typing digits and `.`.
    pub fn is_number(self) -> bool {
        matches!(self, Field::Stop | Field::Price | Field::Amount)
    }
}

/// What the amount field means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Base asset quantity (BTC of BTCUSDT).
    Base,
    /// Quote asset amount to spend or receive (MARKET `quoteOrderQty`).
    Quote,
}

pub fn has_price(kind: OrderType) -> bool {
    kind != OrderType::Market
}

pub fn has_stop(kind: OrderType) -> bool {
    matches!(kind, OrderType::StopLossLimit | OrderType::TakeProfitLimit)
}

/// Binance requires timeInForce on these and refuses it on the others.
pub fn has_tif(kind: OrderType) -> bool {
    matches!(
        kind,
        OrderType::Limit | OrderType::StopLossLimit | OrderType::TakeProfitLimit
    )
}

pub fn tif_str(tif: TimeInForce) -> &'static str {
    match tif {
        TimeInForce::Gtc => "GTC",
        TimeInForce::Ioc => "IOC",
        TimeInForce::Fok => "FOK",
    }
}

/// The order as reviewed, frozen when Enter was pressed on the ticket: what
/// is confirmed is exactly what is sent, however the book moves meanwhile.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewState {
    pub ticket: OrderTicket,
    /// Environment at review time; a change sends the user back.
    pub mode: Option<Mode>,
    pub venue: String,
    pub notional: Option<Decimal>,
    pub fee: Option<Fee>,
    /// LIVE only: what the user typed to confirm (must equal the symbol).
    pub typed: String,
    pub error: Option<String>,
}

impl ReviewState {
    /// LIVE asks for the symbol to be typed before Enter sends.
    pub fn needs_symbol(&self) -> bool {
        self.mode == Some(Mode::Live)
    }
}

/// The ticket being filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketState {
    /// The symbol the ticket was opened for (a symbol switch invalidates it).
    pub symbol: String,
    pub side: Side,
    pub kind: OrderType,
    pub tif: TimeInForce,
    pub price: String,
    pub stop: String,
    pub amount: String,
    pub unit: Unit,
    pub focus: Field,
    /// The next typed character replaces the field: it was just focused or
    /// filled in for the user (touch price, percentage).
    pub fresh: bool,
    /// The user typed a price; until then a side change moves it to the
    /// new side's touch.
    pub price_edited: bool,
    /// The percentage shortcut that filled the amount, if it still stands.
    pub pct: Option<u8>,
    /// Why the last Enter did not open the review.
    pub error: Option<String>,
    pub review: Option<ReviewState>,
}

/// The touch for a side, formatted with the symbol's decimals: the best bid
/// for a buy and the best ask for a sell, so the default price rests.
pub fn touch(side: Side, view: &View) -> Option<String> {
    let (bid, ask) = view.best()?;
    let px = match side {
        Side::Buy => bid,
        Side::Sell => ask,
    };
    (!px.is_zero()).then(|| px.fmt_dp(view.price_decimals))
}

/// Parses a typed number exactly. Empty is `Ok(None)`; anything but digits
/// with at most one `.` is refused with a short reason.
pub fn parse_number(s: &str) -> Result<Option<Decimal>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let dots = s.chars().filter(|c| *c == '.').count();
    if dots > 1 || !s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err("not a number".into());
    }
    if !s.chars().any(|c| c.is_ascii_digit()) {
        return Err("not a number".into());
    }
    let body = s.strip_suffix('.').unwrap_or(s);
    let body = if body.starts_with('.') {
        format!("0{body}")
    } else {
        body.to_string()
    };
    body.parse::<Decimal>()
        .map(Some)
        .map_err(|_| "too many digits".into())
}

impl TicketState {
    /// A LIMIT GTC ticket at the touch, focus on the amount.
    pub fn open(side: Side, view: &View) -> TicketState {
        TicketState {
            symbol: view.symbol.clone(),
            side,
            kind: OrderType::Limit,
            tif: TimeInForce::Gtc,
            price: touch(side, view).unwrap_or_default(),
            stop: String::new(),
            amount: String::new(),
            unit: Unit::Base,
            focus: Field::Amount,
            fresh: true,
            price_edited: false,
            pct: None,
            error: None,
            review: None,
        }
    }

    /// The unit in force: quote amounts only for MARKET orders.
    pub fn unit(&self) -> Unit {
        if self.kind == OrderType::Market {
            self.unit
        } else {
            Unit::Base
        }
    }

    /// The ticket's lines for this order type, in Tab order.
    pub fn fields(&self) -> Vec<Field> {
        let mut f = vec![Field::Side, Field::Type];
        if has_tif(self.kind) {
            f.push(Field::Tif);
        }
        if has_stop(self.kind) {
            f.push(Field::Stop);
        }
        if has_price(self.kind) {
            f.push(Field::Price);
        }
        if self.kind == OrderType::Market {
            f.push(Field::Unit);
        }
        f.push(Field::Amount);
        f
    }

    pub fn text(&self, f: Field) -> Option<&str> {
        match f {
            Field::Stop => Some(&self.stop),
            Field::Price => Some(&self.price),
            Field::Amount => Some(&self.amount),
            _ => None,
        }
    }

    pub(crate) fn text_mut(&mut self, f: Field) -> Option<&mut String> {
        match f {
            Field::Stop => Some(&mut self.stop),
            Field::Price => Some(&mut self.price),
            Field::Amount => Some(&mut self.amount),
            _ => None,
        }
    }

    /// Moves focus `dir` fields, wrapping; a newly focused number is
    /// replaced by the first character typed.
    pub fn step_focus(&mut self, dir: i32) {
        let fields = self.fields();
        let n = fields.len() as i32;
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0) as i32;
        self.focus = fields[(at + dir).rem_euclid(n) as usize];
        self.fresh = true;
    }

    /// Space / Right / Left on a choice field.
    pub fn change(&mut self, dir: i32, view: &View) {
        match self.focus {
            Field::Side => {
                self.side = match self.side {
                    Side::Buy => Side::Sell,
                    Side::Sell => Side::Buy,
                };
                if !self.price_edited {
                    self.price = touch(self.side, view).unwrap_or_default();
                }
                // A percentage of the other side's balance means nothing now.
                if self.pct.take().is_some() {
                    self.amount.clear();
                }
            }
            Field::Type => {
                let at = TYPES.iter().position(|k| *k == self.kind).unwrap_or(0) as i32;
                let before = self.unit();
                self.kind = TYPES[(at + dir).rem_euclid(TYPES.len() as i32) as usize];
                if self.unit() != before {
                    self.set_unit(self.unit());
                }
            }
            Field::Tif => {
                let at = TIFS.iter().position(|t| *t == self.tif).unwrap_or(0) as i32;
                self.tif = TIFS[(at + dir).rem_euclid(TIFS.len() as i32) as usize];
            }
            Field::Unit => {
                let next = match self.unit {
                    Unit::Base => Unit::Quote,
                    Unit::Quote => Unit::Base,
                };
                self.set_unit(next);
            }
            Field::Stop | Field::Price | Field::Amount => {}
        }
        self.error = None;
    }

    /// Changing what the amount means clears it: "100" USDT must never
    /// become 100 BTC.
    pub fn set_unit(&mut self, unit: Unit) {
        if self.unit != unit {
            self.amount.clear();
            self.pct = None;
        }
        self.unit = unit;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn numbers_parse_exactly_or_say_why_not() {
        assert_eq!(parse_number(""), Ok(None));
        assert_eq!(parse_number("0.01"), Ok(Some(d("0.01"))));
        assert_eq!(parse_number("1."), Ok(Some(d("1"))));
        assert_eq!(parse_number(".5"), Ok(Some(d("0.5"))));
        assert_eq!(parse_number("1.2.3"), Err("not a number".into()));
        assert_eq!(parse_number("."), Err("not a number".into()));
        assert_eq!(parse_number("1e5"), Err("not a number".into()));
        assert!(parse_number("123456789012345678901234567890").is_err());
    }
}
