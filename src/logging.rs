//! Logging: `tracing` events go to a log file and to an in-memory ring that
//! the TUI's log pane renders. Nothing is written to stdout/stderr while the
//! TUI owns the terminal.

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Lines the log pane keeps.
pub const LOG_RING: usize = 1000;

/// One log event as the log pane shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// Local wall-clock time, `HH:MM:SS.mmm`.
    pub time: String,
    pub level: Level,
    pub target: String,
    pub message: String,
}

/// A bounded, shared ring of recent log lines. Cloning shares it.
#[derive(Clone, Default)]
pub struct LogBuffer {
    lines: Arc<Mutex<VecDeque<LogLine>>>,
    seq: Arc<AtomicU64>,
}

impl LogBuffer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&self, line: LogLine) {
        let mut g = self.lines.lock().unwrap_or_else(|e| e.into_inner());
        if g.len() == LOG_RING {
            g.pop_front();
        }
        g.push_back(line);
        self.seq.fetch_add(1, Ordering::Release);
    }

    /// Changes whenever a line is added (lets the UI skip redraws).
    pub fn seq(&self) -> u64 {
        self.seq.load(Ordering::Acquire)
    }

    /// The newest `n` lines, oldest first.
    pub fn tail(&self, n: usize) -> Vec<LogLine> {
        let g = self.lines.lock().unwrap_or_else(|e| e.into_inner());
        g.iter().skip(g.len().saturating_sub(n)).cloned().collect()
    }
}

#[derive(Default)]
struct MessageVisitor {
    message: String,
    fields: String,
}

impl Visit for MessageVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            self.fields
                .push_str(&format!(" {}={}", field.name(), value));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message.push_str(&format!("{value:?}"));
        } else {
            self.fields
                .push_str(&format!(" {}={:?}", field.name(), value));
        }
    }
}

/// Where headless commands mirror their log lines (never while the TUI
/// runs: the terminal belongs to it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Console {
    Off,
    Stderr,
    /// `tradeterm run` under systemd or a supervisor: the log is its output.
    Stdout,
}

/// A layer writing each event to the ring and (optionally) a file.
struct PaneLayer {
    ring: LogBuffer,
    file: Option<Mutex<File>>,
    console: Console,
}

impl<S: Subscriber> Layer<S> for PaneLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut v = MessageVisitor::default();
        event.record(&mut v);
        let meta = event.metadata();
        let now = chrono::Local::now();
        let message = crate::text::sanitize(&format!("{}{}", v.message, v.fields));
        let line = LogLine {
            time: now.format("%H:%M:%S%.3f").to_string(),
            level: *meta.level(),
            target: meta.target().to_string(),
            message,
        };
        let text = format!(
            "{} {:5} {}: {}\n",
            now.format("%Y-%m-%dT%H:%M:%S%.3f%:z"),
            line.level,
            line.target,
            line.message
        );
        if let Some(f) = &self.file {
            let mut f = f.lock().unwrap_or_else(|e| e.into_inner());
            let _ = f.write_all(text.as_bytes());
        }
        match self.console {
            Console::Off => {}
            Console::Stderr => {
                let _ = std::io::stderr().write_all(text.as_bytes());
            }
            Console::Stdout => {
                let _ = std::io::stdout().write_all(text.as_bytes());
            }
        }
        self.ring.push(line);
    }
}

/// Where logs go.
pub struct LogSetup {
    pub ring: LogBuffer,
    pub file: Option<PathBuf>,
}

/// Installs the global subscriber. `verbosity` 0 = info, 1 = debug,
/// 2+ = trace; `RUST_LOG` overrides. `stderr` mirrors events to stderr
/// (headless commands only; never while the TUI runs).
pub fn init(log_file: Option<&Path>, verbosity: u8, stderr: bool) -> LogSetup {
    let console = if stderr {
        Console::Stderr
    } else {
        Console::Off
    };
    init_console(log_file, verbosity, console)
}

/// [`init`] with the console mirror chosen explicitly.
pub fn init_console(log_file: Option<&Path>, verbosity: u8, console: Console) -> LogSetup {
    let ring = LogBuffer::new();
    let mut opened = None;
    let file = log_file.and_then(|p| {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let mut opts = OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(p) {
            Ok(f) => {
                opened = Some(p.to_path_buf());
                Some(Mutex::new(f))
            }
            Err(_) => None,
        }
    });
    let default = match verbosity {
        0 => "info",
        1 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(format!(
            "{default},hyper=warn,reqwest=warn,rustls=warn,tungstenite=warn,tokio_tungstenite=warn"
        ))
    });
    let layer = PaneLayer {
        ring: ring.clone(),
        file,
        console,
    };
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(filter))
        .try_init();
    LogSetup { ring, file: opened }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_is_bounded_and_ordered() {
        let b = LogBuffer::new();
        for i in 0..(LOG_RING + 5) {
            b.push(LogLine {
                time: String::new(),
                level: Level::INFO,
                target: "t".into(),
                message: i.to_string(),
            });
        }
        let t = b.tail(2);
        assert_eq!(t[0].message, (LOG_RING + 3).to_string());
        assert_eq!(t[1].message, (LOG_RING + 4).to_string());
        assert_eq!(b.seq(), (LOG_RING + 5) as u64);
    }
}
