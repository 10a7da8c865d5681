//! The public REST routes, with Binance's weights, parameter checks and
//! error codes. Every response carries `X-MBX-USED-WEIGHT-1M`; injected
//! REST faults and the real weight limit answer before the route runs.

use super::clock::wall_ms;
use super::data::{self, SymbolSpec, WEIGHT_LIMIT_1M};
use super::driver::Shared;
use super::faults::RestFault;
use super::http::{Request, Response};
use super::json;
use super::klines;
use crate::domain::Interval;

const SYMBOL_RANGE: &str = "^[A-Z0-9-_.]{1,20}$";
const SYMBOLS_RANGE: &str = r#"^\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\]$"#;
const UINT_RANGE: &str = "^[0-9]{1,20}$";

type Reply = Result<Response, Response>;

fn mandatory(name: &str) -> Response {
    Response::error(
        400,
        -1102,
        &format!("Mandatory parameter '{name}' was not sent, was empty/null, or malformed."),
    )
}

fn illegal(name: &str, range: &str) -> Response {
    Response::error(
        400,
        -1100,
        &format!("Illegal characters found in parameter '{name}'; legal range is '{range}'."),
    )
}

fn invalid_symbol() -> Response {
    Response::error(400, -1121, "Invalid symbol.")
}

fn ok(body: String) -> Reply {
    Ok(Response::json(200, body))
}

fn lookup(name: &str, param: &str) -> Result<&'static SymbolSpec, Response> {
    let legal = !name.is_empty()
        && name.len() <= 20
        && name
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || b"-_.".contains(&c));
    if !legal {
        return Err(illegal(param, SYMBOL_RANGE));
    }
    data::spec(name).ok_or_else(invalid_symbol)
}

fn symbol(req: &Request) -> Result<&'static SymbolSpec, Response> {
    match req.param("symbol") {
        Some(s) if !s.is_empty() => lookup(&s, "symbol"),
        _ => Err(mandatory("symbol")),
    }
}

/// `symbol=X`, `symbols=["A","B"]`, or neither (all symbols).
fn symbol_set(req: &Request) -> Result<(Vec<&'static SymbolSpec>, bool), Response> {
    if req.param("symbol").is_some() {
        return Ok((vec![symbol(req)?], true));
    }
    match req.param("symbols") {
        None => Ok((data::specs().iter().collect(), false)),
        Some(list) => {
            let names: Vec<String> =
                serde_json::from_str(&list).map_err(|_| illegal("symbols", SYMBOLS_RANGE))?;
            if names.is_empty() {
                return Err(illegal("symbols", SYMBOLS_RANGE));
            }
            let specs = names
                .iter()
                .map(|n| lookup(n, "symbols"))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((specs, false))
        }
    }
}

fn uint(req: &Request, name: &str) -> Result<Option<u64>, Response> {
    match req.param(name) {
        None => Ok(None),
        Some(v) if v.is_empty() => Err(mandatory(name)),
        Some(v) => v.parse().map(Some).map_err(|_| illegal(name, UINT_RANGE)),
    }
}

/// Binance's weight for a request (counted even when it then fails).
fn weight(req: &Request) -> u32 {
    let per_symbols = |one: u32, all: u32| -> u32 {
        if req.param("symbol").is_some() {
            one
        } else if let Some(list) = req.param("symbols") {
            let n = list.matches(',').count() + 1;
            match n {
                0..=20 => one * n as u32,
                21..=100 => all / 2,
                _ => all,
            }
        } else {
            all
        }
    };
    match req.path.as_str() {
        "/api/v3/ping" | "/api/v3/time" => 1,
        "/api/v3/exchangeInfo" => 20,
        "/api/v3/depth" => match req
            .param("limit")
            .and_then(|l| l.parse::<u64>().ok())
            .unwrap_or(100)
        {
            0..=100 => 5,
            101..=500 => 25,
            501..=1000 => 50,
            _ => 250,
        },
        "/api/v3/klines" | "/api/v3/avgPrice" => 2,
        "/api/v3/trades" => 25,
        "/api/v3/ticker/24hr" => per_symbols(2, 80),
        "/api/v3/ticker/bookTicker" => per_symbols(2, 4),
        _ => 0,
    }
}

pub(super) fn fault_response(f: RestFault) -> Response {
    let mut r = match f.status {
        429 => Response::error(
            429,
            -1003,
            &format!(
                "Too much request weight used; current limit is {WEIGHT_LIMIT_1M} request weight per 1 MINUTE. \
                 Please use WebSocket Streams for live updates to avoid polling the API."
            ),
        ),
        418 => {
            let until = wall_ms() + f.retry_after.unwrap_or(120) as i64 * 1000;
            Response::error(
                418,
                -1003,
                &format!(
                    "Way too much request weight used; IP banned until {until}. \
                     Please use WebSocket Streams for live updates to avoid bans."
                ),
            )
        }
        503 => Response::error(
            503,
            -1008,
            "Server is currently overloaded with other requests. Please try again in a few minutes.",
        ),
        504 => Response::error(
            504,
            -1007,
            "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
        ),
        s => Response::error(s, -1000, "An unknown error occurred while processing the request."),
    };
    if let Some(secs) = f.retry_after {
        r.headers.push(("Retry-After", secs.to_string()));
    }
    r
}

/// Answers one REST request.
pub async fn handle(req: &Request, shared: &Shared) -> Response {
    let (used, over) = shared.add_weight(weight(req));
    let mut resp = if let Some(secs) = over {
        fault_response(RestFault {
            status: 429,
            retry_after: Some(secs),
        })
    } else if let Some(f) = shared.faults.take_rest_error() {
        fault_response(f)
    } else {
        route(req, shared).await.unwrap_or_else(|e| e)
    };
    resp.headers
        .push(("X-MBX-USED-WEIGHT-1M", used.to_string()));
    resp
}

async fn route(req: &Request, shared: &Shared) -> Reply {
    if req.method != "GET" {
        return Err(Response::error(404, -1000, "Unknown endpoint."));
    }
    match req.path.as_str() {
        "/api/v3/ping" => ok("{}".into()),
        "/api/v3/time" => ok(format!(
            r#"{{"serverTime":{}}}"#,
            shared.faults.server_time_ms()
        )),
        "/api/v3/exchangeInfo" => {
            let (specs, _) = symbol_set(req)?;
            ok(json::exchange_info(wall_ms(), &specs))
        }
        "/api/v3/depth" => depth(req, shared).await,
        "/api/v3/klines" => klines(req, shared),
        "/api/v3/ticker/24hr" => ticker(req, shared),
        "/api/v3/ticker/bookTicker" => book_ticker(req, shared),
        "/api/v3/trades" => {
            let spec = symbol(req)?;
            let limit = uint(req, "limit")?.unwrap_or(500).clamp(1, 1000) as usize;
            let m = shared.market.lock().expect("market lock");
            let s = m.get(&spec.info.symbol).ok_or_else(invalid_symbol)?;
            ok(json::trades_rest(&s.recent_trades(limit)))
        }
        "/api/v3/avgPrice" => {
            let spec = symbol(req)?;
            let at = shared.clock.now_ms();
            let m = shared.market.lock().expect("market lock");
            let s = m.get(&spec.info.symbol).ok_or_else(invalid_symbol)?;
            ok(json::avg_price(s.avg_price(at), s.last_trade_time()))
        }
        _ => Err(Response::error(404, -1000, "Unknown endpoint.")),
    }
}

async fn depth(req: &Request, shared: &Shared) -> Reply {
    let spec = symbol(req)?;
    let limit = uint(req, "limit")?.unwrap_or(100).clamp(1, 5000) as usize;
    let delay = shared.faults.snapshot_delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let stale = shared.faults.take_stale();
    let snap = {
        let m = shared.market.lock().expect("market lock");
        let s = m.get(&spec.info.symbol).ok_or_else(invalid_symbol)?;
        if stale {
            s.stale_depth(limit)
        } else {
            s.depth(limit)
        }
    };
    if stale {
        tracing::info!(symbol = %spec.info.symbol, id = snap.last_update_id, "sim fault: stale snapshot served");
    }
    ok(json::depth_snapshot(&snap))
}

fn klines(req: &Request, shared: &Shared) -> Reply {
    let spec = symbol(req)?;
    let interval = match req.param("interval") {
        None => return Err(mandatory("interval")),
        Some(i) if i.is_empty() => return Err(mandatory("interval")),
        Some(i) => {
            Interval::parse(&i).ok_or_else(|| Response::error(400, -1120, "Invalid interval."))?
        }
    };
    let limit = uint(req, "limit")?.unwrap_or(500).clamp(1, 1000) as usize;
    let start = uint(req, "startTime")?.map(|v| v as i64);
    let end = uint(req, "endTime")?.map(|v| v as i64);
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(Response::error(
                400,
                -1128,
                "Combination of optional parameters invalid.",
            ));
        }
    }
    let (history, live) = {
        let m = shared.market.lock().expect("market lock");
        let s = m.get(&spec.info.symbol).ok_or_else(invalid_symbol)?;
        (s.klines.history().clone(), s.klines.live(interval))
    };
    // Aggregating history can take a moment the first time: outside the lock.
    let rows = klines::select(history.closed(interval), &live, start, end, limit);
    ok(json::klines(&rows))
}

/// One object for `symbol=`, an array otherwise (as Binance).
fn one_or_array(single: bool, items: Vec<String>) -> String {
    if single {
        items.into_iter().next().unwrap_or_default()
    } else {
        format!("[{}]", items.join(","))
    }
}

fn ticker(req: &Request, shared: &Shared) -> Reply {
    let (specs, single) = symbol_set(req)?;
    let mini = match req.param("type").as_deref() {
        None | Some("FULL") => false,
        Some("MINI") => true,
        Some(_) => {
            return Err(Response::error(
                400,
                -1130,
                "Data sent for parameter 'type' is not valid.",
            ))
        }
    };
    let at = shared.clock.now_ms();
    let m = shared.market.lock().expect("market lock");
    let items = specs
        .iter()
        .filter_map(|spec| m.get(&spec.info.symbol))
        .map(|s| json::ticker_rest(&s.stats(at), mini))
        .collect();
    ok(one_or_array(single, items))
}

fn book_ticker(req: &Request, shared: &Shared) -> Reply {
    let (specs, single) = symbol_set(req)?;
    let m = shared.market.lock().expect("market lock");
    let items = specs
        .iter()
        .filter_map(|spec| m.get(&spec.info.symbol))
        .map(|s| {
            json::book_ticker_rest(
                s.symbol(),
                s.book.best_bid().unwrap_or_default(),
                s.book.best_ask().unwrap_or_default(),
            )
        })
        .collect();
    ok(one_or_array(single, items))
}
