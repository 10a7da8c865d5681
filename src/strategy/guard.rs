//! Runs strategy code so that a panic in one instance stops that instance
//! (the host marks it ERROR with the message) instead of the engine or the
//! app. While a guarded call runs, the panic hook only records the message:
//! it must not restore the terminal or print over the TUI.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    static MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// True while a guarded call runs on this thread (panic hooks check it).
pub fn active() -> bool {
    ACTIVE.with(|a| a.get())
}

/// Records a panic raised inside a guarded call.
pub fn note(info: &panic::PanicHookInfo<'_>) {
    let msg = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into());
    let at = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    MESSAGE.with(|m| *m.borrow_mut() = Some(format!("{msg}{at}")));
}

/// Wraps the process's panic hook (once) so guarded panics stay quiet.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if active() {
                note(info);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; a panic becomes `Err(message)`.
pub fn run<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install();
    let was = ACTIVE.with(|a| a.replace(true));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    ACTIVE.with(|a| a.set(was));
    r.map_err(|_| {
        MESSAGE
            .with(|m| m.borrow_mut().take())
            .unwrap_or_else(|| "panic".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_with_its_message_and_place() {
        assert_eq!(run(|| 7), Ok(7));
        let e = run(|| -> u8 { panic!("slot index out of range") }).unwrap_err();
        assert!(
            e.starts_with("slot index out of range at src/strategy/guard.rs:"),
            "{e}"
        );
        assert!(!active());
        // The next call is unaffected.
        assert_eq!(run(|| "ok"), Ok("ok"));
    }
}
