//! Parameters of the signed endpoints, checked as Binance checks them:
//! mandatory (-1102), not required (-1106), illegal characters (-1100),
//! invalid enums (-1115/-1116/-1117), and the order and OCO shapes.

use super::auth::{mandatory, random_token};
use super::engine::OrderRef;
use super::json::RespType;
use super::types::*;
use crate::domain::Side;
use crate::trading::order::{OrderType, TimeInForce};
use rust_decimal::Decimal;

/// The decoded parameters of a request (query then body).
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    pub fn need(&self, k: &str) -> Result<&str, Reject> {
        self.get(k).ok_or_else(|| mandatory(k))
    }

    pub fn not(&self, k: &str) -> Result<(), Reject> {
        match self.get(k) {
            Some(_) => Err(Reject::new(
                400,
                -1106,
                format!("Parameter '{k}' sent when not required."),
            )),
            None => Ok(()),
        }
    }

    pub fn dec(&self, k: &str) -> Result<Option<Decimal>, Reject> {
        let Some(v) = self.get(k) else {
            return Ok(None);
        };
        let legal = v
            .split_once('.')
            .map_or(v.len() <= 20 && !v.is_empty(), |(i, f)| {
                !i.is_empty() && i.len() <= 20 && !f.is_empty() && f.len() <= 20
            })
            && v.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        if !legal {
            return Err(Reject::new(
                400,
                -1100,
                format!("Illegal characters found in parameter '{k}'; legal range is '^([0-9]{{1,20}})(\\.[0-9]{{1,20}})?$'."),
            ));
        }
        v.parse().map(Some).map_err(|_| mandatory(k))
    }

    pub fn int(&self, k: &str) -> Result<Option<i64>, Reject> {
        match self.get(k) {
            None => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| {
                Reject::new(400, -1100, format!("Illegal characters found in parameter '{k}'; legal range is '^[0-9]{{1,20}}$'."))
            }),
        }
    }

    pub fn client_id(&self, k: &str) -> Result<Option<String>, Reject> {
        match self.get(k) {
            None => Ok(None),
            Some(v) if v.len() <= 36 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => Ok(Some(v.to_string())),
            Some(_) => Err(Reject::new(400, -1100, format!("Illegal characters found in parameter '{k}'; legal range is '^[a-zA-Z0-9-_]{{1,36}}$'."))),
        }
    }

    pub fn side(&self) -> Result<Side, Reject> {
        match self.need("side")? {
            "BUY" => Ok(Side::Buy),
            "SELL" => Ok(Side::Sell),
            _ => Err(Reject::new(400, -1117, "Invalid side.")),
        }
    }

    pub fn kind(&self, k: &str) -> Result<OrderType, Reject> {
        Ok(match self.need(k)? {
            "LIMIT" => OrderType::Limit,
            "MARKET" => OrderType::Market,
            "LIMIT_MAKER" => OrderType::LimitMaker,
            "STOP_LOSS_LIMIT" => OrderType::StopLossLimit,
            "TAKE_PROFIT_LIMIT" => OrderType::TakeProfitLimit,
            _ => return Err(Reject::new(400, -1116, "Invalid orderType.")),
        })
    }

    pub fn tif(&self, k: &str) -> Result<Option<TimeInForce>, Reject> {
        Ok(match self.get(k) {
            None => None,
            Some("GTC") => Some(TimeInForce::Gtc),
            Some("IOC") => Some(TimeInForce::Ioc),
            Some("FOK") => Some(TimeInForce::Fok),
            Some(_) => return Err(Reject::new(400, -1115, "Invalid timeInForce.")),
        })
    }

    pub fn order_ref(&self) -> Result<OrderRef, Reject> {
        if let Some(id) = self.int("orderId")? {
            return Ok(OrderRef::Id(id));
        }
        match self.get("origClientOrderId") {
            Some(c) => Ok(OrderRef::Client(c.to_string())),
            None => Err(Reject::new(
                400,
                -1102,
                "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
            )),
        }
    }
}

pub fn new_order(p: &Params) -> Result<NewOrder, Reject> {
    let symbol = p.need("symbol")?.to_string();
    let side = p.side()?;
    let kind = p.kind("type")?;
    let tif = p.tif("timeInForce")?;
    let (price, stop, qty, quote) = (
        p.dec("price")?,
        p.dec("stopPrice")?,
        p.dec("quantity")?,
        p.dec("quoteOrderQty")?,
    );
    match kind {
        OrderType::Market => {
            p.not("timeInForce")?;
            p.not("price")?;
            match (qty, quote) {
                (None, None) => return Err(Reject::new(
                    400,
                    -1102,
                    "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
                )),
                (Some(_), Some(_)) => p.not("quoteOrderQty")?,
                _ => {}
            }
        }
        OrderType::LimitMaker => {
            p.not("timeInForce")?;
            p.need("price")?;
            p.need("quantity")?;
        }
        _ => {
            p.need("timeInForce")?;
            p.need("price")?;
            p.need("quantity")?;
            p.not("quoteOrderQty")?;
        }
    }
    if matches!(kind, OrderType::StopLossLimit | OrderType::TakeProfitLimit) {
        p.need("stopPrice")?;
    } else {
        p.not("stopPrice")?;
    }
    let client_order_id = p
        .client_id("newClientOrderId")?
        .unwrap_or_else(|| random_token(22));
    Ok(NewOrder {
        symbol,
        side,
        kind,
        tif,
        price,
        stop_price: stop,
        qty,
        quote_qty: quote,
        client_order_id,
    })
}

pub fn resp_type(p: &Params, kind: OrderType) -> Result<RespType, Reject> {
    Ok(match p.get("newOrderRespType") {
        None if matches!(kind, OrderType::Market | OrderType::Limit) => RespType::Full,
        None => RespType::Ack,
        Some("ACK") => RespType::Ack,
        Some("RESULT") => RespType::Result,
        Some("FULL") => RespType::Full,
        Some(_) => {
            return Err(Reject::new(
                400,
                -1130,
                "Data sent for parameter 'newOrderRespType' is not valid.",
            ))
        }
    })
}

pub fn oco(p: &Params) -> Result<NewOco, Reject> {
    let leg = |pre: &str| -> Result<OcoLeg, Reject> {
        let kind = p.kind(&format!("{pre}Type"))?;
        Ok(OcoLeg {
            kind,
            price: p.dec(&format!("{pre}Price"))?,
            stop_price: p.dec(&format!("{pre}StopPrice"))?,
            tif: p.tif(&format!("{pre}TimeInForce"))?,
            client_order_id: p
                .client_id(&format!("{pre}ClientOrderId"))?
                .unwrap_or_else(|| random_token(22)),
        })
    };
    let (above, below) = (leg("above")?, leg("below")?);
    for (pre, l) in [("above", &above), ("below", &below)] {
        p.need(&format!("{pre}Price"))?;
        if l.kind != OrderType::LimitMaker {
            p.need(&format!("{pre}StopPrice"))?;
            p.need(&format!("{pre}TimeInForce"))?;
        }
    }
    Ok(NewOco {
        symbol: p.need("symbol")?.to_string(),
        side: p.side()?,
        qty: p.dec("quantity")?.ok_or_else(|| mandatory("quantity"))?,
        list_client_order_id: p
            .client_id("listClientOrderId")?
            .unwrap_or_else(|| random_token(22)),
        above,
        below,
    })
}
