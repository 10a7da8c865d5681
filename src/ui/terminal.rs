//! Owning the terminal: raw mode, alternate screen, hidden cursor, and
//! putting all of it back on every way out — the guard's `Drop` (normal
//! return, `?` errors, unwinding), a panic hook that restores before the
//! previous hook prints, and the signals that would otherwise kill the
//! process with the terminal still in raw mode.

use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, Clear, ClearType, EndSynchronizedUpdate,
    EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, BufWriter, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

/// The terminal type the event loop draws to; writes are buffered so a
/// frame goes out in few syscalls.
pub type Tui = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// True while the terminal is in TUI mode (raw, alternate screen).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Set when the panic hook restored the terminal behind the loop's back.
static PANIC_RESTORED: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back. Idempotent and safe from any thread; returns
/// whether there was anything to undo.
pub fn restore() -> io::Result<bool> {
    if !ACTIVE.swap(false, Ordering::AcqRel) {
        return Ok(false);
    }
    let raw = disable_raw_mode();
    let mut out = io::stdout();
    let screen = execute!(out, EndSynchronizedUpdate, LeaveAlternateScreen, Show);
    let _ = out.flush();
    raw.and(screen).map(|_| true)
}

/// True if a panic anywhere in the process already restored the terminal;
/// the event loop then stops instead of drawing over the shell.
pub fn restored_by_panic() -> bool {
    PANIC_RESTORED.load(Ordering::Acquire)
}

/// Installs (once per process) a panic hook that restores the terminal and
/// then calls the hook that was installed before it, so the panic message
/// lands on a normal screen.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // A strategy's panic is caught and stops only that instance.
            if crate::strategy::guard::active() {
                crate::strategy::guard::note(info);
                return;
            }
            if let Ok(true) = restore() {
                PANIC_RESTORED.store(true, Ordering::Release);
            }
            previous(info);
        }));
    });
}

/// Holds the terminal in TUI mode; dropping it restores the terminal.
pub struct TerminalGuard {
    pub terminal: Tui,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        PANIC_RESTORED.store(false, Ordering::Release);
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::Release);
        let setup = || -> io::Result<Tui> {
            let mut out = BufWriter::new(io::stdout());
            // Cleared here rather than with `Terminal::clear`, which asks the
            // terminal for the cursor position and fails where no answer
            // comes (some multiplexers, a bare pty).
            execute!(out, EnterAlternateScreen, Hide, Clear(ClearType::All))?;
            Terminal::new(CrosstermBackend::new(out))
        };
        match setup() {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                let _ = restore();
                Err(e)
            }
        }
    }

    /// Restores now (reporting errors), rather than silently in `Drop`.
    pub fn restore(&mut self) -> io::Result<()> {
        let _ = self.terminal.backend_mut().flush();
        restore().map(|_| ())
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = self.restore();
    }
}

/// SIGTERM, SIGHUP and SIGINT as one stream: any of them ends the UI
/// through the normal, restoring exit path. (In raw mode Ctrl-C arrives as
/// a key, so SIGINT only comes from `kill`.)
#[cfg(unix)]
pub struct Signals {
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    pub fn new() -> io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    /// Waits for the next signal and names it.
    pub async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.hup.recv() => "SIGHUP",
            _ = self.int.recv() => "SIGINT",
        }
    }
}

#[cfg(not(unix))]
pub struct Signals;

#[cfg(not(unix))]
impl Signals {
    pub fn new() -> io::Result<Signals> {
        Ok(Signals)
    }

    pub async fn recv(&mut self) -> &'static str {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
