//! Everything the UI remembers between frames that is not market data:
//! focus, overlays, depth, frozen copies, scroll offsets, theme and clock,
//! and the order ticket / confirmations being filled in.

use super::overlays::{OverlayCache, OverlaySettings};
use super::strategy_form::StrategyForm;
use super::theme::{ColorDepth, Theme};
use super::ticket::TicketState;
use super::UiOptions;
use crate::config::{Glyphs, LayoutChoice};
use crate::engine::View;
use crate::logging::LogLine;
use chrono::{DateTime, FixedOffset, Local, TimeZone};

/// Order book levels per side: the lower and upper bound of `+`/`-`.
pub const MIN_DEPTH: usize = 1;
pub const MAX_DEPTH: usize = crate::engine::view::VIEW_LEVELS;

/// A focusable pane. The ticker, status bar and trading bar are always
/// visible and take no keys, so they are not panes here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    Book,
    Trades,
    Chart,
    /// Open orders (selectable).
    Orders,
    /// Fills, round trips with P&L, finished orders.
    History,
    /// Balances and positions.
    Account,
    /// Strategy instances (selectable) and the selected one's state. Shown
    /// in place of the account row while focused (see `layout`).
    Strategies,
    Logs,
}

impl Pane {
    /// Focus order for Tab.
    pub const ALL: [Pane; 8] = [
        Pane::Book,
        Pane::Trades,
        Pane::Chart,
        Pane::Orders,
        Pane::History,
        Pane::Account,
        Pane::Strategies,
        Pane::Logs,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Book => "Order book",
            Pane::Trades => "Trades",
            Pane::Chart => "Chart",
            Pane::Orders => "Open orders",
            Pane::History => "History",
            Pane::Account => "Account",
            Pane::Strategies => "Strategies",
            Pane::Logs => "Log",
        }
    }

    /// Panes that exist only while the view carries an account
    /// (strategies trade on the account's venue, so they go with it).
    pub fn is_trading(self) -> bool {
        matches!(
            self,
            Pane::Orders | Pane::History | Pane::Account | Pane::Strategies
        )
    }

    /// The pane `dir` steps away in focus order, wrapping; the trading
    /// panes are skipped when there is no account to show.
    pub fn step(self, dir: i32, trading_panes: bool) -> Pane {
        let cycle: Vec<Pane> = Pane::ALL
            .into_iter()
            .filter(|p| trading_panes || !p.is_trading())
            .collect();
        let n = cycle.len() as i32;
        let at = cycle.iter().position(|p| *p == self).unwrap_or(0) as i32;
        cycle[(at + dir).rem_euclid(n) as usize]
    }
}

/// A yes/no question before a destructive action; holds exactly what will
/// be sent, so a list changing underneath cannot redirect the answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Confirm {
    Cancel {
        symbol: String,
        client_order_id: String,
        /// The order as the user saw it ("BUY 0.01000 @ 61000.00 LIMIT").
        summary: String,
    },
    CancelAll {
        symbol: String,
        count: usize,
    },
    Halt,
    Resume,
    /// Start a strategy instance where its orders move real or exchange
    /// balances (testnet, demo, live): it will place orders unattended.
    StrategyStart {
        id: u64,
        summary: String,
    },
    /// Delete a (stopped) strategy instance.
    StrategyDelete {
        id: u64,
        /// The instance as the user saw it ("#3 dca BTCUSDT 1h").
        summary: String,
    },
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
            // Account data is never frozen: a stale order list invites
            // cancelling the wrong thing (a stale strategy list, stopping
            // the wrong instance).
            Pane::Orders | Pane::History | Pane::Account | Pane::Strategies => false,
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
            Pane::Orders | Pane::History | Pane::Account | Pane::Strategies => {}
        }
    }

    /// The view a pane should draw: its frozen copy or the live one.
    pub fn view<'a>(&'a self, pane: Pane, live: &'a View) -> &'a View {
        let slot = match pane {
            Pane::Book => &self.book,
            Pane::Trades => &self.trades,
            Pane::Chart => &self.chart,
            Pane::Logs | Pane::Orders | Pane::History | Pane::Account | Pane::Strategies => {
                return live
            }
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
    /// Selected row of the open orders pane (clamped when drawn and used).
    pub orders_sel: usize,
    /// The selected order's client id: the selection follows the order when
    /// new ones arrive above it, rather than sliding onto another.
    pub orders_sel_id: Option<String>,
    /// Selected row of the strategies pane, and the selected instance's id
    /// (the selection follows the instance, as for orders).
    pub strategies_sel: usize,
    pub strategies_sel_id: Option<u64>,
    /// The new-instance / edit-parameters form while open.
    pub strategy_form: Option<StrategyForm>,
    /// The order ticket (and its review) while open.
    pub ticket: Option<TicketState>,
    /// A pending yes/no confirmation.
    pub confirm: Option<Confirm>,
    /// A short UI-side message in the trading bar (e.g. "no open orders");
    /// cleared by the next key.
    pub trade_msg: Option<String>,
    /// Chart indicators on or off, and their periods.
    pub overlays: OverlaySettings,
    /// The indicator series of the last chart draw.
    pub(crate) overlay_cache: OverlayCache,
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
            orders_sel: 0,
            orders_sel_id: None,
            strategies_sel: 0,
            strategies_sel_id: None,
            strategy_form: None,
            ticket: None,
            confirm: None,
            trade_msg: None,
            overlays: OverlaySettings::from_config(cfg),
            overlay_cache: OverlayCache::default(),
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
        self.help.is_some()
            || self.prompt.is_some()
            || self.ticket.is_some()
            || self.strategy_form.is_some()
            || self.confirm.is_some()
    }

    /// Re-finds the selected order in `orders` (by id, else by clamped
    /// row), remembers it, and returns its row.
    pub fn sync_order_selection(&mut self, orders: &[crate::trading::order::Order]) -> usize {
        let by_id = self
            .orders_sel_id
            .as_ref()
            .and_then(|id| orders.iter().position(|o| &o.client_order_id == id));
        self.orders_sel = by_id.unwrap_or(self.orders_sel.min(orders.len().saturating_sub(1)));
        self.orders_sel_id = orders
            .get(self.orders_sel)
            .map(|o| o.client_order_id.clone());
        self.orders_sel
    }

    /// Re-finds the selected strategy instance in `rows` (by id, else by
    /// clamped row), remembers it, and returns its row.
    pub fn sync_strategy_selection(
        &mut self,
        rows: &[crate::engine::strategy_view::StrategyRow],
    ) -> usize {
        let by_id = self
            .strategies_sel_id
            .and_then(|id| rows.iter().position(|r| r.id == id));
        self.strategies_sel =
            by_id.unwrap_or(self.strategies_sel.min(rows.len().saturating_sub(1)));
        self.strategies_sel_id = rows.get(self.strategies_sel).map(|r| r.id);
        self.strategies_sel
    }

    /// Order entry is possible: not `--read-only` and the engine runs a
    /// trading venue. Everything that can send an order checks this.
    pub fn trading_enabled(&self, view: &View) -> bool {
        !self.read_only && view.trading.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_wraps_both_ways() {
        for trading in [false, true] {
            assert_eq!(Pane::Book.step(-1, trading), Pane::Logs);
            assert_eq!(Pane::Logs.step(1, trading), Pane::Book);
            assert_eq!(Pane::Trades.step(1, trading), Pane::Chart);
        }
        assert_eq!(Pane::Chart.step(1, false), Pane::Logs);
        assert_eq!(Pane::Chart.step(1, true), Pane::Orders);
        assert_eq!(Pane::Logs.step(-1, true), Pane::Strategies);
        assert_eq!(Pane::Account.step(1, true), Pane::Strategies);
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
