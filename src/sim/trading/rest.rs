//! The signed REST endpoints (TRADE / USER_DATA): parameter checks with
//! Binance's codes, signature and timestamp verification, the order-path
//! faults, and the order-count headers.
//!
//! OCO uses the current endpoint `POST /api/v3/orderList/oco`
//! (`aboveType`/`belowType` legs); the deprecated `POST /api/v3/order/oco`
//! is not served.

use super::super::driver::Shared;
use super::super::faults::RestFault;
use super::super::http::{parse_query, Request, Response};
use super::json;
use super::params::{new_order, oco, resp_type, Params};
use super::types::*;
use super::{market_view, Trading};
use rust_decimal::Decimal;

/// What to do with the connection.
pub enum Outcome {
    Reply(Response),
    /// Close the connection without answering (`lose-response`).
    Drop,
}

/// Whether `path` is a signed endpoint served here.
pub fn owns(path: &str) -> bool {
    matches!(
        path,
        "/api/v3/order"
            | "/api/v3/order/test"
            | "/api/v3/openOrders"
            | "/api/v3/allOrders"
            | "/api/v3/myTrades"
            | "/api/v3/account"
            | "/api/v3/orderList/oco"
            | "/api/v3/rateLimit/order"
    )
}

fn weight(method: &str, path: &str, has_symbol: bool) -> u32 {
    match (method, path) {
        ("GET", "/api/v3/order") => 4,
        ("GET", "/api/v3/openOrders") => {
            if has_symbol {
                6
            } else {
                80
            }
        }
        ("GET", "/api/v3/allOrders" | "/api/v3/myTrades" | "/api/v3/account") => 20,
        ("GET", "/api/v3/rateLimit/order") => 40,
        _ => 1,
    }
}

fn reply(r: Reject) -> Response {
    Response::error(r.status, r.code, &r.msg)
}

/// Answers one signed request (`Drop` = close without answering).
pub async fn handle(req: &Request, shared: &Shared, t: &Trading) -> Outcome {
    let raw_body = String::from_utf8_lossy(&req.body).into_owned();
    let mut params = parse_query(&req.query);
    params.extend(parse_query(&raw_body));
    let has_symbol = params.iter().any(|(k, _)| k == "symbol");
    let (used, over) = shared.add_weight(weight(&req.method, &req.path, has_symbol));
    let weight_header = ("X-MBX-USED-WEIGHT-1M", used.to_string());
    let fault = match over {
        Some(secs) => Some(RestFault {
            status: 429,
            retry_after: Some(secs),
        }),
        None => shared.faults.take_rest_error(),
    };
    let mut out = match fault {
        Some(f) => Outcome::Reply(super::super::rest::fault_response(f)),
        None => route(req, &raw_body, Params(params), shared, t).await,
    };
    if let Outcome::Reply(r) = &mut out {
        r.headers.push(weight_header);
    }
    out
}

async fn route(req: &Request, raw_body: &str, p: Params, shared: &Shared, t: &Trading) -> Outcome {
    let mut seen = std::collections::HashSet::new();
    if p.0.iter().any(|(k, _)| !seen.insert(k.as_str())) {
        return Outcome::Reply(Response::error(
            400,
            -1101,
            "Duplicate values for a parameter detected.",
        ));
    }
    let server = shared.faults.server_time_ms();
    let account = {
        let keys = t.keys();
        keys.verify_rest(
            req.header("x-mbx-apikey"),
            &req.query,
            raw_body,
            &p.0,
            server,
        )
    };
    let account = match account {
        Ok(a) => a,
        Err(r) => return Outcome::Reply(reply(r)),
    };
    let ok = |body: String| Outcome::Reply(Response::json(200, body));
    let r = match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/api/v3/order") => return submit(&p, account, shared, t, false).await,
        ("POST", "/api/v3/orderList/oco") => return submit(&p, account, shared, t, true).await,
        ("POST", "/api/v3/order/test") => test_order(&p, account, shared, t),
        ("DELETE", "/api/v3/order") => cancel(&p, account, shared, t),
        ("DELETE", "/api/v3/openOrders") => cancel_all(&p, account, shared, t),
        ("GET", "/api/v3/order") => query(&p, account, t),
        ("GET", "/api/v3/openOrders") => open_orders(&p, account, t),
        ("GET", "/api/v3/allOrders") => all_orders(&p, account, t),
        ("GET", "/api/v3/myTrades") => my_trades(&p, account, t),
        ("GET", "/api/v3/account") => {
            let omit = p.get("omitZeroBalances") == Some("true");
            let b: Vec<(String, Decimal, Decimal)> = t
                .balances(account)
                .into_iter()
                .filter(|b| !omit || !(b.free + b.locked).is_zero())
                .map(|b| (b.asset, b.free, b.locked))
                .collect();
            Ok(json::account(
                account,
                &b,
                server,
                &t.with_engine(|e| e.profile(account)),
            ))
        }
        ("GET", "/api/v3/rateLimit/order") => {
            let (s10, d1) = t.order_counts(account, server);
            Ok(format!(
                r#"[{{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":50,"count":{s10}}},{{"rateLimitType":"ORDERS","interval":"DAY","intervalNum":1,"limit":160000,"count":{d1}}}]"#
            ))
        }
        _ => Err(Reject::new(404, -1000, "Unknown endpoint.")),
    };
    match r {
        Ok(body) => ok(body),
        Err(e) => Outcome::Reply(reply(e)),
    }
}

fn view(shared: &Shared, symbol: &str) -> Result<super::MarketView, Reject> {
    market_view(shared, symbol).ok_or_else(|| Reject::new(400, -1121, "Invalid symbol."))
}

/// New orders and OCO lists, with the submission faults.
async fn submit(
    p: &Params,
    account: AccountId,
    shared: &Shared,
    t: &Trading,
    list: bool,
) -> Outcome {
    let parsed = if list {
        oco(p).map(either_oco)
    } else {
        new_order(p).map(either_order)
    };
    let req = match parsed {
        Ok(r) => r,
        Err(e) => return Outcome::Reply(reply(e)),
    };
    for id in req.client_ids() {
        t.count_submission(&id);
    }
    let tf = shared.faults.trade();
    let submit_fault = tf.take_submit();
    if let Some(f) = submit_fault.filter(|f| !f.accept) {
        tracing::info!(
            status = f.status,
            "sim fault: order submission refused with an ambiguous error"
        );
        return Outcome::Reply(submit_error(f.status));
    }
    let result = place(&req, p, account, shared, t);
    if tf.take_lose() {
        tracing::info!("sim fault: order applied, response lost");
        return Outcome::Drop;
    }
    if let Some(f) = submit_fault {
        tracing::info!(
            status = f.status,
            "sim fault: order applied, answered with an ambiguous error"
        );
        return Outcome::Reply(submit_error(f.status));
    }
    let delay = tf.delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    Outcome::Reply(match result {
        Ok(r) => r,
        Err(e) => reply(e),
    })
}

fn submit_error(status: u16) -> Response {
    if status == 408 {
        Response::error(408, -1007, "Timeout waiting for response from backend server. Send status unknown; execution status unknown.")
    } else {
        Response::error(
            status,
            -1001,
            "Internal error; unable to process your request. Please try again.",
        )
    }
}

enum Submission {
    Order(NewOrder),
    Oco(NewOco),
}

fn either_order(o: NewOrder) -> Submission {
    Submission::Order(o)
}

fn either_oco(o: NewOco) -> Submission {
    Submission::Oco(o)
}

impl Submission {
    fn client_ids(&self) -> Vec<String> {
        match self {
            Submission::Order(o) => vec![o.client_order_id.clone()],
            Submission::Oco(o) => vec![
                o.below.client_order_id.clone(),
                o.above.client_order_id.clone(),
            ],
        }
    }
}

fn place(
    req: &Submission,
    p: &Params,
    account: AccountId,
    shared: &Shared,
    t: &Trading,
) -> Result<Response, Reject> {
    let now = super::super::clock::wall_ms();
    let body = match req {
        Submission::Order(o) => {
            let rt = resp_type(p, o.kind)?;
            let mv = view(shared, &o.symbol)?;
            let placed = t.act(shared, |e| e.place(account, o.clone(), &mv, now))?;
            json::order_response(&placed.order, &placed.fills, rt)
        }
        Submission::Oco(o) => {
            let mv = view(shared, &o.symbol)?;
            let (list, legs) = t.act(shared, |e| e.place_oco(account, o.clone(), &mv, now))?;
            json::oco_response(&list, &legs)
        }
    };
    let (s10, d1) = t.count_placement(account, now);
    let mut r = Response::json(200, body);
    r.headers.push(("X-MBX-ORDER-COUNT-10S", s10.to_string()));
    r.headers.push(("X-MBX-ORDER-COUNT-1D", d1.to_string()));
    Ok(r)
}

fn test_order(
    p: &Params,
    account: AccountId,
    shared: &Shared,
    t: &Trading,
) -> Result<String, Reject> {
    let o = new_order(p)?;
    let mv = view(shared, &o.symbol)?;
    t.with_engine(|e| e.check_filters(account, &o, &mv))?;
    if p.get("computeCommissionRates") == Some("true") {
        return Ok(r#"{"standardCommissionForOrder":{"maker":"0.00100000","taker":"0.00100000"},"taxCommissionForOrder":{"maker":"0.00000000","taker":"0.00000000"},"discount":{"enabledForAccount":false,"enabledForSymbol":false,"discountAsset":"BNB","discount":"0.00000000"}}"#.into());
    }
    Ok("{}".into())
}

fn cancel(p: &Params, account: AccountId, shared: &Shared, t: &Trading) -> Result<String, Reject> {
    let symbol = p.need("symbol")?;
    let r = p.order_ref()?;
    let cid = p.client_id("newClientOrderId")?;
    let now = super::super::clock::wall_ms();
    let (o, cid) = t.act(shared, |e| e.cancel(account, symbol, &r, cid, now))?;
    Ok(json::cancel_response(&o, &cid))
}

fn cancel_all(
    p: &Params,
    account: AccountId,
    shared: &Shared,
    t: &Trading,
) -> Result<String, Reject> {
    let symbol = p.need("symbol")?;
    let now = super::super::clock::wall_ms();
    let v = t.act(shared, |e| e.cancel_all(account, symbol, now))?;
    let items: Vec<String> = v.iter().map(|(o, c)| json::cancel_response(o, c)).collect();
    Ok(format!("[{}]", items.join(",")))
}

fn query(p: &Params, account: AccountId, t: &Trading) -> Result<String, Reject> {
    let symbol = p.need("symbol")?;
    let r = p.order_ref()?;
    let o = t.with_engine(|e| e.query(account, symbol, &r))?;
    Ok(json::query(&o))
}

fn open_orders(p: &Params, account: AccountId, t: &Trading) -> Result<String, Reject> {
    let symbol = p.get("symbol");
    if let Some(s) = symbol {
        t.with_engine(|e| e.rules(s).map(|_| ()))?;
    }
    let v: Vec<SimOrder> = t.with_engine(|e| {
        e.orders()
            .filter(|o| o.account == account && o.is_open() && symbol.is_none_or(|s| s == o.symbol))
            .cloned()
            .collect()
    });
    Ok(json::orders(&v))
}

fn limit(p: &Params) -> Result<usize, Reject> {
    Ok(p.int("limit")?.unwrap_or(500).clamp(1, 1000) as usize)
}

fn all_orders(p: &Params, account: AccountId, t: &Trading) -> Result<String, Reject> {
    let symbol = p.need("symbol")?;
    t.with_engine(|e| e.rules(symbol).map(|_| ()))?;
    let (from, start, end, n) = (
        p.int("orderId")?,
        p.int("startTime")?,
        p.int("endTime")?,
        limit(p)?,
    );
    let v: Vec<SimOrder> = t.with_engine(|e| {
        e.orders()
            .filter(|o| o.account == account && o.symbol == symbol)
            .filter(|o| from.is_none_or(|f| o.order_id >= f))
            .filter(|o| start.is_none_or(|s| o.time >= s) && end.is_none_or(|x| o.time <= x))
            .cloned()
            .collect()
    });
    let v = if from.is_some() {
        v.into_iter().take(n).collect::<Vec<_>>()
    } else {
        v[v.len().saturating_sub(n)..].to_vec()
    };
    Ok(json::orders(&v))
}

fn my_trades(p: &Params, account: AccountId, t: &Trading) -> Result<String, Reject> {
    let symbol = p.need("symbol")?;
    t.with_engine(|e| e.rules(symbol).map(|_| ()))?;
    let (order, from, start, end, n) = (
        p.int("orderId")?,
        p.int("fromId")?,
        p.int("startTime")?,
        p.int("endTime")?,
        limit(p)?,
    );
    let v: Vec<SimTrade> = t.with_engine(|e| {
        e.trades()
            .iter()
            .filter(|x| x.account == account && x.symbol == symbol)
            .filter(|x| {
                order.is_none_or(|o| x.order_id == o) && from.is_none_or(|f| x.trade_id >= f)
            })
            .filter(|x| start.is_none_or(|s| x.time >= s) && end.is_none_or(|e| x.time <= e))
            .cloned()
            .collect()
    });
    let v = if from.is_some() || start.is_some() {
        v.into_iter().take(n).collect::<Vec<_>>()
    } else {
        v[v.len().saturating_sub(n)..].to_vec()
    };
    Ok(json::my_trades(&v))
}
