//! The UI task: waits on keys, resizes, new views, log lines and signals,
//! and redraws only when something changed — at most `fps` times a second.
//! A change arriving sooner than 1/fps after the last frame schedules one
//! frame at the deadline, so bursts of market data coalesce. When idle the
//! task wakes every [`IDLE_TICK`] only to look for new log lines and the
//! next clock second.

use super::terminal::{self, Signals, TerminalGuard, Tui};
use super::{draw, handle_key, Action, UiOptions, UiState};
use crate::config::ColorChoice;
use crate::engine::{Command, View};
use crate::logging::LogBuffer;
use crossterm::event::{Event, EventStream};
use crossterm::execute;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use futures_util::StreamExt;
use std::collections::VecDeque;
use std::io;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, MissedTickBehavior};

/// How often an idle UI checks the log ring and the clock.
pub const IDLE_TICK: Duration = Duration::from_millis(250);
/// How long exit waits to hand the last commands and `Shutdown` to a busy
/// engine.
const SHUTDOWN_SEND_TIMEOUT: Duration = Duration::from_secs(1);

/// Sends `Shutdown` if the UI goes away without doing it (e.g. a panic
/// unwinding through `run`).
struct ShutdownOnDrop {
    tx: mpsc::Sender<Command>,
    sent: bool,
}

impl Drop for ShutdownOnDrop {
    fn drop(&mut self) {
        if !self.sent {
            let _ = self.tx.try_send(Command::Shutdown);
        }
    }
}

/// See [`crate::ui::run`].
pub async fn run(
    opts: UiOptions,
    view_rx: watch::Receiver<View>,
    cmd_tx: mpsc::Sender<Command>,
    logs: LogBuffer,
) -> io::Result<()> {
    let mut shutdown = ShutdownOnDrop {
        tx: cmd_tx.clone(),
        sent: false,
    };
    let mut ui = UiState::new(&opts);
    // crossterm drops colour escapes when NO_COLOR is set; an explicit
    // `--color 256|16|truecolor` is the user overriding NO_COLOR, as
    // no-color.org allows, so let it through.
    if ui.theme.has_color() && opts.cfg.color != ColorChoice::Auto {
        crossterm::style::force_color_output(true);
    }
    // Commands from keys not yet handed to the engine; flushed on exit so a
    // command typed just before `q` is not lost.
    let mut pending: VecDeque<Command> = VecDeque::new();
    let result = match Signals::new() {
        Ok(mut signals) => match TerminalGuard::enter() {
            Ok(mut guard) => {
                let links = Links {
                    view_rx,
                    cmd_tx: &cmd_tx,
                    pending: &mut pending,
                    logs: &logs,
                };
                let r = event_loop(
                    &mut guard.terminal,
                    &mut ui,
                    links,
                    &mut signals,
                    opts.cfg.fps,
                )
                .await;
                let restored = guard.restore();
                r.and(restored)
            }
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    pending.push_back(Command::Shutdown);
    let flush = async {
        for c in pending {
            cmd_tx.send(c).await?;
        }
        Ok::<_, mpsc::error::SendError<Command>>(())
    };
    let sent = tokio::time::timeout(SHUTDOWN_SEND_TIMEOUT, flush).await;
    shutdown.sent = matches!(sent, Ok(Ok(())));
    result
}

fn draw_frame(term: &mut Tui, ui: &mut UiState, view: &View, logs: &LogBuffer) -> io::Result<()> {
    // Synchronized output: terminals that support it show the frame at once
    // (no tearing over slow links); others ignore the sequence.
    execute!(term.backend_mut(), BeginSynchronizedUpdate)?;
    term.draw(|f| draw(f, ui, view, logs))?;
    execute!(term.backend_mut(), EndSynchronizedUpdate)
}

/// The loop's connections to the rest of the program.
struct Links<'a> {
    view_rx: watch::Receiver<View>,
    cmd_tx: &'a mpsc::Sender<Command>,
    pending: &'a mut VecDeque<Command>,
    logs: &'a LogBuffer,
}

async fn event_loop(
    term: &mut Tui,
    ui: &mut UiState,
    links: Links<'_>,
    signals: &mut Signals,
    fps: u32,
) -> io::Result<()> {
    let Links {
        mut view_rx,
        cmd_tx,
        pending,
        logs,
    } = links;
    let frame_gap = Duration::from_secs(1) / fps.clamp(1, 120);
    let mut events = EventStream::new();
    let mut view = view_rx.borrow_and_update().clone();
    let mut view_open = true;
    // A newer view is waiting in the channel (cloned only when drawn).
    let mut view_stale = false;
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;
    let mut drawn_log_seq = 0;
    let mut drawn_clock = String::new();
    let mut tick = tokio::time::interval(IDLE_TICK);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);

    loop {
        if terminal::restored_by_panic() {
            return Err(io::Error::other("a panic restored the terminal"));
        }
        let now = Instant::now();
        let due = last_draw.is_none_or(|t| now >= t + frame_gap);
        if dirty && due {
            if view_stale {
                view = view_rx.borrow_and_update().clone();
                view_stale = false;
            }
            drawn_log_seq = logs.seq();
            drawn_clock = ui.clock.now_text();
            draw_frame(term, ui, &view, logs)?;
            last_draw = Some(Instant::now());
            dirty = false;
        }
        let deadline = last_draw.filter(|_| dirty).map(|t| t + frame_gap);

        tokio::select! {
            _ = signals.recv() => return Ok(()),
            ev = events.next() => match ev {
                None => return Ok(()),
                Some(Err(e)) => return Err(e),
                Some(Ok(Event::Key(key))) => {
                    // Keys act on what is on screen (e.g. `f` freezes it).
                    match handle_key(ui, key, &view) {
                        Some(Action::Quit) => return Ok(()),
                        Some(Action::Send(c)) => pending.push_back(c),
                        None => {}
                    }
                    dirty = true;
                }
                Some(Ok(Event::Resize(..))) => dirty = true,
                Some(Ok(_)) => {}
            },
            changed = view_rx.changed(), if view_open && !view_stale => match changed {
                Ok(()) => {
                    view_stale = true;
                    dirty = true;
                }
                // The engine is gone; keep showing the last picture.
                Err(_) => view_open = false,
            },
            permit = cmd_tx.reserve(), if !pending.is_empty() => match permit {
                Ok(p) => {
                    if let Some(c) = pending.pop_front() {
                        p.send(c);
                    }
                }
                Err(_) => pending.clear(),
            },
            _ = tick.tick() => {
                if logs.seq() != drawn_log_seq || ui.clock.now_text() != drawn_clock {
                    dirty = true;
                }
            }
            _ = tokio::time::sleep_until(deadline.unwrap_or(now)), if deadline.is_some() => {}
        }
    }
}
