//! The strategy form overlay: strategy (with its description), symbol and
//! interval, then one line per parameter with its value, default, range
//! and description. The form is validated on every frame, so a refused
//! value shows its reason on the line under it while it is being typed;
//! the bottom line says whether Enter will send. A form taller than the
//! screen scrolls to keep the focused line in view.

use super::plain_block;
use crate::engine::View;
use crate::text::sanitize;
use crate::ui::format::wrap;
use crate::ui::state::UiState;
use crate::ui::strategy_form::{range_text, FormField, FormKind, StrategyForm};
use crate::ui::theme::Theme;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

/// Label column of the strategy / symbol / interval lines.
const LABEL: usize = 11;

/// One body line, with the field it belongs to (for scrolling) and where
/// the cursor goes on it (column), if anywhere.
struct Row<'a> {
    line: Line<'a>,
    field: Option<FormField>,
    cursor: Option<usize>,
}

fn row<'a>(line: Line<'a>, field: Option<FormField>) -> Row<'a> {
    Row {
        line,
        field,
        cursor: None,
    }
}

fn label<'a>(t: &Theme, text: &str, focused: bool, width: usize) -> Span<'a> {
    let st = if focused { t.selected() } else { t.dim() };
    Span::styled(format!("{text:<w$}", w = width.saturating_sub(1)), st)
}

/// A choice line: `< value >` while focused, so it is clear Space cycles.
fn choice<'a>(t: &Theme, value: &str, focused: bool) -> Span<'a> {
    if focused {
        Span::styled(format!(" < {value} >"), t.title())
    } else {
        Span::styled(format!("   {value}"), t.title())
    }
}

fn error_rows<'a>(t: &Theme, indent: usize, why: &str, width: usize, f: FormField) -> Vec<Row<'a>> {
    wrap(why, width.saturating_sub(indent).max(8))
        .into_iter()
        .map(|part| {
            let l = Line::from(vec![
                Span::raw(" ".repeat(indent)),
                Span::styled(part, t.error()),
            ]);
            row(l, Some(f))
        })
        .collect()
}

fn head_rows<'a>(
    t: &Theme,
    f: &StrategyForm,
    bad: &Option<(FormField, String)>,
    w: usize,
) -> Vec<Row<'a>> {
    let info = f.info();
    let mut out = Vec::new();
    let create = f.kind == FormKind::Create;
    let focused = |x: FormField| f.focus == x && create;
    out.push(row(
        Line::from(vec![
            label(t, "Strategy", focused(FormField::Strategy), LABEL),
            choice(t, info.name, focused(FormField::Strategy)),
        ]),
        Some(FormField::Strategy),
    ));
    for part in wrap(info.description, w.saturating_sub(LABEL + 2).max(8)) {
        out.push(row(
            Line::from(vec![
                Span::raw(" ".repeat(LABEL + 2)),
                Span::styled(part, t.dim()),
            ]),
            Some(FormField::Strategy),
        ));
    }
    let sym = sanitize(&f.symbol);
    let mut sym_row = row(
        Line::from(vec![
            label(t, "Symbol", focused(FormField::Symbol), LABEL),
            Span::styled(format!("   {sym}"), t.title()),
        ]),
        Some(FormField::Symbol),
    );
    if focused(FormField::Symbol) {
        sym_row.cursor = Some(LABEL + 2 + sym.chars().count());
    }
    out.push(sym_row);
    if let Some((FormField::Symbol, why)) = bad {
        out.extend(error_rows(t, LABEL + 2, why, w, FormField::Symbol));
    }
    out.push(row(
        Line::from(vec![
            label(t, "Interval", focused(FormField::Interval), LABEL),
            choice(t, f.interval.as_str(), focused(FormField::Interval)),
        ]),
        Some(FormField::Interval),
    ));
    out
}

fn param_rows<'a>(
    t: &Theme,
    f: &StrategyForm,
    bad: &Option<(FormField, String)>,
    w: usize,
) -> Vec<Row<'a>> {
    let specs = f.info().params;
    let ranges: Vec<String> = specs.iter().map(range_text).collect();
    let width =
        |title: &str, it: &mut dyn Iterator<Item = usize>| it.max().unwrap_or(0).max(title.len());
    let nw = width("Parameter", &mut specs.iter().map(|p| p.name.len())) + 1;
    let vw = width("Value", &mut f.values.iter().map(|v| v.chars().count())).max(10) + 1;
    let dw = width("Default", &mut specs.iter().map(|p| p.default.len())) + 1;
    let rw = width("Range", &mut ranges.iter().map(|r| r.len())) + 1;
    let head = format!(
        "{:<nw$}{:<vw$}{:<dw$}{:<rw$}Description",
        "Parameter", "Value", "Default", "Range"
    );
    let mut out = vec![row(Line::from(Span::styled(head, t.dim())), None)];
    for (i, spec) in specs.iter().enumerate() {
        let field = FormField::Param(i);
        let focused = f.focus == field;
        let value = sanitize(&f.values[i]);
        let mut r = row(
            Line::from(vec![
                label(t, spec.name, focused, nw),
                Span::raw(" "),
                Span::styled(format!("{value:<vw$}"), t.title()),
                Span::styled(format!("{:<dw$}{:<rw$}", spec.default, ranges[i]), t.dim()),
                Span::styled(spec.description, t.text()),
            ]),
            Some(field),
        );
        if focused {
            r.cursor = Some(nw + value.chars().count());
        }
        out.push(r);
        if let Some((bf, why)) = bad {
            if *bf == field {
                out.extend(error_rows(t, nw, why, w, field));
            }
        }
    }
    out
}

/// The form over the screen (only while trading is enabled: the caller
/// checks).
pub fn render(frame: &mut Frame, screen: Rect, ui: &UiState, view: &View) {
    let Some(f) = &ui.strategy_form else { return };
    let t = &ui.theme;
    let w = screen.width.saturating_sub(4).min(110);
    let inner_w = w.saturating_sub(2) as usize;
    let bad = f.check(view).err();
    let mut body = head_rows(t, f, &bad, inner_w);
    body.push(row(Line::default(), None));
    body.extend(param_rows(t, f, &bad, inner_w));

    // Fixed at the bottom: the focused parameter in full, and what Enter does.
    let mut foot: Vec<Line> = Vec::new();
    if let FormField::Param(i) = f.focus {
        if let Some(spec) = f.info().params.get(i) {
            let text = format!(
                "{}: {} (default {}, {})",
                spec.name,
                spec.description,
                spec.default,
                range_text(spec)
            );
            for part in wrap(&text, inner_w) {
                foot.push(Line::styled(part, t.dim()));
            }
        }
    }
    let (status, style): (String, Style) = match (&bad, &f.error) {
        (Some((_, why)), Some(_)) => (format!("NOT SENT: {why}"), t.error()),
        (Some(_), None) => (
            "fix the value marked above; Enter sends nothing until then".into(),
            t.warn(),
        ),
        (None, _) => match f.kind {
            FormKind::Create => (
                format!(
                    "OK: Enter creates {} {} {} (stopped)",
                    f.info().name,
                    sanitize(f.symbol.trim()),
                    f.interval.as_str()
                ),
                t.up(),
            ),
            FormKind::Edit { id } => (format!("OK: Enter saves the parameters of #{id}"), t.up()),
        },
    };
    for part in wrap(&status, inner_w) {
        foot.push(Line::styled(part, style));
    }

    let h = ((body.len() + foot.len()) as u16 + 2).min(screen.height);
    let area = Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    );
    let badge = view.mode.map_or("----", |m| m.badge());
    let title = match f.kind {
        FormKind::Create => " New strategy instance ".to_string(),
        FormKind::Edit { id } => format!(" Edit #{id} {} {} ", f.info().name, sanitize(&f.symbol)),
    };
    let block = plain_block(ui)
        .border_style(t.border(true))
        .title(Line::from(vec![
            Span::styled(title, t.accent()),
            Span::styled(format!(" {badge} "), t.badge(view.mode)),
            Span::raw(" "),
        ]))
        .title_bottom(Line::from(Span::styled(
            " Tab field  Space change  Enter ok  Esc cancel ",
            t.dim(),
        )));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);

    // The body scrolls so the focused line (and its error) stays in view;
    // the footer keeps what is left.
    let foot_h = foot.len().min(inner.height as usize / 2);
    let body_h = inner.height as usize - foot_h;
    let last = body
        .iter()
        .rposition(|r| r.field == Some(f.focus))
        .unwrap_or(0);
    let scroll = (last + 1).saturating_sub(body_h);
    let mut cursor = None;
    let mut lines = Vec::new();
    for (y, r) in body.into_iter().skip(scroll).take(body_h).enumerate() {
        if let Some(x) = r.cursor {
            cursor = Some((x, y));
        }
        lines.push(r.line);
    }
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            height: body_h as u16,
            ..inner
        },
    );
    let foot_area = Rect::new(inner.x, inner.y + body_h as u16, inner.width, foot_h as u16);
    frame.render_widget(Paragraph::new(foot), foot_area);
    if let Some((x, y)) = cursor {
        let (x, y) = (inner.x + x as u16, inner.y + y as u16);
        if x < inner.right() && y < inner.bottom() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}
