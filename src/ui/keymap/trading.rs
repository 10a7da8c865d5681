//! The order-entry keys. Kept in their own table so that a read-only session
//! (or one without a trading venue) has none of them: not bound, not in the
//! help overlay, not in the footer.
//!
//! No binding uses Alt or Esc as a prefix (Esc is slow inside tmux), and
//! every overlay also backs out with Ctrl-g for the same reason.

use super::{bind, ch, ctrl, key, Binding, Context as C, KeyAction as A};
use crossterm::event::KeyCode;

pub static TRADING_BINDINGS: &[Binding] = &[
    bind(
        &[ch('b')],
        C::Trade,
        A::OpenBuy,
        "Buy: open the order ticket",
        Some("buy"),
    ),
    bind(
        &[ch('S')],
        C::Trade,
        A::OpenSell,
        "Sell: open the order ticket",
        Some("sell"),
    ),
    bind(
        &[ch('K')],
        C::Trade,
        A::KillSwitch,
        "Kill switch: halt trading (asks first)",
        Some("kill"),
    ),
    bind(
        &[ch('R')],
        C::Trade,
        A::ResumeTrading,
        "Resume trading after a halt (asks first)",
        None,
    ),
    bind(
        &[ch('c')],
        C::Orders,
        A::CancelSelected,
        "Cancel the selected order (asks first)",
        Some("cancel"),
    ),
    bind(
        &[ch('C')],
        C::Orders,
        A::CancelAll,
        "Cancel all open orders of the symbol (asks first)",
        Some("cancel all"),
    ),
    bind(
        &[key(KeyCode::Tab), key(KeyCode::Down)],
        C::Ticket,
        A::FieldNext,
        "Next field",
        Some("field"),
    ),
    bind(
        &[key(KeyCode::BackTab), key(KeyCode::Up)],
        C::Ticket,
        A::FieldPrev,
        "Previous field",
        None,
    ),
    bind(
        &[ch(' '), key(KeyCode::Right)],
        C::Ticket,
        A::FieldChange,
        "Change side / type / time in force / amount unit",
        Some("change"),
    ),
    bind(
        &[key(KeyCode::Left)],
        C::Ticket,
        A::FieldChangeBack,
        "Change back (previous type / TIF)",
        None,
    ),
    bind(
        &[ch('z')],
        C::Ticket,
        A::Percent(25),
        "Amount: 25% of the available balance",
        Some("%"),
    ),
    bind(
        &[ch('x')],
        C::Ticket,
        A::Percent(50),
        "Amount: 50% of the available balance",
        Some("%"),
    ),
    bind(
        &[ch('c')],
        C::Ticket,
        A::Percent(75),
        "Amount: 75% of the available balance",
        Some("%"),
    ),
    bind(
        &[ch('v')],
        C::Ticket,
        A::Percent(100),
        "Amount: 100% of the available balance",
        Some("%"),
    ),
    bind(
        &[key(KeyCode::Enter)],
        C::Ticket,
        A::TicketReview,
        "Review the order (nothing is sent yet)",
        Some("review"),
    ),
    bind(
        &[key(KeyCode::Esc), ctrl('g')],
        C::Ticket,
        A::TicketClose,
        "Close the ticket",
        Some("close"),
    ),
    bind(
        &[key(KeyCode::Backspace)],
        C::Ticket,
        A::DeleteChar,
        "Delete a character",
        None,
    ),
    bind(
        &[ctrl('u')],
        C::Ticket,
        A::ClearInput,
        "Clear the field",
        None,
    ),
    bind(
        &[key(KeyCode::Enter), ch('y')],
        C::Review,
        A::Send,
        "Send the order (LIVE: type the symbol first)",
        Some("send"),
    ),
    bind(
        &[key(KeyCode::Esc), ch('n'), ctrl('g')],
        C::Review,
        A::ReviewBack,
        "Back to the ticket (in LIVE, y/n are text)",
        Some("back"),
    ),
    bind(
        &[key(KeyCode::Backspace)],
        C::Review,
        A::DeleteChar,
        "Delete a character of the typed symbol",
        None,
    ),
    bind(
        &[key(KeyCode::Enter), ch('y')],
        C::Confirm,
        A::ConfirmYes,
        "Yes, do it",
        Some("yes"),
    ),
    bind(
        &[key(KeyCode::Esc), ch('n'), ctrl('g')],
        C::Confirm,
        A::ConfirmNo,
        "No, go back",
        Some("no"),
    ),
];
