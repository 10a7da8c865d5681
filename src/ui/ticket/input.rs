//! Keys in the ticket and in its review. Only the review's send produces an
//! [`Action`], and only for a ticket the preview passed, after the
//! confirmation the environment asks for.

use super::preview::{percent_amount, preview};
use super::state::{Field, ReviewState, TicketState, Unit, MAX_FIELD};
use crate::domain::Side;
use crate::engine::{Command, OrderTicket, View};
use crate::ui::format::dec;
use crate::ui::keymap::KeyAction;
use crate::ui::state::UiState;
use crate::ui::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Longest confirmation text typed in the LIVE review.
const MAX_TYPED: usize = 32;

/// One-line description of an order, for messages.
pub fn summary(t: &OrderTicket, view: &View) -> String {
    let (pd, qd) = (view.price_decimals, view.qty_decimals);
    let amount = match (t.qty, t.quote_qty) {
        (Some(q), _) => dec(q, qd),
        (None, Some(q)) => format!("{} quote", dec(q, pd)),
        _ => "?".into(),
    };
    let at = t
        .price
        .map(|p| format!(" @ {}", dec(p, pd)))
        .unwrap_or_default();
    format!(
        "{} {amount} {}{at} {}",
        t.side.as_str(),
        t.symbol,
        t.kind.as_str()
    )
}

/// Ticket and review actions. `key` is needed because in the LIVE review
/// `y` and `n` are letters of the symbol being typed, not answers.
pub fn handle(ui: &mut UiState, action: KeyAction, key: &KeyEvent, view: &View) -> Option<Action> {
    let in_review = ui.ticket.as_ref().is_some_and(|t| t.review.is_some());
    if in_review {
        return review_key(ui, action, key, view);
    }
    let t = ui.ticket.as_mut()?;
    match action {
        KeyAction::FieldNext => t.step_focus(1),
        KeyAction::FieldPrev => t.step_focus(-1),
        KeyAction::FieldChange => t.change(1, view),
        KeyAction::FieldChangeBack => t.change(-1, view),
        KeyAction::Percent(pct) => percent(t, pct, view),
        KeyAction::DeleteChar => {
            let f = t.focus;
            if let Some(s) = t.text_mut(f) {
                s.pop();
                edited(t, f);
            }
        }
        KeyAction::ClearInput => {
            let f = t.focus;
            if let Some(s) = t.text_mut(f) {
                s.clear();
                edited(t, f);
            }
        }
        KeyAction::TicketReview => review(t, view),
        KeyAction::TicketClose => ui.ticket = None,
        _ => {}
    }
    None
}

fn edited(t: &mut TicketState, f: Field) {
    t.fresh = false;
    t.error = None;
    match f {
        Field::Price => t.price_edited = true,
        Field::Amount => t.pct = None,
        _ => {}
    }
}

fn percent(t: &mut TicketState, pct: u8, view: &View) {
    // A sell is sized from the base balance: in base units.
    if t.side == Side::Sell && t.unit() == Unit::Quote {
        t.set_unit(Unit::Base);
    }
    match percent_amount(t, pct, view) {
        Ok(a) => {
            t.amount = a;
            t.pct = Some(pct);
            t.focus = Field::Amount;
            t.fresh = true;
            t.error = None;
        }
        Err(e) => t.error = Some(e),
    }
}

/// Digits and `.` go into a focused number field; everything else
/// (including `q`) is ignored, so a stray key cannot quit or send.
pub fn type_char(ui: &mut UiState, c: char) {
    let Some(t) = ui.ticket.as_mut() else { return };
    if let Some(r) = t.review.as_mut() {
        if r.needs_symbol() && c.is_ascii_alphanumeric() && r.typed.len() < MAX_TYPED {
            r.typed.push(c.to_ascii_uppercase());
            r.error = None;
        }
        return;
    }
    if !(c.is_ascii_digit() || c == '.') {
        return;
    }
    let (f, fresh) = (t.focus, t.fresh);
    let Some(s) = t.text_mut(f) else { return };
    if fresh {
        s.clear();
    }
    if s.len() < MAX_FIELD {
        s.push(c);
    }
    edited(t, f);
}

fn review(t: &mut TicketState, view: &View) {
    let p = preview(t, view);
    let Some(ticket) = p.ready.clone() else {
        t.error = p.blocker();
        return;
    };
    t.error = None;
    t.review = Some(ReviewState {
        ticket,
        mode: view.mode,
        venue: view
            .trading
            .as_ref()
            .map(|tv| tv.venue.clone())
            .unwrap_or_default(),
        notional: p.notional,
        fee: p.fee,
        typed: String::new(),
        error: None,
    });
}

fn review_key(ui: &mut UiState, action: KeyAction, key: &KeyEvent, view: &View) -> Option<Action> {
    let t = ui.ticket.as_mut()?;
    let r = t.review.as_mut()?;
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    if let (true, true, KeyCode::Char(c)) = (r.needs_symbol(), plain, key.code) {
        if matches!(action, KeyAction::Send | KeyAction::ReviewBack) {
            type_char(ui, c);
            return None;
        }
    }
    match action {
        KeyAction::ReviewBack => t.review = None,
        KeyAction::DeleteChar => {
            r.typed.pop();
            r.error = None;
        }
        KeyAction::Send => return send(ui, view),
        _ => {}
    }
    None
}

fn send(ui: &mut UiState, view: &View) -> Option<Action> {
    let r = ui.ticket.as_mut()?.review.as_mut()?;
    if r.needs_symbol() && r.typed != r.ticket.symbol {
        r.error = Some(format!(
            "type {} exactly to send this LIVE order",
            r.ticket.symbol
        ));
        return None;
    }
    // The account may have changed while the review was on screen.
    let blocked = match &view.trading {
        None => Some("trading is off".to_string()),
        Some(tv) if tv.halted.is_some() => Some("trading is HALTED".into()),
        Some(tv) if !tv.can_trade => Some(format!(
            "BLOCKED: {}",
            tv.blocked_reason.as_deref().unwrap_or("account not ready")
        )),
        Some(_) if view.mode != r.mode => Some("the environment changed: review again".into()),
        Some(_) if view.symbol != r.ticket.symbol => {
            Some("the symbol changed: review again".into())
        }
        Some(_) => None,
    };
    if let Some(why) = blocked {
        r.error = Some(format!("{why}; nothing was sent"));
        return None;
    }
    let ticket = r.ticket.clone();
    ui.ticket = None;
    ui.trade_msg = Some(format!("sent {}", summary(&ticket, view)));
    Some(Action::Send(Command::PlaceOrder(ticket)))
}
