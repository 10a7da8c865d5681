//! Strategy keys: the strategies pane's actions and the new / edit form.
//! A table of their own, active only when trading is on: a strategy places
//! orders, so a read-only session neither binds nor lists any of them.
//!
//! The pane keys live in [`Context::Strategies`](super::Context), which
//! `ui::input::contexts` puts before the global contexts while the pane has
//! focus; that is why `e` can mean "edit" here (see `SHADOWED`).

use super::{bind, ch, ctrl, key, Binding, Context as C, KeyAction as A};
use crossterm::event::KeyCode;

pub static STRATEGY_BINDINGS: &[Binding] = &[
    bind(
        &[ch('n')],
        C::Strategies,
        A::StrategyNew,
        "New strategy instance (form; created stopped)",
        Some("new"),
    ),
    bind(
        &[key(KeyCode::Enter)],
        C::Strategies,
        A::StrategyToggle,
        "Start the selected instance, or stop it if running",
        Some("start/stop"),
    ),
    bind(
        &[ch('e')],
        C::Strategies,
        A::StrategyEdit,
        "Edit the selected instance's parameters",
        Some("edit"),
    ),
    bind(
        &[ch('x')],
        C::Strategies,
        A::StrategyDelete,
        "Delete the selected stopped instance (asks first)",
        Some("delete"),
    ),
    bind(
        &[key(KeyCode::Tab), key(KeyCode::Down)],
        C::StrategyForm,
        A::FieldNext,
        "Next field",
        Some("field"),
    ),
    bind(
        &[key(KeyCode::BackTab), key(KeyCode::Up)],
        C::StrategyForm,
        A::FieldPrev,
        "Previous field",
        None,
    ),
    bind(
        &[ch(' '), key(KeyCode::Right)],
        C::StrategyForm,
        A::FieldChange,
        "Change strategy / interval / a choice parameter",
        Some("change"),
    ),
    bind(
        &[key(KeyCode::Left)],
        C::StrategyForm,
        A::FieldChangeBack,
        "Change back (previous strategy / interval / choice)",
        None,
    ),
    bind(
        &[key(KeyCode::Enter)],
        C::StrategyForm,
        A::FormSubmit,
        "Create / save (only when every value is valid)",
        Some("ok"),
    ),
    bind(
        &[key(KeyCode::Esc), ctrl('g')],
        C::StrategyForm,
        A::FormCancel,
        "Cancel: close the form, nothing is sent",
        Some("cancel"),
    ),
    bind(
        &[key(KeyCode::Backspace)],
        C::StrategyForm,
        A::DeleteChar,
        "Delete a character",
        None,
    ),
    bind(
        &[ctrl('u')],
        C::StrategyForm,
        A::ClearInput,
        "Clear the field",
        None,
    ),
];
