//! `tradeterm orders`, `balance`, `halt` and `resume`: the account as the
//! engine knows it after reconciling with the venue, and the kill switch.

use super::cli::GlobalOpts;
use super::print::{balances_json, order_value, print_balances, print_order};
use super::trade_session::Session;
use anyhow::Result;

pub async fn orders(g: &GlobalOpts, open_only: bool, json: bool, timeout: f64) -> Result<()> {
    let mut s = Session::open(g, None, timeout).await?;
    let res = s.ready(false).await;
    s.close().await;
    let v = res?;
    let tv = v.trading.as_ref().expect("ready() waited for trading");
    let mut list: Vec<_> = tv.open_orders.clone();
    if !open_only {
        list.extend(tv.recent_orders.iter().cloned());
    }
    if json {
        let arr: Vec<_> = list.iter().map(order_value).collect();
        println!("{}", serde_json::Value::Array(arr));
    } else if list.is_empty() {
        println!("no {}orders", if open_only { "open " } else { "" });
    } else {
        for o in &list {
            print_order(o, &[]);
        }
    }
    Ok(())
}

pub async fn balance(g: &GlobalOpts, json: bool, timeout: f64) -> Result<()> {
    let mut s = Session::open(g, None, timeout).await?;
    let res = s.ready(false).await;
    let mode = s.mode;
    s.close().await;
    let v = res?;
    let tv = v.trading.as_ref().expect("ready() waited for trading");
    if json {
        println!(
            "{}",
            balances_json(&tv.balances, &tv.positions, mode, &tv.venue)
        );
    } else {
        print_balances(&tv.balances, &tv.positions);
    }
    Ok(())
}

/// Latches the halt in the journal first (it holds even if the venue is
/// unreachable), then waits for the open orders to be cancelled.
pub async fn halt(g: &GlobalOpts, reason: String, timeout: f64) -> Result<()> {
    let mut s = Session::open(g, None, timeout).await?;
    let res = halt_in(&mut s, reason).await;
    s.close().await;
    res
}

async fn halt_in(s: &mut Session, reason: String) -> Result<()> {
    s.wait_for("the journal", |v| v.trading.as_ref().map(|_| ()))
        .await?;
    // Cancelling needs the venue's view of the open orders.
    let reconciled = s.ready(false).await.is_ok();
    s.send(tradeterm::engine::Command::Halt { reason }).await?;
    let v = s
        .wait_for("the halt", |v| {
            let tv = v.trading.as_ref()?;
            tv.halted.as_ref()?;
            (!reconciled || tv.open_orders.is_empty()).then(|| v.clone())
        })
        .await?;
    let tv = v.trading.as_ref().expect("trading view");
    let h = tv.halted.as_ref().expect("halted");
    println!(
        "HALTED ({}): new orders are refused until `tradeterm resume`",
        h.reason
    );
    if !reconciled {
        eprintln!("warning: the venue was not reachable, open orders may still be working; cancel them once it is");
    }
    Ok(())
}

pub async fn resume(g: &GlobalOpts, timeout: f64) -> Result<()> {
    let mut s = Session::open(g, None, timeout).await?;
    let res = async {
        s.wait_for("the journal", |v| v.trading.as_ref().map(|_| ()))
            .await?;
        s.send(tradeterm::engine::Command::Resume).await?;
        s.wait_for("the resume", |v| {
            v.trading
                .as_ref()
                .filter(|t| t.halted.is_none())
                .map(|_| ())
        })
        .await
    }
    .await;
    s.close().await;
    res?;
    println!("trading resumed");
    Ok(())
}
