//! How the scripting commands print orders, fills, balances and positions:
//! aligned text for people, JSON (exact decimals as strings) for scripts.

use rust_decimal::Decimal;
use serde_json::{json, Value};
use tradeterm::config::Mode;
use tradeterm::engine::PositionRow;
use tradeterm::trading::account::{Balance, Fill};
use tradeterm::trading::order::Order;

fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

fn opt(d: Option<Decimal>) -> Value {
    d.map(|d| Value::String(dec(d))).unwrap_or(Value::Null)
}

/// Average fill price of an order (quote spent / base filled).
fn avg_price(o: &Order) -> Option<Decimal> {
    (!o.executed_qty.is_zero()).then(|| (o.cum_quote / o.executed_qty).round_dp(8))
}

pub fn order_value(o: &Order) -> Value {
    json!({
        "client_order_id": o.client_order_id,
        "order_id": o.exchange_id,
        "symbol": o.symbol,
        "side": o.side.as_str(),
        "type": o.kind.as_str(),
        "time_in_force": o.tif.map(|t| match t {
            tradeterm::trading::order::TimeInForce::Gtc => "GTC",
            tradeterm::trading::order::TimeInForce::Ioc => "IOC",
            tradeterm::trading::order::TimeInForce::Fok => "FOK",
        }),
        "price": opt(o.price),
        "stop_price": opt(o.stop_price),
        "qty": opt(o.qty),
        "quote_qty": opt(o.quote_qty),
        "status": o.status.as_str(),
        "executed_qty": dec(o.executed_qty),
        "cumulative_quote_qty": dec(o.cum_quote),
        "avg_price": opt(avg_price(o)),
        "updated_ms": o.updated_ms,
    })
}

pub fn fill_value(f: &Fill) -> Value {
    json!({
        "trade_id": f.trade_id,
        "order_id": f.order_id,
        "client_order_id": f.client_order_id,
        "symbol": f.symbol,
        "side": f.side.as_str(),
        "price": dec(f.price),
        "qty": dec(f.qty),
        "quote_qty": dec(f.quote_qty),
        "commission": dec(f.commission),
        "commission_asset": f.commission_asset,
        "maker": f.is_maker,
        "time_ms": f.time,
    })
}

/// One order with its fills, as `tradeterm order --json` prints it.
pub fn order_json(o: &Order, fills: &[Fill], mode: Mode, venue: &str) -> String {
    let mut v = order_value(o);
    v["mode"] = json!(mode.as_str());
    if !venue.is_empty() {
        v["venue"] = json!(venue);
    }
    v["fills"] = Value::Array(fills.iter().map(fill_value).collect());
    v.to_string()
}

pub fn print_order(o: &Order, fills: &[Fill]) {
    let mut line = format!(
        "{:<16} {} {} {}",
        o.status.as_str(),
        o.side.as_str(),
        o.kind.as_str(),
        o.symbol
    );
    if let Some(q) = o.qty {
        line += &format!(" qty {}", dec(q));
    }
    if let Some(q) = o.quote_qty {
        line += &format!(" quote {}", dec(q));
    }
    if let Some(p) = o.price {
        line += &format!(" @ {}", dec(p));
    }
    if let Some(p) = o.stop_price {
        line += &format!(" trigger {}", dec(p));
    }
    line += &format!("  executed {}", dec(o.executed_qty));
    if let Some(a) = avg_price(o) {
        line += &format!(" avg {}", dec(a));
    }
    match o.exchange_id {
        Some(id) => line += &format!("  id {id} ({})", o.client_order_id),
        None => line += &format!("  ({})", o.client_order_id),
    }
    println!("{line}");
    for f in fills {
        println!(
            "  fill {} @ {}  fee {} {} ({})  trade {}",
            dec(f.qty),
            dec(f.price),
            dec(f.commission),
            f.commission_asset,
            if f.is_maker { "maker" } else { "taker" },
            f.trade_id
        );
    }
}

pub fn balances_json(
    bals: &[Balance],
    positions: &[PositionRow],
    mode: Mode,
    venue: &str,
) -> String {
    let b: Vec<Value> = bals
        .iter()
        .map(|b| json!({"asset": b.asset, "free": dec(b.free), "locked": dec(b.locked)}))
        .collect();
    let p: Vec<Value> = positions
        .iter()
        .map(|p| {
            json!({
                "symbol": p.symbol,
                "qty": dec(p.qty),
                "avg_entry": dec(p.avg_entry),
                "mark": opt(p.mark),
                "unrealized_pnl": dec(p.unrealized_pnl),
                "realized_pnl": dec(p.realized_pnl),
                "fees": dec(p.fees),
            })
        })
        .collect();
    json!({"mode": mode.as_str(), "venue": venue, "balances": b, "positions": p}).to_string()
}

pub fn print_balances(bals: &[Balance], positions: &[PositionRow]) {
    println!("{:<10} {:>22} {:>22}", "ASSET", "FREE", "LOCKED");
    for b in bals {
        println!("{:<10} {:>22} {:>22}", b.asset, dec(b.free), dec(b.locked));
    }
    if positions
        .iter()
        .any(|p| !p.qty.is_zero() || !p.realized_pnl.is_zero())
    {
        println!();
        println!(
            "{:<12} {:>16} {:>16} {:>16} {:>14} {:>14} {:>12}",
            "SYMBOL", "QTY", "AVG ENTRY", "MARK", "UNREALIZED", "REALIZED", "FEES"
        );
        for p in positions {
            println!(
                "{:<12} {:>16} {:>16} {:>16} {:>14} {:>14} {:>12}",
                p.symbol,
                dec(p.qty),
                dec(p.avg_entry.round_dp(8)),
                p.mark.map(dec).unwrap_or_else(|| "-".into()),
                dec(p.unrealized_pnl.round_dp(8)),
                dec(p.realized_pnl.round_dp(8)),
                dec(p.fees.round_dp(8))
            );
        }
    }
}
