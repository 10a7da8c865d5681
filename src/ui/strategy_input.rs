//! Keys of the focused strategies pane: new, start/stop, edit, delete. They
//! act on the selected instance as it is in the view now (found again by
//! id), and send nothing the engine would have to guess about: delete asks
//! first and names the instance, and a running one must be stopped first.

use super::keymap::KeyAction;
use super::state::{Confirm, UiState};
use super::strategy_form::StrategyForm;
use super::Action;
use crate::config::Mode;
use crate::engine::{Command, StrategyRow, StrategyStatus, View};
use crate::text::sanitize;

/// How an instance reads in messages and the delete question.
pub fn summary(r: &StrategyRow) -> String {
    format!(
        "#{} {} {} {}",
        r.id,
        sanitize(&r.name),
        sanitize(&r.symbol),
        r.interval.as_str()
    )
}

/// Strategies-pane actions. Callers have checked that trading is enabled.
pub fn handle(ui: &mut UiState, action: KeyAction, view: &View) -> Option<Action> {
    if action == KeyAction::StrategyNew {
        ui.strategy_form = Some(StrategyForm::create(view));
        return None;
    }
    let row = ui.sync_strategy_selection(&view.strategies);
    let Some(r) = view.strategies.get(row) else {
        ui.trade_msg = Some("no strategy instance: n creates one".into());
        return None;
    };
    match action {
        KeyAction::StrategyToggle => {
            let (cmd, verb) = match r.status {
                StrategyStatus::Running => (Command::StrategyStop(r.id), "stopping"),
                // Where orders reach an exchange, starting is confirmed: the
                // instance will place orders without asking each time.
                StrategyStatus::Stopped | StrategyStatus::Error(_)
                    if matches!(view.mode, Some(Mode::Testnet | Mode::Demo | Mode::Live)) =>
                {
                    ui.confirm = Some(Confirm::StrategyStart {
                        id: r.id,
                        summary: summary(r),
                    });
                    return None;
                }
                StrategyStatus::Stopped | StrategyStatus::Error(_) => {
                    (Command::StrategyStart(r.id), "starting")
                }
            };
            ui.trade_msg = Some(format!("{verb} {}", summary(r)));
            return Some(Action::Send(cmd));
        }
        KeyAction::StrategyEdit => match StrategyForm::edit(r) {
            Ok(f) => ui.strategy_form = Some(f),
            Err(e) => ui.trade_msg = Some(sanitize(&e)),
        },
        KeyAction::StrategyDelete => {
            if r.status == StrategyStatus::Running {
                ui.trade_msg = Some(format!("{} is RUNNING: stop it first (Enter)", summary(r)));
            } else {
                ui.confirm = Some(Confirm::StrategyDelete {
                    id: r.id,
                    summary: summary(r),
                });
            }
        }
        _ => {}
    }
    None
}
