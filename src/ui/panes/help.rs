//! The help overlay, generated from the keymap tables and grouped by
//! context; `/` filters it. Order keys are listed only while trading is
//! enabled, so a read-only session does not advertise them.

use super::plain_block;
use crate::engine::View;
use crate::ui::keymap::{active, keys_label, Binding, Context};
use crate::ui::state::UiState;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

fn matches(b: &Binding, filter: &str) -> bool {
    if filter.is_empty() {
        return true;
    }
    let f = filter.to_lowercase();
    keys_label(b).to_lowercase().contains(&f)
        || b.description.to_lowercase().contains(&f)
        || b.context.title().to_lowercase().contains(&f)
}

/// The overlay's lines (without the filter line); groups are separated by
/// a blank line when everything still fits in `height`.
/// `panes`: the view has an account, so the account panes (and their
/// keys) exist.
fn lines<'a>(
    ui: &UiState,
    trading: bool,
    panes: bool,
    filter: &str,
    height: usize,
) -> Vec<Line<'a>> {
    let t = &ui.theme;
    let groups: Vec<(Context, Vec<&Binding>)> = Context::ALL
        .into_iter()
        .filter(|ctx| panes || !matches!(ctx, Context::Orders | Context::Strategies))
        .map(|ctx| {
            let rows = active(trading)
                .filter(|b| b.context == ctx && matches(b, filter))
                .collect::<Vec<_>>();
            (ctx, rows)
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect();
    let dense: usize = groups.iter().map(|(_, r)| r.len() + 1).sum();
    let spaced = dense + groups.len().saturating_sub(1) <= height;
    let mut out = Vec::new();
    for (ctx, rows) in groups {
        if spaced && !out.is_empty() {
            out.push(Line::default());
        }
        out.push(Line::from(Span::styled(ctx.title(), t.accent())));
        for b in rows {
            out.push(Line::from(vec![
                Span::styled(format!("  {:<22}", keys_label(b)), t.title()),
                Span::styled(b.description, t.text()),
            ]));
        }
    }
    if out.is_empty() {
        out.push(Line::from(Span::styled(
            "no key matches the filter",
            t.dim(),
        )));
    }
    out
}

pub fn render(frame: &mut Frame, screen: Rect, ui: &mut UiState, view: &View) {
    let trading = ui.trading_enabled(view);
    let Some(help) = ui.help.clone() else { return };
    let w = screen.width.saturating_sub(4).min(78);
    let h = screen.height.saturating_sub(2);
    let area = Rect::new(screen.x + (screen.width - w) / 2, screen.y + 1, w, h);
    let t = ui.theme;
    let block = plain_block(ui)
        .border_style(t.border(true))
        .title(Line::from(Span::styled(" Help ", t.accent())))
        .title_bottom(Line::from(Span::styled(" / filter  Esc close ", t.dim())));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let mut body = inner;
    if help.filtering || !help.filter.is_empty() {
        let cursor = if help.filtering { "_" } else { "" };
        let l = Line::from(vec![
            Span::styled("Filter: ", t.dim()),
            Span::styled(format!("{}{cursor}", help.filter), t.title()),
        ]);
        frame.render_widget(Paragraph::new(l), Rect { height: 1, ..inner });
        body = Rect {
            y: inner.y + 2,
            height: inner.height.saturating_sub(2),
            ..inner
        };
    }
    let panes = view.trading.is_some();
    let all = lines(ui, trading, panes, &help.filter, body.height as usize);
    let max_scroll = all.len().saturating_sub(body.height as usize);
    let scroll = help.scroll.min(max_scroll);
    if let Some(h) = &mut ui.help {
        h.scroll = scroll;
    }
    let shown: Vec<Line> = all.into_iter().skip(scroll).collect();
    frame.render_widget(Paragraph::new(shown), body);
}
