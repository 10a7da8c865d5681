//! `tradeterm oco`: one OCO order list through the engine, then both legs
//! as the venue reports them.

use super::cli::{GlobalOpts, SideArg};
use super::print::{order_json, print_order};
use super::trade_order::settled;
use super::trade_session::{confirm, Exit, Session, EXIT_UNKNOWN};
use anyhow::{bail, Result};
use rust_decimal::Decimal;
use tradeterm::config::Mode;
use tradeterm::domain::Side;
use tradeterm::engine::{Command, OcoTicket};
use tradeterm::trading::order::{client_order_id, Order, OrderStatus};

pub struct OcoArgs {
    pub side: SideArg,
    pub symbol: String,
    pub qty: Decimal,
    pub limit: Decimal,
    pub stop: Decimal,
    pub stop_limit: Option<Decimal>,
    pub yes: bool,
    pub json: bool,
    pub timeout: f64,
}

pub async fn oco(g: &GlobalOpts, a: OcoArgs) -> Result<()> {
    for (name, v) in [
        ("QTY", Some(a.qty)),
        ("--limit", Some(a.limit)),
        ("--stop", Some(a.stop)),
        ("--stop-limit", a.stop_limit),
    ] {
        if v.is_some_and(|v| v <= Decimal::ZERO) {
            bail!("{name} must be positive");
        }
    }
    let symbol = a.symbol.trim().to_uppercase();
    let mut s = Session::open(g, Some(&symbol), a.timeout).await?;
    let res = place(&mut s, &symbol, &a).await;
    s.close().await;
    res
}

async fn place(s: &mut Session, symbol: &str, a: &OcoArgs) -> Result<()> {
    let v = s.ready(true).await?;
    let tv = v.trading.as_ref().expect("ready() waited for trading");
    let side = match a.side {
        SideArg::Buy => Side::Buy,
        SideArg::Sell => Side::Sell,
    };
    let stop_limit = a.stop_limit.unwrap_or(a.stop);
    let line = format!(
        "{} via {}: OCO {} {} {} {symbol}: LIMIT_MAKER @ {} / STOP_LOSS_LIMIT trigger {} limit {}, notional up to {} {}",
        s.mode.badge(),
        tv.venue,
        side.as_str(),
        a.qty.normalize(),
        tv.base_asset,
        a.limit.normalize(),
        a.stop.normalize(),
        stop_limit.normalize(),
        (a.qty * a.limit.max(stop_limit)).normalize(),
        tv.quote_asset
    );
    if matches!(s.mode, Mode::Testnet | Mode::Demo | Mode::Live) && !a.yes {
        confirm(&line, (s.mode == Mode::Live).then_some(symbol)).await?;
    } else if !a.json {
        eprintln!("{line}");
    }
    // Room for the "-L"/"-S" leg suffixes within Binance's 36 characters.
    let list: String = client_order_id(
        "cli",
        tradeterm::exchange::rest::now_ms(),
        std::process::id() as u64,
    )
    .chars()
    .take(34)
    .collect();
    let legs = [format!("{list}-L"), format!("{list}-S")];
    s.send(Command::PlaceOco(OcoTicket {
        symbol: symbol.to_string(),
        side,
        qty: a.qty,
        limit_price: a.limit,
        stop_price: a.stop,
        stop_limit_price: a.stop_limit,
        list_client_order_id: Some(list.clone()),
        tag: Some("cli".into()),
    }))
    .await?;
    let ids = [list.clone(), legs[0].clone(), legs[1].clone()];
    let outcome = s
        .wait_for("the OCO's outcome", |v| {
            let tv = v.trading.as_ref()?;
            let all: Vec<&Order> = tv.open_orders.iter().chain(&tv.recent_orders).collect();
            let found: Vec<Order> = legs
                .iter()
                .filter_map(|c| {
                    all.iter()
                        .find(|o| &o.client_order_id == c)
                        .map(|o| (*o).clone())
                })
                .collect();
            if found.len() == 2 && found.iter().all(|o| o.status == OrderStatus::Rejected) {
                let why = tv
                    .notices
                    .iter()
                    .find(|n| n.client_order_id.as_ref().is_some_and(|c| ids.contains(c)));
                return Some(Err(why
                    .map(|n| n.text.clone())
                    .unwrap_or_else(|| "OCO rejected".into())));
            }
            if found.len() == 2 && found.iter().all(settled) {
                return Some(Ok(found));
            }
            let n = tv
                .notices
                .iter()
                .find(|n| n.error && n.client_order_id.as_deref() == Some(list.as_str()))?;
            Some(Err(n.text.clone()))
        })
        .await;
    match outcome {
        Ok(Ok(orders)) => {
            if a.json {
                let v: Vec<String> = orders.iter().map(|o| order_json(o, &[], s.mode, "")).collect();
                println!("[{}]", v.join(","));
            } else {
                for o in &orders {
                    print_order(o, &[]);
                }
            }
            Ok(())
        }
        Ok(Err(why)) => Err(Exit { code: 1, message: why }.into()),
        Err(e) => Err(Exit {
            code: EXIT_UNKNOWN,
            message: format!("OCO {list}: {e}; the journal keeps its legs and the next start resolves them with the venue"),
        }
        .into()),
    }
}
