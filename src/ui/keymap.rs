//! Keys as data. Every binding lives in [`BINDINGS`] with the context it
//! applies in and a description; key handling looks actions up here, and the
//! help overlay and the footer hints are generated from the same table, so
//! they cannot drift apart.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key with the modifiers that matter (Ctrl, Alt; Shift is folded into
/// the character or `BackTab`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
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
    /// The main screen while the trades tape or the log pane has focus.
    Scroll,
    /// The help overlay.
    Help,
    /// Typing a filter inside the help overlay.
    HelpFilter,
    /// The symbol switch prompt.
    Prompt,
}

impl Context {
    /// Display order in the help overlay.
    pub const ALL: [Context; 6] = [
        Context::Anywhere,
        Context::Main,
        Context::Scroll,
        Context::Help,
        Context::HelpFilter,
        Context::Prompt,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Context::Anywhere => "Anywhere",
            Context::Main => "Main screen",
            Context::Scroll => "Trades tape and log pane",
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

const fn bind(
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

use Context as C;
use KeyAction as A;

/// The built-in keymap.
pub static BINDINGS: &[Binding] = &[
    bind(&[ctrl('c')], C::Anywhere, A::Quit, "Quit tradeterm", None),
    bind(&[ch('?')], C::Main, A::Help, "Show this help", Some("help")),
    bind(&[ch('q')], C::Main, A::Quit, "Quit tradeterm", Some("quit")),
    bind(
        &[key(KeyCode::Esc)],
        C::Main,
        A::Back,
        "Back: restore a maximised pane",
        None,
    ),
    bind(
        &[key(KeyCode::Tab), ch('l'), key(KeyCode::Right)],
        C::Main,
        A::FocusNext,
        "Focus the next pane",
        Some("focus"),
    ),
    bind(
        &[key(KeyCode::BackTab), ch('h'), key(KeyCode::Left)],
        C::Main,
        A::FocusPrev,
        "Focus the previous pane",
        None,
    ),
    bind(
        &[ch('s'), ch('/')],
        C::Main,
        A::SymbolPrompt,
        "Switch symbol (with completion)",
        Some("symbol"),
    ),
    bind(
        &[ch('[')],
        C::Main,
        A::IntervalPrev,
        "Chart: shorter candle interval",
        Some("interval"),
    ),
    bind(
        &[ch(']')],
        C::Main,
        A::IntervalNext,
        "Chart: longer candle interval",
        Some("interval"),
    ),
    bind(
        &[ch('+'), ch('=')],
        C::Main,
        A::DepthMore,
        "Order book: more levels per side",
        Some("depth"),
    ),
    bind(
        &[ch('-')],
        C::Main,
        A::DepthLess,
        "Order book: fewer levels per side",
        Some("depth"),
    ),
    bind(
        &[ch('f')],
        C::Main,
        A::Freeze,
        "Freeze / unfreeze the focused pane",
        Some("freeze"),
    ),
    bind(
        &[ch('e')],
        C::Main,
        A::Maximise,
        "Maximise / restore the focused pane",
        Some("max"),
    ),
    bind(
        &[ch('k'), key(KeyCode::Up)],
        C::Scroll,
        A::ScrollUp,
        "Scroll up",
        Some("scroll"),
    ),
    bind(
        &[ch('j'), key(KeyCode::Down)],
        C::Scroll,
        A::ScrollDown,
        "Scroll down",
        Some("scroll"),
    ),
    bind(
        &[ch('g'), key(KeyCode::Home)],
        C::Scroll,
        A::ScrollNewest,
        "Jump to the newest line",
        None,
    ),
    bind(
        &[ch('G'), key(KeyCode::End)],
        C::Scroll,
        A::ScrollOldest,
        "Jump to the oldest line",
        None,
    ),
    bind(
        &[key(KeyCode::Esc), ch('?'), ch('q')],
        C::Help,
        A::HelpClose,
        "Close help",
        Some("close"),
    ),
    bind(
        &[ch('/')],
        C::Help,
        A::HelpFilter,
        "Filter the key list",
        Some("filter"),
    ),
    bind(
        &[ch('k'), key(KeyCode::Up)],
        C::Help,
        A::ScrollUp,
        "Scroll up",
        Some("scroll"),
    ),
    bind(
        &[ch('j'), key(KeyCode::Down)],
        C::Help,
        A::ScrollDown,
        "Scroll down",
        Some("scroll"),
    ),
    bind(
        &[key(KeyCode::Enter)],
        C::HelpFilter,
        A::FilterDone,
        "Keep the filter, stop typing",
        Some("done"),
    ),
    bind(
        &[key(KeyCode::Esc)],
        C::HelpFilter,
        A::FilterClear,
        "Clear the filter",
        Some("clear"),
    ),
    bind(
        &[key(KeyCode::Backspace)],
        C::HelpFilter,
        A::DeleteChar,
        "Delete a character",
        None,
    ),
    bind(
        &[key(KeyCode::Enter)],
        C::Prompt,
        A::PromptSubmit,
        "Switch to the symbol",
        Some("switch"),
    ),
    bind(
        &[key(KeyCode::Tab)],
        C::Prompt,
        A::PromptComplete,
        "Complete / next completion",
        Some("complete"),
    ),
    bind(
        &[key(KeyCode::Down)],
        C::Prompt,
        A::PromptNext,
        "Select the next completion",
        Some("select"),
    ),
    bind(
        &[key(KeyCode::Up)],
        C::Prompt,
        A::PromptPrev,
        "Select the previous completion",
        Some("select"),
    ),
    bind(
        &[key(KeyCode::Esc)],
        C::Prompt,
        A::PromptCancel,
        "Cancel",
        Some("cancel"),
    ),
    bind(
        &[key(KeyCode::Backspace)],
        C::Prompt,
        A::DeleteChar,
        "Delete a character",
        None,
    ),
    bind(
        &[ctrl('u')],
        C::Prompt,
        A::ClearInput,
        "Clear the input",
        None,
    ),
];

/// The first binding for `key` among `contexts`, most specific first.
pub fn lookup(contexts: &[Context], key: &KeyEvent) -> Option<KeyAction> {
    let k = Key::from_event(key);
    contexts.iter().find_map(|ctx| {
        BINDINGS
            .iter()
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
pub fn hints(contexts: &[Context]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for ctx in contexts {
        for b in BINDINGS.iter().filter(|b| b.context == *ctx) {
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
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
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
    fn shifted_characters_and_ctrl_are_normalised() {
        let q = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&[Context::Main], &q), Some(KeyAction::Help));
        let cc = KeyEvent::new(
            KeyCode::Char('C'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        );
        assert_eq!(lookup(&[Context::Anywhere], &cc), Some(KeyAction::Quit));
        let bt = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(lookup(&[Context::Main], &bt), Some(KeyAction::FocusPrev));
    }

    #[test]
    fn hints_merge_pairs() {
        let h = hints(&[Context::Main]);
        assert!(h.contains(&("[/]".to_string(), "interval")));
        assert!(h.contains(&("+/-".to_string(), "depth")));
    }
}
