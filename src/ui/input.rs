//! Key handling: a pure function from (state, key, view) to a state change
//! and at most one [`Action`] for the event loop. Which keys do what comes
//! from the keymap tables; order keys are looked up only while trading is
//! enabled, so in a read-only session they do nothing at all.

use super::completion::{candidates, common_prefix, is_known};
use super::keymap::{lookup, Context, KeyAction};
use super::state::{HelpState, Pane, PromptState, UiState, MAX_DEPTH, MIN_DEPTH};
use super::{strategy_form, strategy_input, ticket, trade_input, Action};
use crate::domain::Interval;
use crate::engine::{Command, View};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Completions considered by Tab / Up / Down.
pub const COMPLETION_LIMIT: usize = 50;
/// Longest symbol the prompt accepts.
const MAX_INPUT: usize = 32;

/// The contexts active now, most specific first (also drives the footer).
pub fn contexts(ui: &UiState) -> Vec<Context> {
    if ui.prompt.is_some() {
        vec![Context::Prompt, Context::Anywhere]
    } else if let Some(h) = &ui.help {
        if h.filtering {
            vec![Context::HelpFilter, Context::Anywhere]
        } else {
            vec![Context::Help, Context::Anywhere]
        }
    } else if ui.confirm.is_some() {
        vec![Context::Confirm, Context::Anywhere]
    } else if ui.strategy_form.is_some() {
        vec![Context::StrategyForm, Context::Anywhere]
    } else if let Some(t) = &ui.ticket {
        if t.review.is_some() {
            vec![Context::Review, Context::Anywhere]
        } else {
            vec![Context::Ticket, Context::Anywhere]
        }
    } else {
        // The focused pane's keys first: they win over global ones (see
        // the keymap's module docs and `keymap::SHADOWED`).
        let pane = match ui.focus {
            Pane::Trades | Pane::Logs => Some(Context::Scroll),
            Pane::Orders => Some(Context::Orders),
            Pane::Strategies => Some(Context::Strategies),
            _ => None,
        };
        pane.into_iter()
            .chain([Context::Trade, Context::Main, Context::Anywhere])
            .collect()
    }
}

/// Applies one key. Returns what the event loop must do, if anything.
pub fn handle_key(ui: &mut UiState, key: KeyEvent, view: &View) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let trading = ui.trading_enabled(view);
    if !trading {
        // Trading went away (or never was): nothing may stay half-entered.
        ui.ticket = None;
        ui.strategy_form = None;
        ui.confirm = None;
    }
    if view.trading.is_none() && ui.focus.is_trading() {
        ui.focus = Pane::Book;
    }
    ui.trade_msg = None;
    let ctxs = contexts(ui);
    let Some(action) = lookup(&ctxs, &key, trading) else {
        type_text(ui, &key);
        return None;
    };
    let panes = view.trading.is_some();
    match action {
        KeyAction::Quit => return Some(Action::Quit),
        KeyAction::Help => ui.help = Some(HelpState::default()),
        KeyAction::Back => ui.maximised = false,
        KeyAction::FocusNext => ui.focus = ui.focus.step(1, panes),
        KeyAction::FocusPrev => ui.focus = ui.focus.step(-1, panes),
        KeyAction::SymbolPrompt => ui.prompt = Some(PromptState::default()),
        KeyAction::IntervalPrev => return interval(view, -1),
        KeyAction::IntervalNext => return interval(view, 1),
        KeyAction::DepthMore => ui.book_depth = (ui.book_depth + 1).min(MAX_DEPTH),
        KeyAction::DepthLess => ui.book_depth = ui.book_depth.saturating_sub(1).max(MIN_DEPTH),
        KeyAction::Freeze => ui.toggle_freeze(ui.focus, view),
        KeyAction::Maximise => ui.maximised = !ui.maximised,
        KeyAction::ToggleEma => ui.overlays.ema = !ui.overlays.ema,
        KeyAction::ToggleBollinger => ui.overlays.bb = !ui.overlays.bb,
        KeyAction::CycleSubPane => ui.overlays.sub = ui.overlays.sub.next(),
        KeyAction::ScrollUp | KeyAction::ScrollDown
            if ui.focus == Pane::Strategies && ui.help.is_none() =>
        {
            ui.sync_strategy_selection(&view.strategies);
            ui.strategies_sel = if action == KeyAction::ScrollUp {
                ui.strategies_sel.saturating_sub(1)
            } else {
                ui.strategies_sel.saturating_add(1)
            };
            // Moved by row: the id follows the row.
            ui.strategies_sel_id = None;
            ui.sync_strategy_selection(&view.strategies);
        }
        KeyAction::ScrollUp | KeyAction::ScrollDown => {
            let orders = view.trading.as_ref().map_or(&[][..], |t| &t.open_orders);
            if ui.focus == Pane::Orders {
                ui.sync_order_selection(orders);
            }
            scroll(ui, action);
            if ui.focus == Pane::Orders {
                // Moved by row: the id follows the row.
                ui.orders_sel_id = None;
                ui.sync_order_selection(orders);
            }
        }
        KeyAction::ScrollNewest => *scroll_slot(ui) = 0,
        KeyAction::ScrollOldest => *scroll_slot(ui) = usize::MAX / 2,
        KeyAction::HelpClose => ui.help = None,
        KeyAction::HelpFilter => {
            if let Some(h) = &mut ui.help {
                h.filtering = true;
                h.scroll = 0;
            }
        }
        KeyAction::FilterDone => {
            if let Some(h) = &mut ui.help {
                h.filtering = false;
            }
        }
        KeyAction::FilterClear => {
            if let Some(h) = &mut ui.help {
                h.filtering = false;
                h.filter.clear();
            }
        }
        KeyAction::DeleteChar | KeyAction::ClearInput if ui.strategy_form.is_some() => {
            return strategy_form::handle(ui, action, view)
        }
        KeyAction::DeleteChar | KeyAction::ClearInput if ui.ticket.is_some() => {
            return ticket::input::handle(ui, action, &key, view)
        }
        KeyAction::DeleteChar => {
            if let Some(h) = ui.help.as_mut().filter(|h| h.filtering) {
                h.filter.pop();
            } else if let Some(p) = &mut ui.prompt {
                p.input.pop();
                p.cycle = None;
                p.error = None;
            }
        }
        KeyAction::ClearInput => {
            if let Some(p) = &mut ui.prompt {
                *p = PromptState::default();
            }
        }
        KeyAction::PromptSubmit => return submit(ui, view),
        KeyAction::PromptComplete => complete(ui, view),
        KeyAction::PromptNext => cycle(ui, view, 1),
        KeyAction::PromptPrev => cycle(ui, view, -1),
        KeyAction::PromptCancel => ui.prompt = None,
        KeyAction::OpenBuy
        | KeyAction::OpenSell
        | KeyAction::KillSwitch
        | KeyAction::ResumeTrading
        | KeyAction::CancelSelected
        | KeyAction::CancelAll
        | KeyAction::ConfirmYes
        | KeyAction::ConfirmNo => return trade_input::handle(ui, action, view),
        KeyAction::FieldNext
        | KeyAction::FieldPrev
        | KeyAction::FieldChange
        | KeyAction::FieldChangeBack
        | KeyAction::FormSubmit
        | KeyAction::FormCancel
            if ui.strategy_form.is_some() =>
        {
            return strategy_form::handle(ui, action, view)
        }
        KeyAction::StrategyNew
        | KeyAction::StrategyToggle
        | KeyAction::StrategyEdit
        | KeyAction::StrategyDelete => return strategy_input::handle(ui, action, view),
        KeyAction::FormSubmit | KeyAction::FormCancel => {}
        KeyAction::FieldNext
        | KeyAction::FieldPrev
        | KeyAction::FieldChange
        | KeyAction::FieldChangeBack
        | KeyAction::Percent(_)
        | KeyAction::TicketReview
        | KeyAction::TicketClose
        | KeyAction::Send
        | KeyAction::ReviewBack => return ticket::input::handle(ui, action, &key, view),
    }
    None
}

/// Printable characters go into whichever text field is open.
fn type_text(ui: &mut UiState, key: &KeyEvent) {
    let KeyCode::Char(c) = key.code else { return };
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        || c.is_control()
    {
        return;
    }
    if let Some(f) = &mut ui.strategy_form {
        f.type_char(c);
    } else if ui.ticket.is_some() {
        ticket::input::type_char(ui, c);
    } else if let Some(p) = &mut ui.prompt {
        if p.input.chars().count() < MAX_INPUT && !c.is_whitespace() {
            p.input.extend(c.to_uppercase());
            p.cycle = None;
            p.error = None;
        }
    } else if let Some(h) = ui.help.as_mut().filter(|h| h.filtering) {
        h.filter.push(c);
    }
}

fn interval(view: &View, dir: i32) -> Option<Action> {
    let cur = view.interval.unwrap_or(Interval::M1);
    let next = cur.step(dir);
    (next != cur).then_some(Action::Send(Command::SetInterval(next)))
}

fn scroll_slot(ui: &mut UiState) -> &mut usize {
    match ui.focus {
        Pane::Logs => &mut ui.logs_scroll,
        _ => &mut ui.trades_scroll,
    }
}

/// The tape lists newest first (down = older); the log lists newest last
/// (up = older). Draw clamps the offsets to what exists.
fn scroll(ui: &mut UiState, action: KeyAction) {
    let up = action == KeyAction::ScrollUp;
    if let Some(h) = &mut ui.help {
        h.scroll = if up {
            h.scroll.saturating_sub(1)
        } else {
            h.scroll + 1
        };
        return;
    }
    if ui.focus == Pane::Orders {
        ui.orders_sel = if up {
            ui.orders_sel.saturating_sub(1)
        } else {
            ui.orders_sel.saturating_add(1)
        };
        return;
    }
    let older = match ui.focus {
        Pane::Logs => up,
        _ => !up,
    };
    let slot = scroll_slot(ui);
    *slot = if older {
        slot.saturating_add(1)
    } else {
        slot.saturating_sub(1)
    };
}

fn submit(ui: &mut UiState, view: &View) -> Option<Action> {
    let p = ui.prompt.as_mut()?;
    let mut sym = p.input.trim().to_uppercase();
    if sym.is_empty() {
        p.error = Some("type a symbol, e.g. ETHUSDT".into());
        return None;
    }
    if !is_known(view, &sym) {
        // Enter takes the highlighted completion, as in a shell menu.
        let selected = p.cycle.as_ref().map(|(_, i)| *i).unwrap_or(0);
        if let Some(c) = candidates(view, p.base(), COMPLETION_LIMIT).get(selected) {
            sym = c.clone();
        }
    }
    if !is_known(view, &sym) {
        p.error = Some(format!("unknown symbol: {}", crate::text::sanitize(&sym)));
        return None;
    }
    ui.prompt = None;
    if sym == view.symbol {
        return None;
    }
    ui.trades_scroll = 0;
    Some(Action::Send(Command::SwitchSymbol(sym)))
}

/// Tab: extend to the common prefix; when there is nothing to extend,
/// cycle through the candidates.
fn complete(ui: &mut UiState, view: &View) {
    let Some(p) = &mut ui.prompt else { return };
    let cands = candidates(view, p.base(), COMPLETION_LIMIT);
    if cands.is_empty() {
        p.error = Some(format!("no symbol matches {}", p.input));
        return;
    }
    if p.cycle.is_none() {
        let lcp = common_prefix(&cands);
        if lcp.chars().count() > p.input.chars().count() && lcp.starts_with(&p.input) {
            p.input = lcp;
            if cands.len() > 1 {
                return;
            }
        }
        if cands.len() == 1 {
            p.input = cands[0].clone();
            return;
        }
    }
    cycle(ui, view, 1);
}

fn cycle(ui: &mut UiState, view: &View, dir: i32) {
    let Some(p) = &mut ui.prompt else { return };
    let base = p.base().to_string();
    let cands = candidates(view, &base, COMPLETION_LIMIT);
    if cands.is_empty() {
        return;
    }
    let n = cands.len() as i32;
    let next = match p.selected() {
        Some(i) => (i as i32 + dir).rem_euclid(n),
        None if dir > 0 => 0,
        None => n - 1,
    } as usize;
    p.input = cands[next].clone();
    p.cycle = Some((base, next));
    p.error = None;
}
