//! `tradeterm order` and `tradeterm cancel`: one order request through
//! the engine (filters, risk, journal intent, venue), then its outcome as
//! the venue reports it. Nothing is retried here: an unknown outcome is
//! reported as such and resolved by the journal at the next start.

use super::cli::{GlobalOpts, OrderTypeArg, SideArg, TifArg};
use super::print::{order_json, print_order};
use super::trade_session::{confirm, Exit, Session, EXIT_UNKNOWN};
use anyhow::{bail, Result};
use rust_decimal::Decimal;
use tradeterm::config::Mode;
use tradeterm::domain::Side;
use tradeterm::engine::{Command, OrderTicket, View};
use tradeterm::trading::filters;
use tradeterm::trading::order::{client_order_id, Order, OrderStatus, OrderType, TimeInForce};

pub struct OrderArgs {
    pub side: SideArg,
    pub symbol: String,
    pub qty: Option<Decimal>,
    pub limit: Option<Decimal>,
    pub quote_qty: Option<Decimal>,
    pub kind: Option<OrderTypeArg>,
    pub tif: TifArg,
    pub stop: Option<Decimal>,
    pub yes: bool,
    pub json: bool,
    pub timeout: f64,
}

/// The ticket the arguments describe, or why they do not describe one.
pub fn ticket(a: &OrderArgs) -> Result<OrderTicket> {
    let kind = match a.kind {
        Some(OrderTypeArg::Market) => OrderType::Market,
        Some(OrderTypeArg::Limit) => OrderType::Limit,
        Some(OrderTypeArg::LimitMaker) => OrderType::LimitMaker,
        Some(OrderTypeArg::StopLossLimit) => OrderType::StopLossLimit,
        Some(OrderTypeArg::TakeProfitLimit) => OrderType::TakeProfitLimit,
        None if a.limit.is_some() => OrderType::Limit,
        None => OrderType::Market,
    };
    let priced = kind != OrderType::Market;
    if priced && a.limit.is_none() {
        bail!("a {} order needs --limit PRICE", kind.as_str());
    }
    if !priced && a.limit.is_some() {
        bail!("a MARKET order takes no --limit (use --type limit)");
    }
    let stop = matches!(kind, OrderType::StopLossLimit | OrderType::TakeProfitLimit);
    if stop && a.stop.is_none() {
        bail!("a {} order needs --stop PRICE", kind.as_str());
    }
    if !stop && a.stop.is_some() {
        bail!("--stop applies to stop-loss-limit and take-profit-limit orders only");
    }
    if a.quote_qty.is_some() && priced {
        bail!("--quote-qty applies to MARKET orders only");
    }
    for (name, v) in [
        ("QTY", a.qty),
        ("--limit", a.limit),
        ("--quote-qty", a.quote_qty),
        ("--stop", a.stop),
    ] {
        if v.is_some_and(|v| v <= Decimal::ZERO) {
            bail!("{name} must be positive");
        }
    }
    let tif = match kind {
        OrderType::Market | OrderType::LimitMaker => None,
        _ => Some(match a.tif {
            TifArg::Gtc => TimeInForce::Gtc,
            TifArg::Ioc => TimeInForce::Ioc,
            TifArg::Fok => TimeInForce::Fok,
        }),
    };
    Ok(OrderTicket {
        symbol: a.symbol.trim().to_uppercase(),
        side: match a.side {
            SideArg::Buy => Side::Buy,
            SideArg::Sell => Side::Sell,
        },
        kind,
        tif,
        price: a.limit,
        stop_price: a.stop,
        qty: a.qty,
        quote_qty: a.quote_qty,
        client_order_id: None,
        tag: Some("cli".into()),
    })
}

/// One line saying exactly what will be sent (after rounding to the
/// symbol's filters) and what it costs, for the confirmation.
fn summary(t: &OrderTicket, v: &View, mode: Mode) -> Result<String> {
    let tv = v.trading.as_ref().expect("ready() waited for trading");
    let Some(f) = &tv.filters else {
        bail!("no filters known for {}", t.symbol);
    };
    let mid = v
        .best()
        .map(|(b, a)| (b.to_decimal() + a.to_decimal()) / Decimal::TWO);
    let d =
        filters::validate(f, t.draft(), mid, tv.open_orders.len() as u32).map_err(|r| Exit {
            code: 1,
            message: format!("REFUSED: {r}"),
        })?;
    let px = d.price.or(mid);
    let notional = match (d.quote_qty, d.qty, px) {
        (Some(q), None, _) => Some(q),
        (_, Some(q), Some(p)) => Some(q * p),
        _ => None,
    };
    let fee_rate = if t.kind == OrderType::Market {
        tv.taker_fee
    } else {
        tv.maker_fee.max(tv.taker_fee)
    };
    let quote = &tv.quote_asset;
    let mut s = format!(
        "{} via {}: {} {}",
        mode.badge(),
        tv.venue,
        t.side.as_str(),
        t.kind.as_str()
    );
    if let Some(q) = d.qty {
        s += &format!(" {} {}", q.normalize(), tv.base_asset);
    }
    if let Some(q) = d.quote_qty.filter(|_| d.qty.is_none()) {
        s += &format!(" for {} {quote}", q.normalize());
    }
    s += &format!(" {}", t.symbol);
    if let Some(p) = d.price {
        s += &format!(" @ {}", p.normalize());
    }
    if let Some(p) = d.stop_price {
        s += &format!(" (trigger {})", p.normalize());
    }
    if let Some(n) = notional {
        let approx = if d.price.is_none() { "~" } else { "" };
        s += &format!(
            ", notional {approx}{} {quote}, fee up to {} {quote}",
            n.round_dp(8).normalize(),
            (n * fee_rate).round_dp(8).normalize()
        );
    }
    Ok(s)
}

/// Resting orders are done once the venue acknowledged them; takers once
/// they are finished.
pub(super) fn settled(o: &Order) -> bool {
    let rests = match o.kind {
        OrderType::Market => false,
        OrderType::Limit => o.tif == Some(TimeInForce::Gtc),
        _ => true,
    };
    o.status.is_terminal()
        || (rests
            && o.exchange_id.is_some()
            && matches!(o.status, OrderStatus::New | OrderStatus::PartiallyFilled))
}

enum Outcome {
    Refused(String),
    Settled(Order),
}

pub async fn order(g: &GlobalOpts, a: OrderArgs) -> Result<()> {
    let mut t = ticket(&a)?;
    let mut s = Session::open(g, Some(&t.symbol), a.timeout).await?;
    let res = place(&mut s, &mut t, &a).await;
    s.close().await;
    res
}

async fn place(s: &mut Session, t: &mut OrderTicket, a: &OrderArgs) -> Result<()> {
    let v = s.ready(true).await?;
    let line = summary(t, &v, s.mode)?;
    let asks = matches!(s.mode, Mode::Testnet | Mode::Demo | Mode::Live);
    if asks && !a.yes {
        let typed = (s.mode == Mode::Live).then_some(t.symbol.as_str());
        confirm(&line, typed).await?;
    } else if !a.json {
        eprintln!("{line}");
    }
    let cid = client_order_id(
        "cli",
        tradeterm::exchange::rest::now_ms(),
        std::process::id() as u64,
    );
    t.client_order_id = Some(cid.clone());
    s.send(Command::PlaceOrder(t.clone())).await?;
    let outcome = s
        .wait_for("the order's outcome", |v| {
            let tv = v.trading.as_ref()?;
            let mine = |n: &&tradeterm::engine::Notice| n.client_order_id.as_deref() == Some(&cid);
            if let Some(o) = tv
                .open_orders
                .iter()
                .chain(&tv.recent_orders)
                .find(|o| o.client_order_id == cid)
            {
                if o.status == OrderStatus::Rejected {
                    let why = tv.notices.iter().find(mine).map(|n| n.text.clone());
                    return Some(Outcome::Refused(
                        why.unwrap_or_else(|| format!("{cid} rejected")),
                    ));
                }
                return settled(o).then(|| Outcome::Settled(o.clone()));
            }
            let n = tv.notices.iter().find(mine)?;
            n.error.then(|| Outcome::Refused(n.text.clone()))
        })
        .await;
    let view = s.wait_for("the view", |v| Some(v.clone())).await?;
    match outcome {
        Ok(Outcome::Settled(o)) => {
            let tv = view.trading.as_ref().expect("trading view");
            let fills: Vec<_> = tv
                .fills
                .iter()
                .filter(|f| f.client_order_id == cid)
                .cloned()
                .collect();
            if a.json {
                println!("{}", order_json(&o, &fills, s.mode, &tv.venue));
            } else {
                print_order(&o, &fills);
            }
            Ok(())
        }
        Ok(Outcome::Refused(why)) => Err(Exit {
            code: 1,
            message: why,
        }
        .into()),
        Err(e) => {
            let known = view.trading.as_ref().and_then(|tv| {
                tv.open_orders
                    .iter()
                    .chain(&tv.recent_orders)
                    .find(|o| o.client_order_id == cid)
                    .cloned()
            });
            match known {
                Some(o) => Err(Exit {
                    code: EXIT_UNKNOWN,
                    message: format!(
                        "order {cid} is {} ({e}); the journal keeps it and the next start resolves it with the venue; it is never resent",
                        o.status.as_str()
                    ),
                }
                .into()),
                None => Err(e),
            }
        }
    }
}

pub struct CancelArgs {
    pub symbol: String,
    pub order_id: Option<String>,
    pub all: bool,
    pub yes: bool,
    pub json: bool,
    pub timeout: f64,
}

pub async fn cancel(g: &GlobalOpts, a: CancelArgs) -> Result<()> {
    let symbol = a.symbol.trim().to_uppercase();
    let mut s = Session::open(g, Some(&symbol), a.timeout).await?;
    let res = cancel_in(&mut s, &symbol, &a).await;
    s.close().await;
    res
}

async fn cancel_in(s: &mut Session, symbol: &str, a: &CancelArgs) -> Result<()> {
    let v = s.ready(false).await?;
    let tv = v.trading.as_ref().expect("ready() waited for trading");
    let open: Vec<Order> = tv
        .open_orders
        .iter()
        .filter(|o| o.symbol == symbol)
        .cloned()
        .collect();
    let targets: Vec<Order> = if a.all {
        if open.is_empty() {
            if a.json {
                println!("[]");
            } else {
                println!("no open orders on {symbol}");
            }
            return Ok(());
        }
        if !a.yes {
            let line = format!(
                "{} via {}: cancel all {} open orders on {symbol}",
                s.mode.badge(),
                tv.venue,
                open.len()
            );
            confirm(&line, None).await?;
        }
        s.send(Command::CancelAll {
            symbol: symbol.to_string(),
        })
        .await?;
        open
    } else {
        let id = a.order_id.as_deref().unwrap_or_default();
        let Some(o) = open.iter().find(|o| {
            o.client_order_id == id || o.exchange_id.is_some_and(|x| x.to_string() == id)
        }) else {
            let ids: Vec<String> = open
                .iter()
                .map(|o| {
                    o.exchange_id
                        .map(|x| x.to_string())
                        .unwrap_or_else(|| o.client_order_id.clone())
                })
                .collect();
            bail!(
                "no open order {id} on {symbol} (open: {})",
                if ids.is_empty() {
                    "none".to_string()
                } else {
                    ids.join(", ")
                }
            );
        };
        s.send(Command::CancelOrder {
            symbol: symbol.to_string(),
            client_order_id: o.client_order_id.clone(),
        })
        .await?;
        vec![o.clone()]
    };
    let cids: Vec<String> = targets.iter().map(|o| o.client_order_id.clone()).collect();
    let since = tradeterm::exchange::rest::now_ms() - 1;
    let done = s
        .wait_for("the cancellation", |v| {
            let tv = v.trading.as_ref()?;
            if let Some(n) = tv.notices.iter().find(|n| {
                n.error
                    && n.time_ms >= since
                    && n.client_order_id.as_ref().is_some_and(|c| cids.contains(c))
            }) {
                return Some(Err(n.text.clone()));
            }
            let all: Vec<&Order> = tv.open_orders.iter().chain(&tv.recent_orders).collect();
            let finished: Vec<Order> = cids
                .iter()
                .filter_map(|c| {
                    all.iter()
                        .find(|o| &o.client_order_id == c && o.status.is_terminal())
                        .map(|o| (*o).clone())
                })
                .collect();
            (finished.len() == cids.len()).then_some(Ok(finished))
        })
        .await?;
    match done {
        Ok(orders) => {
            if a.json {
                let v: Vec<_> = orders
                    .iter()
                    .map(|o| order_json(o, &[], s.mode, ""))
                    .collect();
                println!("[{}]", v.join(","));
            } else {
                for o in &orders {
                    print_order(o, &[]);
                }
            }
            Ok(())
        }
        Err(why) => Err(Exit {
            code: 1,
            message: why,
        }
        .into()),
    }
}
