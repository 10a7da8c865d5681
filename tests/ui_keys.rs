//! Key handling: pure `handle_key` calls against a realistic view.

mod ui_fixture;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tradeterm::domain::Interval;
use tradeterm::engine::Command;
use tradeterm::ui::{handle_key, Action, Pane, MAX_DEPTH, MIN_DEPTH};
use ui_fixture::*;

fn type_str(u: &mut tradeterm::ui::UiState, v: &tradeterm::engine::View, s: &str) {
    for c in s.chars() {
        assert_eq!(handle_key(u, ch(c), v), None);
    }
}

#[test]
fn symbol_prompt_switches_to_the_uppercased_symbol() {
    let (v, mut u) = (view(), ui());
    assert_eq!(handle_key(&mut u, ch('s'), &v), None);
    assert!(u.prompt.is_some());
    type_str(&mut u, &v, "ethusdt");
    assert_eq!(u.prompt.as_ref().unwrap().input, "ETHUSDT");
    assert_eq!(
        handle_key(&mut u, key(KeyCode::Enter), &v),
        Some(Action::Send(Command::SwitchSymbol("ETHUSDT".into())))
    );
    assert!(u.prompt.is_none());
}

#[test]
fn enter_takes_the_highlighted_completion() {
    let (v, mut u) = (view(), ui());
    handle_key(&mut u, ch('s'), &v);
    type_str(&mut u, &v, "eth");
    assert_eq!(
        handle_key(&mut u, key(KeyCode::Enter), &v),
        Some(Action::Send(Command::SwitchSymbol("ETHUSDT".into())))
    );
}

#[test]
fn slash_also_opens_the_prompt_and_q_is_text_there() {
    let (v, mut u) = (view(), ui());
    handle_key(&mut u, ch('/'), &v);
    type_str(&mut u, &v, "q");
    assert_eq!(u.prompt.as_ref().unwrap().input, "Q");
}

#[test]
fn unknown_symbol_sends_nothing_and_shows_an_error() {
    let (v, mut u) = (view(), ui());
    handle_key(&mut u, ch('s'), &v);
    type_str(&mut u, &v, "nosuch");
    assert_eq!(handle_key(&mut u, key(KeyCode::Enter), &v), None);
    let p = u.prompt.as_ref().expect("prompt stays open");
    assert!(p
        .error
        .as_deref()
        .unwrap()
        .contains("unknown symbol: NOSUCH"));
    // Editing clears the error.
    handle_key(&mut u, key(KeyCode::Backspace), &v);
    assert_eq!(u.prompt.as_ref().unwrap().error, None);
    assert_eq!(u.prompt.as_ref().unwrap().input, "NOSUC");
}

#[test]
fn tab_completes_watchlist_first_and_cycles() {
    let (v, mut u) = (view(), ui());
    handle_key(&mut u, ch('s'), &v);
    type_str(&mut u, &v, "so");
    handle_key(&mut u, key(KeyCode::Tab), &v);
    assert_eq!(u.prompt.as_ref().unwrap().input, "SOLUSDT");
    // "eth": extends to nothing longer, so Tab cycles, watchlist first.
    handle_key(&mut u, ctrl('u'), &v);
    type_str(&mut u, &v, "eth");
    handle_key(&mut u, key(KeyCode::Tab), &v);
    assert_eq!(u.prompt.as_ref().unwrap().input, "ETHUSDT");
    handle_key(&mut u, key(KeyCode::Tab), &v);
    assert_eq!(u.prompt.as_ref().unwrap().input, "ETHBTC");
    handle_key(&mut u, key(KeyCode::Up), &v);
    assert_eq!(u.prompt.as_ref().unwrap().input, "ETHUSDT");
    assert_eq!(
        handle_key(&mut u, key(KeyCode::Enter), &v),
        Some(Action::Send(Command::SwitchSymbol("ETHUSDT".into())))
    );
}

#[test]
fn switching_to_the_current_symbol_just_closes() {
    let (v, mut u) = (view(), ui());
    handle_key(&mut u, ch('s'), &v);
    type_str(&mut u, &v, "btcusdt");
    assert_eq!(handle_key(&mut u, key(KeyCode::Enter), &v), None);
    assert!(u.prompt.is_none());
}

#[test]
fn brackets_step_the_interval() {
    let (mut v, mut u) = (view(), ui());
    assert_eq!(
        handle_key(&mut u, ch(']'), &v),
        Some(Action::Send(Command::SetInterval(Interval::M1.step(1))))
    );
    assert_eq!(
        handle_key(&mut u, ch('['), &v),
        Some(Action::Send(Command::SetInterval(Interval::S1)))
    );
    v.interval = Some(Interval::S1);
    assert_eq!(
        handle_key(&mut u, ch('['), &v),
        None,
        "already the shortest"
    );
}

#[test]
fn depth_stays_within_bounds() {
    let (v, mut u) = (view(), ui());
    assert_eq!(u.book_depth, 12);
    handle_key(&mut u, ch('+'), &v);
    assert_eq!(u.book_depth, 13);
    handle_key(
        &mut u,
        KeyEvent::new(KeyCode::Char('+'), KeyModifiers::SHIFT),
        &v,
    );
    handle_key(&mut u, ch('='), &v);
    assert_eq!(u.book_depth, 15);
    for _ in 0..100 {
        handle_key(&mut u, ch('+'), &v);
    }
    assert_eq!(u.book_depth, MAX_DEPTH);
    for _ in 0..100 {
        handle_key(&mut u, ch('-'), &v);
    }
    assert_eq!(u.book_depth, MIN_DEPTH);
}

#[test]
fn freeze_toggles_the_focused_pane_only() {
    let (v, mut u) = (view(), ui());
    u.focus = Pane::Trades;
    handle_key(&mut u, ch('f'), &v);
    assert!(u.is_frozen(Pane::Trades) && !u.is_frozen(Pane::Book));
    handle_key(&mut u, ch('f'), &v);
    assert!(!u.is_frozen(Pane::Trades));
}

#[test]
fn maximise_toggles_and_esc_restores() {
    let (v, mut u) = (view(), ui());
    handle_key(&mut u, ch('e'), &v);
    assert!(u.maximised);
    handle_key(&mut u, ch('e'), &v);
    assert!(!u.maximised);
    handle_key(&mut u, ch('e'), &v);
    handle_key(&mut u, key(KeyCode::Esc), &v);
    assert!(!u.maximised);
}

#[test]
fn q_and_ctrl_c_quit() {
    let (v, mut u) = (view(), ui());
    assert_eq!(handle_key(&mut u, ch('q'), &v), Some(Action::Quit));
    assert_eq!(handle_key(&mut u, ctrl('c'), &v), Some(Action::Quit));
    // Ctrl-c quits from inside the prompt and the help too.
    handle_key(&mut u, ch('s'), &v);
    assert_eq!(handle_key(&mut u, ctrl('c'), &v), Some(Action::Quit));
    let mut u = ui();
    handle_key(&mut u, ch('?'), &v);
    assert_eq!(handle_key(&mut u, ctrl('c'), &v), Some(Action::Quit));
}

#[test]
fn esc_closes_overlays() {
    let (v, mut u) = (view(), ui());
    handle_key(&mut u, ch('?'), &v);
    assert!(u.help.is_some());
    assert_eq!(handle_key(&mut u, key(KeyCode::Esc), &v), None);
    assert!(u.help.is_none());
    handle_key(&mut u, ch('s'), &v);
    type_str(&mut u, &v, "eth");
    assert_eq!(handle_key(&mut u, key(KeyCode::Esc), &v), None);
    assert!(u.prompt.is_none());
    // Esc in the help filter clears the filter first, then closes.
    handle_key(&mut u, ch('?'), &v);
    handle_key(&mut u, ch('/'), &v);
    type_str(&mut u, &v, "quit");
    assert_eq!(u.help.as_ref().unwrap().filter, "quit");
    handle_key(&mut u, key(KeyCode::Esc), &v);
    assert_eq!(u.help.as_ref().unwrap().filter, "");
    handle_key(&mut u, key(KeyCode::Esc), &v);
    assert!(u.help.is_none());
}

#[test]
fn overlays_swallow_main_keys() {
    let (v, mut u) = (view(), ui());
    handle_key(&mut u, ch('?'), &v);
    assert_eq!(handle_key(&mut u, ch(']'), &v), None);
    assert_eq!(handle_key(&mut u, ch('e'), &v), None);
    assert!(!u.maximised);
    // q closes the help instead of quitting.
    assert_eq!(handle_key(&mut u, ch('q'), &v), None);
    assert!(u.help.is_none());
}

#[test]
fn focus_cycles_with_tab_and_hl() {
    let (v, mut u) = (view(), ui());
    let order: Vec<Pane> = (0..4)
        .map(|_| {
            handle_key(&mut u, key(KeyCode::Tab), &v);
            u.focus
        })
        .collect();
    assert_eq!(order, [Pane::Trades, Pane::Chart, Pane::Logs, Pane::Book]);
    handle_key(
        &mut u,
        KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
        &v,
    );
    assert_eq!(u.focus, Pane::Logs);
    handle_key(&mut u, ch('l'), &v);
    assert_eq!(u.focus, Pane::Book);
    handle_key(&mut u, ch('h'), &v);
    handle_key(&mut u, key(KeyCode::Left), &v);
    assert_eq!(u.focus, Pane::Chart);
}

#[test]
fn jk_scroll_the_focused_list() {
    let (v, mut u) = (view(), ui());
    handle_key(&mut u, ch('j'), &v);
    assert_eq!(u.trades_scroll, 0, "the book does not scroll");
    u.focus = Pane::Trades;
    handle_key(&mut u, ch('j'), &v);
    handle_key(&mut u, key(KeyCode::Down), &v);
    assert_eq!(u.trades_scroll, 2);
    handle_key(&mut u, ch('k'), &v);
    assert_eq!(u.trades_scroll, 1);
    handle_key(&mut u, ch('g'), &v);
    assert_eq!(u.trades_scroll, 0);
    u.focus = Pane::Logs;
    handle_key(&mut u, key(KeyCode::Up), &v);
    assert_eq!(u.logs_scroll, 1, "up is older in the log");
}

#[test]
fn key_releases_are_ignored() {
    let (v, mut u) = (view(), ui());
    let mut q = ch('q');
    q.kind = KeyEventKind::Release;
    assert_eq!(handle_key(&mut u, q, &v), None);
}

#[test]
fn overlay_keys_toggle_on_the_main_screen_only() {
    use tradeterm::config::SubPane;
    let (v, mut u) = (view(), ui());
    let before = u.overlays.clone();
    assert_eq!(handle_key(&mut u, ch('E'), &v), None);
    assert_eq!(handle_key(&mut u, ch('B'), &v), None);
    assert_eq!(handle_key(&mut u, ch('I'), &v), None);
    assert_eq!(
        (u.overlays.ema, u.overlays.bb, u.overlays.sub),
        (!before.ema, !before.bb, SubPane::Rsi)
    );
    // In the symbol prompt they are text.
    handle_key(&mut u, ch('s'), &v);
    type_str(&mut u, &v, "EBI");
    assert_eq!(u.prompt.as_ref().unwrap().input, "EBI");
    assert_eq!(u.overlays.sub, SubPane::Rsi);
}
