//! Order keys on the main screen: open the ticket, cancel, cancel all, the
//! kill switch and resume. Every destructive one asks first; the question
//! holds exactly what the answer will send.

use super::format::dec;
use super::keymap::KeyAction;
use super::state::{Confirm, UiState};
use super::ticket::TicketState;
use super::Action;
use crate::domain::Side;
use crate::engine::{Command, View};
use crate::trading::order::Order;

/// Reason the kill switch gives the engine (journaled, shown when halted).
pub const KILL_REASON: &str = "kill switch";

/// How an open order reads in a confirmation.
pub fn order_summary(o: &Order, view: &View) -> String {
    let (pd, qd) = if o.symbol == view.symbol {
        (view.price_decimals, view.qty_decimals)
    } else {
        (8, 8)
    };
    let qty = o.qty.map_or("?".into(), |q| dec(q, qd));
    let at = o
        .price
        .map(|p| format!(" @ {}", dec(p, pd)))
        .unwrap_or_default();
    format!(
        "{} {qty} {}{at} {}",
        o.side.as_str(),
        crate::text::sanitize(&o.symbol),
        o.kind.as_str()
    )
}

/// Main-screen trading actions and answers to a confirmation. Callers have
/// checked that trading is enabled.
pub fn handle(ui: &mut UiState, action: KeyAction, view: &View) -> Option<Action> {
    let tv = view.trading.as_ref()?;
    match action {
        KeyAction::OpenBuy => ui.ticket = Some(TicketState::open(Side::Buy, view)),
        KeyAction::OpenSell => ui.ticket = Some(TicketState::open(Side::Sell, view)),
        KeyAction::KillSwitch => {
            if tv.halted.is_some() {
                ui.trade_msg = Some("already HALTED; R resumes".into());
            } else {
                ui.confirm = Some(Confirm::Halt);
            }
        }
        KeyAction::ResumeTrading => {
            if tv.halted.is_some() {
                ui.confirm = Some(Confirm::Resume);
            } else {
                ui.trade_msg = Some("not halted: nothing to resume".into());
            }
        }
        KeyAction::CancelSelected => {
            let row = ui.sync_order_selection(&tv.open_orders);
            match tv.open_orders.get(row) {
                Some(o) => {
                    ui.confirm = Some(Confirm::Cancel {
                        symbol: o.symbol.clone(),
                        client_order_id: o.client_order_id.clone(),
                        summary: order_summary(o, view),
                    })
                }
                None => ui.trade_msg = Some("no open order to cancel".into()),
            }
        }
        KeyAction::CancelAll => {
            let count = tv
                .open_orders
                .iter()
                .filter(|o| o.symbol == view.symbol)
                .count();
            if count == 0 {
                ui.trade_msg = Some(format!(
                    "no open orders for {}",
                    crate::text::sanitize(&view.symbol)
                ));
            } else {
                ui.confirm = Some(Confirm::CancelAll {
                    symbol: view.symbol.clone(),
                    count,
                });
            }
        }
        KeyAction::ConfirmYes => return ui.confirm.take().map(answer),
        KeyAction::ConfirmNo => ui.confirm = None,
        _ => {}
    }
    None
}

fn answer(c: Confirm) -> Action {
    Action::Send(match c {
        Confirm::Cancel {
            symbol,
            client_order_id,
            ..
        } => Command::CancelOrder {
            symbol,
            client_order_id,
        },
        Confirm::CancelAll { symbol, .. } => Command::CancelAll { symbol },
        Confirm::Halt => Command::Halt {
            reason: KILL_REASON.into(),
        },
        Confirm::Resume => Command::Resume,
        Confirm::StrategyDelete { id, .. } => Command::StrategyDelete(id),
        Confirm::StrategyStart { id, .. } => Command::StrategyStart(id),
    })
}
