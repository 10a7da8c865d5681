//! Keys as data. Every binding lives in [`BINDINGS`] (market data, always
//! active), [`TRADING_BINDINGS`] or [`STRATEGY_BINDINGS`] (order entry and
//! strategies, active only when trading is on) with the context it applies
//! in and a description; key handling looks actions up here, and the help
//! overlay and the footer hints are generated from the same tables, so they
//! cannot drift apart and a read-only session cannot reach, or be shown, an
//! order key or a strategy key.
//!
//! Precedence: `ui::input::contexts` lists the focused pane's context
//! ([`Context::Orders`], [`Context::Strategies`], [`Context::Scroll`]) before
//! [`Context::Trade`] and [`Context::Main`], and [`lookup`] takes the first
//! context that binds the key. So a pane binding wins over a global one
//! while that pane has focus, and only then: `e` edits a strategy in the
//! strategies pane and maximises everywhere else. Such shadowing is
//! deliberate and listed in [`SHADOWED`]; a test fails when a new global
//! key is shadowed by a pane without being listed there.

mod market;
mod strategies;
mod trading;

pub use market::BINDINGS;
pub use strategies::STRATEGY_BINDINGS;
pub use trading::TRADING_BINDINGS;

/// Global keys a pane rebinds while it has focus: (pane context, key,
/// the global action it hides there). See the module docs.
pub const SHADOWED: &[(Context, Key, KeyAction)] =
    &[(Context::Strategies, ch('e'), KeyAction::Maximise)];

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key with the modifiers that matter (Ctrl, Alt; Shift is folded into
/// the character or `BackTab`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

pub(crate) const fn key(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

pub(crate) const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

pub(crate) const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

impl Key {
    /// Normalises a terminal key event: terminals disagree on whether `?`
    /// or `+` carry SHIFT, and Ctrl-C may arrive upper-case.
    pub fn from_event(ev: &KeyEvent) -> Key {
        let mut mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        let code = match ev.code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            KeyCode::Char(c) => KeyCode::Char(c),
            KeyCode::BackTab => KeyCode::BackTab,
            other => {
                mods = ev.modifiers;
                other
            }
        };
        Key { code, mods }
    }

    /// How the key is written in the help overlay and footer.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            other => format!("{other:?}"),
        };
        let mut s = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            s.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            s.push_str("Alt-");
        }
        s.push_str(&base);
        s
    }
}

/// Where a binding applies. Lookups try the most specific context first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    /// Everywhere, including text entry.
    Anywhere,
    /// The main screen with no overlay open.
    Main,
    /// Order entry keys on the main screen.
    Trade,
    /// The main screen while the trades tape or the log pane has focus.
    Scroll,
    /// The main screen while the open orders pane has focus.
    Orders,
    /// The main screen while the strategies pane has focus.
    Strategies,
    /// The new-instance / edit-parameters form of a strategy.
    StrategyForm,
    /// The order ticket.
    Ticket,
    /// The order review / confirmation.
    Review,
    /// A yes/no confirmation (cancel, cancel all, halt, resume).
    Confirm,
    /// The help overlay.
    Help,
    /// Typing a filter inside the help overlay.
    HelpFilter,
    /// The symbol switch prompt.
    Prompt,
}

impl Context {
    /// Display order in the help overlay.
    pub const ALL: [Context; 13] = [
        Context::Anywhere,
        Context::Main,
        Context::Trade,
        Context::Scroll,
        Context::Orders,
        Context::Strategies,
        Context::StrategyForm,
        Context::Ticket,
        Context::Review,
        Context::Confirm,
        Context::Help,
        Context::HelpFilter,
        Context::Prompt,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Context::Anywhere => "Anywhere",
            Context::Main => "Main screen",
            Context::Trade => "Trading",
            Context::Scroll => "Trades tape and log pane",
            Context::Orders => "Open orders pane",
            Context::Strategies => "Strategies pane",
            Context::StrategyForm => "Strategy form",
            Context::Ticket => "Order ticket",
            Context::Review => "Order review",
            Context::Confirm => "Confirmation",
            Context::Help => "Help overlay",
            Context::HelpFilter => "Help filter",
            Context::Prompt => "Symbol prompt",
        }
    }
}

/// What a key does. Interpreted by `ui::input`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyAction {
    Quit,
    Help,
    Back,
    FocusNext,
    FocusPrev,
    SymbolPrompt,
    IntervalPrev,
    IntervalNext,
    DepthMore,
    DepthLess,
    Freeze,
    Maximise,
    /// Chart: EMA fast and slow lines on / off.
    ToggleEma,
    /// Chart: Bollinger Bands on / off.
    ToggleBollinger,
    /// Chart: indicator pane off, RSI, MACD, off.
    CycleSubPane,
    ScrollUp,
    ScrollDown,
    ScrollNewest,
    ScrollOldest,
    HelpClose,
    HelpFilter,
    FilterDone,
    FilterClear,
    DeleteChar,
    ClearInput,
    PromptSubmit,
    PromptComplete,
    PromptNext,
    PromptPrev,
    PromptCancel,
    OpenBuy,
    OpenSell,
    KillSwitch,
    ResumeTrading,
    CancelSelected,
    CancelAll,
    FieldNext,
    FieldPrev,
    FieldChange,
    FieldChangeBack,
    /// Fill the amount with this percentage of the available balance.
    Percent(u8),
    TicketReview,
    TicketClose,
    Send,
    ReviewBack,
    ConfirmYes,
    ConfirmNo,
    /// Strategies pane: open the new-instance form.
    StrategyNew,
    /// Strategies pane: start the selected instance if stopped, stop it
    /// if running.
    StrategyToggle,
    /// Strategies pane: edit the selected instance's parameters.
    StrategyEdit,
    /// Strategies pane: delete the selected (stopped) instance; asks first.
    StrategyDelete,
    /// Strategy form: create / save (only when every value is valid).
    FormSubmit,
    FormCancel,
}

/// One row of the keymap.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    pub keys: &'static [Key],
    pub context: Context,
    pub action: KeyAction,
    pub description: &'static str,
    /// Short label for the footer; `None` keeps it out of the footer.
    pub hint: Option<&'static str>,
}

pub(crate) const fn bind(
    keys: &'static [Key],
    context: Context,
    action: KeyAction,
    description: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        context,
        action,
        description,
        hint,
    }
}

/// The bindings in force: the market table, plus the trading and strategy
/// tables when trading is on (not read-only and the engine runs a venue):
/// strategies place orders, so they are order entry too.
pub fn active(trading: bool) -> impl Iterator<Item = &'static Binding> {
    let (orders, strategies): (&'static [Binding], &'static [Binding]) = if trading {
        (TRADING_BINDINGS, STRATEGY_BINDINGS)
    } else {
        (&[], &[])
    };
    BINDINGS.iter().chain(orders).chain(strategies)
}

/// The first binding for `key` among `contexts`, most specific first.
pub fn lookup(contexts: &[Context], key: &KeyEvent, trading: bool) -> Option<KeyAction> {
    let k = Key::from_event(key);
    contexts.iter().find_map(|ctx| {
        active(trading)
            .find(|b| b.context == *ctx && b.keys.contains(&k))
            .map(|b| b.action)
    })
}

/// All key labels of a binding, e.g. `"Tab, l, Right"`.
pub fn keys_label(b: &Binding) -> String {
    b.keys.iter().map(Key::label).collect::<Vec<_>>().join(", ")
}

/// Footer hints for the given contexts: `(keys, hint)` pairs, with adjacent
/// bindings sharing a hint merged (`[/]` interval, `+/-` depth).
pub fn hints(contexts: &[Context], trading: bool) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for ctx in contexts {
        for b in active(trading).filter(|b| b.context == *ctx) {
            let Some(hint) = b.hint else { continue };
            let first = b.keys[0].label();
            match out.last_mut() {
                Some((keys, h)) if *h == hint => {
                    keys.push('/');
                    keys.push_str(&first);
                }
                _ => out.push((first, hint)),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let all: Vec<&Binding> = active(true).collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                if a.context == b.context {
                    for k in a.keys {
                        assert!(
                            !b.keys.contains(k),
                            "{} bound twice in {:?}",
                            k.label(),
                            a.context
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn main_keys_are_not_shadowed_on_the_main_screen() {
        // Trade, Scroll and Orders are looked up before Main there, so a key
        // they share with Main would hide the Main binding.
        let before = [Context::Trade, Context::Scroll, Context::Orders];
        for m in active(true).filter(|b| b.context == Context::Main) {
            for o in active(true).filter(|b| before.contains(&b.context)) {
                for k in m.keys {
                    assert!(
                        !o.keys.contains(k),
                        "{} hidden by {:?}",
                        k.label(),
                        o.context
                    );
                }
            }
        }
    }

    #[test]
    fn shifted_characters_and_ctrl_are_normalised() {
        let q = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&[Context::Main], &q, false), Some(KeyAction::Help));
        let cc = KeyEvent::new(
            KeyCode::Char('C'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        );
        assert_eq!(
            lookup(&[Context::Anywhere], &cc, false),
            Some(KeyAction::Quit)
        );
        let bt = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            lookup(&[Context::Main], &bt, false),
            Some(KeyAction::FocusPrev)
        );
    }

    #[test]
    fn hints_merge_pairs() {
        let h = hints(&[Context::Main], false);
        assert!(h.contains(&("[/]".to_string(), "interval")));
        assert!(h.contains(&("+/-".to_string(), "depth")));
        let t = hints(&[Context::Ticket], true);
        assert!(t.contains(&("z/x/c/v".to_string(), "%")), "{t:?}");
    }

    #[test]
    fn trading_keys_exist_only_when_trading_is_on() {
        let b = KeyEvent::new(KeyCode::Char('b'), KeyModifiers::NONE);
        let ctxs = [Context::Trade, Context::Main];
        assert_eq!(lookup(&ctxs, &b, true), Some(KeyAction::OpenBuy));
        assert_eq!(lookup(&ctxs, &b, false), None);
        assert!(hints(&ctxs, false).iter().all(|(_, h)| *h != "buy"));
    }

    /// Pane contexts come first in lookups, so a pane key hides a global
    /// one while the pane has focus. Every such case must be deliberate:
    /// listed in `SHADOWED` (and so in the report of clashes).
    #[test]
    fn pane_keys_shadow_only_the_listed_global_keys() {
        let panes = [Context::Scroll, Context::Orders, Context::Strategies];
        let global = [Context::Trade, Context::Main];
        let mut found = Vec::new();
        for p in active(true).filter(|b| panes.contains(&b.context)) {
            for g in active(true).filter(|b| global.contains(&b.context)) {
                for k in p.keys.iter().filter(|k| g.keys.contains(k)) {
                    found.push((p.context, *k, g.action));
                }
            }
        }
        assert_eq!(found, SHADOWED.to_vec());
        // And the rule holds in a lookup: the pane wins, elsewhere the
        // global key still works.
        let e = KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE);
        let focused = [Context::Strategies, Context::Trade, Context::Main];
        assert_eq!(lookup(&focused, &e, true), Some(KeyAction::StrategyEdit));
        assert_eq!(lookup(&focused[1..], &e, true), Some(KeyAction::Maximise));
        // Read-only: no strategy keys, so `e` maximises there too.
        assert_eq!(lookup(&focused, &e, false), Some(KeyAction::Maximise));
    }

    #[test]
    fn no_trading_key_uses_alt() {
        for b in TRADING_BINDINGS.iter().chain(STRATEGY_BINDINGS) {
            for k in b.keys {
                assert!(!k.mods.contains(KeyModifiers::ALT), "{}", k.label());
            }
        }
    }
}
