//! `ui::run` on a real terminal: the test binary re-runs itself as a child
//! on a pseudo-terminal, the parent types keys or sends a signal and reads
//! the screen bytes. Checks that the UI enters and always leaves the
//! alternate screen and shows the cursor again (on `q`, SIGTERM, SIGHUP and
//! a panic elsewhere in the process) and that `Shutdown` is sent; and that
//! an order and the kill switch typed on a real terminal reach the engine.
//!
//! The parent waits for screen content, not for time; the deadline only
//! turns a hang into a failure.
#![cfg(target_os = "linux")]

mod ui_fixture;

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use tradeterm::config::Config;
use tradeterm::ui::{run, UiOptions};

const CHILD_ENV: &str = "TRADETERM_UI_PTY_CHILD";
const DEADLINE: Duration = Duration::from_secs(60);
const ENTER_ALT: &str = "\x1b[?1049h";
const LEAVE_ALT: &str = "\x1b[?1049l";
const SHOW_CURSOR: &str = "\x1b[?25h";

/// Child side: run the UI against the fixture view until it returns.
fn child(mode: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (result, commands) = rt.block_on(async {
        let view = if mode == "trading" {
            ui_fixture::view_trading()
        } else {
            ui_fixture::view()
        };
        let (vtx, vrx) = watch::channel(view);
        let (ctx, mut crx) = mpsc::channel(8);
        let opts = UiOptions {
            cfg: Config::defaults().ui,
            read_only: false,
        };
        if mode == "panic" {
            // The parent sends SIGUSR1 once the screen is up; a task that is
            // not the UI then panics.
            let mut usr1 =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::user_defined1())
                    .unwrap();
            tokio::spawn(async move {
                usr1.recv().await;
                panic!("engine task panicked on purpose");
            });
        }
        // Spawned after the SIGUSR1 handler exists: the screen the parent
        // waits for cannot appear before it.
        let ui = tokio::spawn(run(opts, vrx, ctx, ui_fixture::logs()));
        let result = ui.await.unwrap();
        drop(vtx);
        let mut commands = Vec::new();
        while let Ok(c) = crx.try_recv() {
            commands.push(c);
        }
        (result, commands)
    });
    println!("UI RESULT: {result:?}");
    println!("UI COMMANDS: {commands:?}");
}

/// Parent side: the child on a pty and everything it wrote so far.
struct Pty {
    child: Child,
    master: std::fs::File,
    out: Arc<(Mutex<Vec<u8>>, Condvar)>,
}

impl Pty {
    /// `None` when this machine cannot open a pty.
    fn spawn(test: &str, mode: &str) -> Option<Pty> {
        let (mut m, mut s) = (0, 0);
        let ws = libc::winsize {
            ws_row: 45,
            ws_col: 140,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: out-pointers to locals; a null name and termios are allowed.
        let rc =
            unsafe { libc::openpty(&mut m, &mut s, std::ptr::null_mut(), std::ptr::null(), &ws) };
        if rc != 0 {
            eprintln!("skipping: openpty failed");
            return None;
        }
        // SAFETY: openpty returned two fresh descriptors we now own.
        let (master, slave) = unsafe { (OwnedFd::from_raw_fd(m), OwnedFd::from_raw_fd(s)) };
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args(["--exact", test, "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, mode)
            .env("TERM", "xterm-256color")
            .env_remove("NO_COLOR")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                // New session with the pty as controlling terminal, so
                // /dev/tty is the pty too.
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().unwrap();
        let master = std::fs::File::from(master);
        let out = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let (reader, sink) = (master.try_clone().unwrap(), out.clone());
        std::thread::spawn(move || {
            let mut reader = reader;
            let mut buf = [0u8; 65536];
            // EIO once the child side is closed ends the loop.
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                sink.0.lock().unwrap().extend_from_slice(&buf[..n]);
                sink.1.notify_all();
            }
        });
        Some(Pty { child, master, out })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.out.0.lock().unwrap()).into_owned()
    }

    /// Blocks until the output contains `needle`.
    fn wait_for(&self, needle: &str) {
        let start = Instant::now();
        let mut g = self.out.0.lock().unwrap();
        while !String::from_utf8_lossy(&g).contains(needle) {
            let left = DEADLINE.checked_sub(start.elapsed()).unwrap_or_else(|| {
                panic!(
                    "no {needle:?} on screen; got:\n{}",
                    String::from_utf8_lossy(&g)
                )
            });
            g = self.out.1.wait_timeout(g, left).unwrap().0;
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).unwrap();
    }

    fn signal(&self, sig: libc::c_int) {
        // SAFETY: plain kill(2) on our own child.
        unsafe { libc::kill(self.child.id() as libc::pid_t, sig) };
    }

    /// Waits for the child to exit and for its final report; returns all
    /// output.
    fn finish(mut self) -> String {
        self.wait_for("UI COMMANDS:");
        let status = self.child.wait().unwrap();
        assert!(
            status.success(),
            "child failed: {status:?}\n{}",
            self.text()
        );
        self.text()
    }
}

/// The terminal was taken over and, after the last takeover, given back.
fn assert_restored(out: &str) {
    let enter = out.rfind(ENTER_ALT).expect("entered the alternate screen");
    let leave = out.rfind(LEAVE_ALT).expect("left the alternate screen");
    assert!(leave > enter, "left before entering");
    assert!(
        out.rfind(SHOW_CURSOR).unwrap() > enter,
        "cursor shown again"
    );
}

/// The child's `what` line (it may follow escape sequences on its row).
fn report<'a>(out: &'a str, what: &str) -> &'a str {
    let Some(i) = out.rfind(what) else { return "" };
    out[i..].lines().next().unwrap_or("").trim_end()
}

macro_rules! child_or_parent {
    ($name:literal, $mode:literal) => {{
        if let Ok(mode) = std::env::var(CHILD_ENV) {
            child(&mode);
            return;
        }
        match Pty::spawn($name, $mode) {
            Some(p) => p,
            None => return,
        }
    }};
}

#[test]
fn pty_keys_switch_symbol_then_quit() {
    let mut pty = child_or_parent!("pty_keys_switch_symbol_then_quit", "keys");
    pty.wait_for("Order book");
    // One burst: crossterm splits it into key events, handled in order.
    // (No Esc here: Esc followed by a key in one read is Alt+key.)
    pty.send(b"sethusdt\r]q");
    let out = pty.finish();
    assert_restored(&out);
    assert_eq!(report(&out, "UI RESULT:"), "UI RESULT: Ok(())");
    assert_eq!(
        report(&out, "UI COMMANDS:"),
        r#"UI COMMANDS: [SwitchSymbol("ETHUSDT"), SetInterval(M3), Shutdown]"#
    );
}

#[test]
fn pty_help_opens_and_q_closes_it_before_quitting() {
    let mut pty = child_or_parent!("pty_help_opens_and_q_closes_it_before_quitting", "keys");
    pty.wait_for("Order book");
    pty.send(b"?");
    pty.wait_for("Freeze");
    // The first q closes the help, the second quits.
    pty.send(b"qq");
    let out = pty.finish();
    assert_restored(&out);
    assert_eq!(report(&out, "UI COMMANDS:"), "UI COMMANDS: [Shutdown]");
}

#[test]
fn pty_order_and_kill_switch_reach_the_engine() {
    let mut pty = child_or_parent!("pty_order_and_kill_switch_reach_the_engine", "trading");
    pty.wait_for("Open orders");
    pty.send(b"b0.01\r");
    pty.wait_for("Review order");
    pty.send(b"\r");
    pty.wait_for("sent BUY 0.01000 BTCUSDT @ 61837.62 LIMIT");
    pty.send(b"K");
    pty.wait_for("KILL SWITCH");
    pty.send(b"yq");
    let out = pty.finish();
    assert_restored(&out);
    let cmds = report(&out, "UI COMMANDS:");
    for part in [
        "UI COMMANDS: [PlaceOrder(OrderTicket { symbol: \"BTCUSDT\", side: Buy, kind: Limit",
        "tif: Some(Gtc), price: Some(61837.62), stop_price: None, qty: Some(0.01), quote_qty: None, client_order_id: None, tag: None })",
        "Halt { reason: \"kill switch\" }, Shutdown]",
    ] {
        assert!(cmds.contains(part), "{part:?} not in {cmds}");
    }
}

#[test]
fn pty_sigterm_restores_and_shuts_down() {
    let pty = child_or_parent!("pty_sigterm_restores_and_shuts_down", "idle");
    pty.wait_for("Order book");
    pty.signal(libc::SIGTERM);
    let out = pty.finish();
    assert_restored(&out);
    assert_eq!(report(&out, "UI COMMANDS:"), "UI COMMANDS: [Shutdown]");
}

#[test]
fn pty_sighup_restores_and_shuts_down() {
    let pty = child_or_parent!("pty_sighup_restores_and_shuts_down", "idle");
    pty.wait_for("Order book");
    pty.signal(libc::SIGHUP);
    let out = pty.finish();
    assert_restored(&out);
    assert_eq!(report(&out, "UI COMMANDS:"), "UI COMMANDS: [Shutdown]");
}

#[test]
fn pty_panic_elsewhere_restores_before_the_message() {
    let pty = child_or_parent!("pty_panic_elsewhere_restores_before_the_message", "panic");
    pty.wait_for("Order book");
    pty.signal(libc::SIGUSR1);
    let out = pty.finish();
    assert_restored(&out);
    let msg = out
        .find("engine task panicked on purpose")
        .expect("panic message");
    assert!(
        msg > out.rfind(LEAVE_ALT).unwrap(),
        "message printed on the restored screen"
    );
    assert!(report(&out, "UI RESULT:").contains("a panic restored the terminal"));
    assert_eq!(report(&out, "UI COMMANDS:"), "UI COMMANDS: [Shutdown]");
}
