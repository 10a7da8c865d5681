//! Request parameters for new orders and OCO lists, in Binance's names and
//! plain decimal notation.

use super::SubmitError;
use crate::domain::Side;
use crate::trading::account::{OcoRequest, OrderRequest};
use crate::trading::order::{OrderType, TimeInForce};
use rust_decimal::Decimal;

fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

fn tif_str(t: TimeInForce) -> &'static str {
    match t {
        TimeInForce::Gtc => "GTC",
        TimeInForce::Ioc => "IOC",
        TimeInForce::Fok => "FOK",
    }
}

fn not_sent(reason: &str) -> SubmitError {
    SubmitError::NotSent {
        reason: reason.to_string(),
    }
}

/// The parameters of `POST /api/v3/order` for a request.
pub fn order_params(o: &OrderRequest) -> Result<Vec<(&'static str, String)>, SubmitError> {
    let mut p = vec![
        ("symbol", o.symbol.clone()),
        ("side", o.side.as_str().to_string()),
        ("type", o.kind.as_str().to_string()),
    ];
    let need = |v: Option<Decimal>, what: &str| {
        v.map(dec)
            .ok_or_else(|| not_sent(&format!("{} order needs a {what}", o.kind.as_str())))
    };
    match o.kind {
        OrderType::Market => match (o.qty, o.quote_qty) {
            (Some(q), _) => p.push(("quantity", dec(q))),
            (None, Some(q)) => p.push(("quoteOrderQty", dec(q))),
            (None, None) => {
                return Err(not_sent("MARKET order needs a quantity or a quote amount"))
            }
        },
        OrderType::LimitMaker => {
            p.push(("quantity", need(o.qty, "quantity")?));
            p.push(("price", need(o.price, "price")?));
        }
        OrderType::Limit | OrderType::StopLossLimit | OrderType::TakeProfitLimit => {
            p.push((
                "timeInForce",
                tif_str(o.tif.unwrap_or(TimeInForce::Gtc)).into(),
            ));
            p.push(("quantity", need(o.qty, "quantity")?));
            p.push(("price", need(o.price, "price")?));
            if o.kind != OrderType::Limit {
                p.push(("stopPrice", need(o.stop_price, "stop price")?));
            }
        }
    }
    p.push(("newClientOrderId", o.client_order_id.clone()));
    p.push(("newOrderRespType", "FULL".into()));
    Ok(p)
}

/// The parameters of `POST /api/v3/orderList/oco`: SELL = limit maker
/// above, stop-limit below; BUY = stop-limit above, limit maker below.
pub fn oco_params(o: &OcoRequest) -> Vec<(&'static str, String)> {
    let mut p = vec![
        ("symbol", o.symbol.clone()),
        ("side", o.side.as_str().to_string()),
        ("quantity", dec(o.qty)),
        ("listClientOrderId", o.list_client_order_id.clone()),
    ];
    let (maker, stop) = match o.side {
        Side::Sell => ("above", "below"),
        Side::Buy => ("below", "above"),
    };
    let k = |side: &str, f: &str| -> &'static str {
        match (side, f) {
            ("above", "Type") => "aboveType",
            ("above", "Price") => "abovePrice",
            ("above", "StopPrice") => "aboveStopPrice",
            ("above", "TimeInForce") => "aboveTimeInForce",
            ("above", _) => "aboveClientOrderId",
            ("below", "Type") => "belowType",
            ("below", "Price") => "belowPrice",
            ("below", "StopPrice") => "belowStopPrice",
            ("below", "TimeInForce") => "belowTimeInForce",
            _ => "belowClientOrderId",
        }
    };
    p.push((k(maker, "Type"), "LIMIT_MAKER".into()));
    p.push((k(maker, "Price"), dec(o.limit_price)));
    p.push((k(maker, "ClientOrderId"), o.limit_client_order_id.clone()));
    p.push((k(stop, "Type"), "STOP_LOSS_LIMIT".into()));
    p.push((k(stop, "Price"), dec(o.stop_limit_price)));
    p.push((k(stop, "StopPrice"), dec(o.stop_price)));
    p.push((k(stop, "TimeInForce"), "GTC".into()));
    p.push((k(stop, "ClientOrderId"), o.stop_client_order_id.clone()));
    p
}
