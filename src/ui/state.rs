//! Everything the UI remembers between frames that is not market data:
//! focus, overlays, depth, frozen copies, scroll offsets, theme and clock.

use super::theme::{ColorDepth, Theme};
use super::UiOptions;
use crate::config::{Glyphs, LayoutChoice};
use crate::engine::View;
use crate::logging::LogLine;
use chrono::{DateTime, FixedOffset, Local, TimeZone};

/// Order book levels per side: the lower and upper bound of `+`/`-`.
pub const MIN_DEPTH: usize = 1;
pub const MAX_DEPTH: usize = crate::engine::view::VIEW_LEVELS;

/// A focusable pane. The ticker and status bar are always visible and take
/// no keys, so they are not panes here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    Book,
    Trades,
    Chart,
    Logs,
}

impl Pane {
    /// Focus order for Tab.
    pub const ALL: [Pane; 4] = [Pane::Book, Pane::Trades, Pane::Chart, Pane::Logs];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Book => "Order book",
            Pane::Trades => "Trades",
            Pane::Chart => "Chart",
            Pane::Logs => "Log",
        }
    }

    fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The pane `dir` steps away in focus order, wrapping.
    pub fn step(self, dir: i32) -> Pane {
        let n = Pane::ALL.len() as i32;
        Pane::ALL[(self.index() as i32 + dir).rem_euclid(n) as usize]
    }
}

/// Where the clock text and trade times come from. Tests pin both so
/// snapshots do not depend on the time or the machine's time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clock {
    Local,
    Fixed { now: String, utc_offset_secs: i32 },
}

impl Clock {
    /// `HH:MM:SS`: second resolution only (no animation, no redraw storm).
    pub fn now_text(&self) -> String {
        match self {
            Clock::Local => Local::now().format("%H:%M:%S").to_string(),
            Clock::Fixed { now, .. } => now.clone(),
        }
    }

    /// A Binance millisecond timestamp as `HH:MM:SS` in the clock's zone.
    pub fn hms(&self, millis: i64) -> String {
        let Some(utc) = DateTime::from_timestamp_millis(millis) else {
            return "--:--:--".into();
        };
        match self {
            Clock::Local => Local
                .from_utc_datetime(&utc.naive_utc())
                .format("%H:%M:%S")
                .to_string(),
            Clock::Fixed {
                utc_offset_secs, ..
            } => {
                let tz = FixedOffset::east_opt(*utc_offset_secs)
                    .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
                utc.with_timezone(&tz).format("%H:%M:%S").to_string()
            }
        }
    }
}

/// The help overlay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HelpState {
    pub filter: String,
    /// Keys go into the filter while true.
    pub filtering: bool,
    pub scroll: usize,
}

/// The symbol switch prompt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PromptState {
    /// What the user typed (upper-cased as typed).
    pub input: String,
    /// While cycling completions: the text they were computed from, and the
    /// selected index.
    pub cycle: Option<(String, usize)>,
    /// Inline error (unknown symbol); cleared by the next edit.
    pub error: Option<String>,
}

impl PromptState {
    /// The text completions are computed from.
    pub fn base(&self) -> &str {
        match &self.cycle {
            Some((base, _)) => base,
            None => &self.input,
        }
    }

    pub fn selected(&self) -> Option<usize> {
        self.cycle.as_ref().map(|c| c.1)
    }
}

/// Frozen copies: a frozen pane keeps drawing the data it had when `f` was
/// pressed, so a fast book or tape can be read.
#[derive(Clone, Debug, Default)]
pub(crate) struct Frozen {
    pub book: Option<Box<View>>,
    pub trades: Option<Box<View>>,
    pub chart: Option<Box<View>>,
    /// `Some(None)`: frozen, copy taken at the next draw (keys do not see the
    /// log buffer).
    pub logs: Option<Option<Vec<LogLine>>>,
}

impl Frozen {
    pub fn is_frozen(&self, pane: Pane) -> bool {
        match pane {
            Pane::Book => self.book.is_some(),
            Pane::Trades => self.trades.is_some(),
            Pane::Chart => self.chart.is_some(),
            Pane::Logs => self.logs.is_some(),
        }
    }

    pub fn toggle(&mut self, pane: Pane, view: &View) {
        fn flip(slot: &mut Option<Box<View>>, view: &View) {
            *slot = match slot.take() {
                Some(_) => None,
                None => Some(Box::new(view.clone())),
            };
        }
        match pane {
            Pane::Book => flip(&mut self.book, view),
            Pane::Trades => flip(&mut self.trades, view),
            Pane::Chart => flip(&mut self.chart, view),
            Pane::Logs => {
                self.logs = match self.logs.take() {
                    Some(_) => None,
                    None => Some(None),
                }
            }
        }
    }

    /// The view a pane should draw: its frozen copy or the live one.
    pub fn view<'a>(&'a self, pane: Pane, live: &'a View) -> &'a View {
        let slot = match pane {
            Pane::Book => &self.book,
            Pane::Trades => &self.trades,
            Pane::Chart => &self.chart,
            Pane::Logs => return live,
        };
        slot.as_deref().unwrap_or(live)
    }
}

/// UI state owned by the event loop and passed to `draw`/`handle_key`.
#[derive(Clone, Debug)]
pub struct UiState {
    pub focus: Pane,
    /// The focused pane fills the body.
    pub maximised: bool,
    /// Order book levels per side, `MIN_DEPTH..=MAX_DEPTH`.
    pub book_depth: usize,
    /// Trades the tape shows at most.
    pub tape_len: usize,
    pub layout: LayoutChoice,
    pub glyphs: Glyphs,
    pub theme: Theme,
    pub clock: Clock,
    pub read_only: bool,
    pub help: Option<HelpState>,
    pub prompt: Option<PromptState>,
    /// Rows scrolled away from the newest trade.
    pub trades_scroll: usize,
    /// Lines scrolled away from the newest log line.
    pub logs_scroll: usize,
    pub(crate) frozen: Frozen,
}

impl UiState {
    pub fn new(opts: &UiOptions) -> Self {
        let cfg = &opts.cfg;
        UiState {
            focus: Pane::Book,
            maximised: false,
            book_depth: (cfg.book_depth as usize).clamp(MIN_DEPTH, MAX_DEPTH),
            tape_len: (cfg.tape_len as usize).max(1),
            layout: cfg.layout,
            glyphs: cfg.glyphs,
            theme: Theme::new(ColorDepth::from_env(cfg.color)),
            clock: Clock::Local,
            read_only: opts.read_only,
            help: None,
            prompt: None,
            trades_scroll: 0,
            logs_scroll: 0,
            frozen: Frozen::default(),
        }
    }

    pub fn is_frozen(&self, pane: Pane) -> bool {
        self.frozen.is_frozen(pane)
    }

    /// Freezes or unfreezes `pane` with a copy of `view`.
    pub fn toggle_freeze(&mut self, pane: Pane, view: &View) {
        self.frozen.toggle(pane, view);
    }

    /// True while an overlay takes the keys.
    pub fn overlay_open(&self) -> bool {
        self.help.is_some() || self.prompt.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_wraps_both_ways() {
        assert_eq!(Pane::Book.step(-1), Pane::Logs);
        assert_eq!(Pane::Logs.step(1), Pane::Book);
        assert_eq!(Pane::Trades.step(1), Pane::Chart);
    }

    #[test]
    fn fixed_clock_formats_in_its_offset() {
        let c = Clock::Fixed {
            now: "12:00:00".into(),
            utc_offset_secs: 3600,
        };
        // 2021-10-22T00:00:01Z
        assert_eq!(c.hms(1_634_860_801_000), "01:00:01");
        assert_eq!(c.now_text(), "12:00:00");
    }
}
