//! The ticket and review overlays. Side, validity and environment are
//! spelled out in text (BUY/SELL, OK/refusal, LIVE) so they read without
//! colour; the LIVE review is reverse red from border to prompt.

use super::preview::{preview, Fee, Liquidity, Preview};
use super::state::{tif_str, Field, ReviewState, TicketState, Unit};
use crate::config::Mode;
use crate::domain::Side;
use crate::engine::{TradingView, View};
use crate::text::sanitize;
use crate::ui::format::{dec, rate_pct, trim, wrap};
use crate::ui::panes::plain_block;
use crate::ui::state::UiState;
use crate::ui::theme::Theme;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

/// Label column width.
const LABEL: usize = 11;

fn side_style(t: &Theme, side: Side) -> Style {
    match side {
        Side::Buy => t.up(),
        Side::Sell => t.down(),
    }
}

fn centred(screen: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(screen.width);
    let h = h.min(screen.height);
    Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    )
}

fn row<'a>(t: &Theme, label: &str, value: Vec<Span<'a>>) -> Line<'a> {
    let mut spans = vec![Span::styled(format!("{label:<LABEL$}"), t.dim())];
    spans.extend(value);
    Line::from(spans)
}

pub fn fee_text(fee: &Fee, quote: &str) -> String {
    let liq = match fee.liquidity {
        Liquidity::Maker => "maker",
        Liquidity::Taker => "taker",
    };
    format!(
        "~{} {} ({liq} {}, {})",
        trim(fee.amount, 8),
        sanitize(quote),
        rate_pct(fee.rate),
        fee.why
    )
}

/// The ticket (or, once Enter was pressed, its review) over the screen.
pub fn render(frame: &mut Frame, screen: Rect, ui: &UiState, view: &View) {
    let (Some(tk), Some(tv)) = (&ui.ticket, &view.trading) else {
        return;
    };
    match &tk.review {
        Some(r) => review(frame, screen, ui, view, tv, r),
        None => ticket(frame, screen, ui, view, tv, tk),
    }
}

fn field_line<'a>(
    t: &Theme,
    tk: &TicketState,
    f: Field,
    tv: &TradingView,
    errors: &[(Field, String)],
) -> (Line<'a>, Option<usize>) {
    let focused = tk.focus == f;
    let (label, value, unit): (&str, String, String) = match f {
        Field::Side => ("Side", tk.side.as_str().into(), String::new()),
        Field::Type => ("Type", tk.kind.as_str().into(), String::new()),
        Field::Tif => ("TIF", tif_str(tk.tif).into(), String::new()),
        Field::Stop => ("Stop price", tk.stop.clone(), sanitize(&tv.quote_asset)),
        Field::Price => ("Price", tk.price.clone(), sanitize(&tv.quote_asset)),
        Field::Unit => {
            let v = match tk.unit {
                Unit::Base => format!("{} quantity", sanitize(&tv.base_asset)),
                Unit::Quote => format!("{} amount", sanitize(&tv.quote_asset)),
            };
            ("Amount in", v, String::new())
        }
        Field::Amount => match tk.unit() {
            Unit::Base => ("Quantity", tk.amount.clone(), sanitize(&tv.base_asset)),
            Unit::Quote => ("Amount", tk.amount.clone(), sanitize(&tv.quote_asset)),
        },
    };
    let label_style = if focused { t.selected() } else { t.dim() };
    let value_style = match f {
        Field::Side => side_style(t, tk.side),
        _ => t.title(),
    };
    let mut spans = vec![
        Span::styled(format!("{label:<w$}", w = LABEL - 1), label_style),
        Span::raw(" "),
    ];
    let mut cursor = None;
    if f.is_number() {
        let shown = if value.is_empty() && !focused {
            "-".to_string()
        } else {
            value.clone()
        };
        if focused {
            cursor = Some(LABEL + value.chars().count());
        }
        spans.push(Span::styled(format!("{shown:<14}"), value_style));
        spans.push(Span::styled(format!(" {unit}"), t.dim()));
    } else if focused {
        spans.push(Span::styled(format!("< {value} >"), value_style));
    } else {
        spans.push(Span::styled(format!("  {value}  "), value_style));
    }
    if let Some((_, e)) = errors.iter().find(|(ef, _)| *ef == f) {
        spans.push(Span::styled(format!("  {e}"), t.error()));
    }
    (Line::from(spans), cursor)
}

/// The preview under the fields; messages wrap to `width`.
fn preview_lines<'a>(
    t: &Theme,
    view: &View,
    tv: &TradingView,
    tk: &TicketState,
    p: &Preview,
    width: usize,
) -> Vec<Line<'a>> {
    let (pd, qd) = (view.price_decimals, view.qty_decimals);
    let quote = sanitize(&tv.quote_asset);
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let mut out = Vec::new();
    let mut rounded = vec![];
    if p.price.is_some() || tk.kind != crate::trading::order::OrderType::Market {
        rounded.push(format!("price {}", opt(p.price.map(|v| dec(v, pd)))));
    } else {
        rounded.push("price market".into());
    }
    if let Some(s) = p.stop {
        rounded.push(format!("stop {}", dec(s, pd)));
    }
    match (p.qty, p.quote_qty) {
        (_, Some(q)) => rounded.push(format!("amount {} {quote}", dec(q, pd))),
        (q, None) => rounded.push(format!("qty {}", opt(q.map(|v| dec(v, qd))))),
    }
    out.push(row(t, "Rounded", vec![Span::raw(rounded.join("  "))]));
    let approx = if tk.kind == crate::trading::order::OrderType::Market {
        "~"
    } else {
        ""
    };
    out.push(row(
        t,
        "Notional",
        vec![Span::raw(match p.notional {
            Some(n) => format!("{approx}{} {quote}", dec(n, pd)),
            None => "-".into(),
        })],
    ));
    out.push(row(
        t,
        "Fee",
        vec![Span::raw(
            p.fee
                .as_ref()
                .map_or("-".into(), |f| fee_text(f, &tv.quote_asset)),
        )],
    ));
    let (filters, st) = match &p.filters {
        Some(Ok(())) => ("OK".to_string(), t.up()),
        Some(Err(e)) => (format!("REFUSED {}", sanitize(e)), t.error()),
        None => ("not checked yet".to_string(), t.dim()),
    };
    let mut msg = |label: &str, text: String, st: Style| {
        for (i, l) in wrap(&text, width.saturating_sub(LABEL))
            .into_iter()
            .enumerate()
        {
            out.push(row(
                t,
                if i == 0 { label } else { "" },
                vec![Span::styled(l, st)],
            ));
        }
    };
    msg("Filters", filters, st);
    for prob in &p.problems {
        msg("", sanitize(prob), t.warn());
    }
    for w in &p.warnings {
        msg("", format!("note: {}", sanitize(w)), t.dim());
    }
    if let Some(e) = &tk.error {
        msg("", format!("ERROR: {}", sanitize(e)), t.error());
    }
    out
}

fn ticket(
    frame: &mut Frame,
    screen: Rect,
    ui: &UiState,
    view: &View,
    tv: &TradingView,
    tk: &TicketState,
) {
    let t = &ui.theme;
    let p = preview(tk, view);
    let mut lines = Vec::new();
    let mut cursor = None;
    for f in tk.fields() {
        let (l, c) = field_line(t, tk, f, tv, &p.field_errors);
        if let Some(c) = c {
            cursor = Some((c, lines.len()));
        }
        lines.push(l);
    }
    let asset = match tk.side {
        Side::Buy => &tv.quote_asset,
        Side::Sell => &tv.base_asset,
    };
    let mut pct = vec![Span::styled(format!("{:<LABEL$}", ""), t.dim())];
    for (k, n) in [('z', 25), ('x', 50), ('c', 75), ('v', 100)] {
        let st = if tk.pct == Some(n) {
            t.selected()
        } else {
            t.dim()
        };
        pct.push(Span::styled(format!("{k} {n}%"), st));
        pct.push(Span::raw(" "));
    }
    pct.push(Span::styled(
        format!("of {} {} free", trim(tv.free(asset), 8), sanitize(asset)),
        t.dim(),
    ));
    lines.push(Line::from(pct));
    lines.push(Line::from(Span::styled(
        crate::ui::panes::hline(ui).repeat(60),
        t.dim(),
    )));
    let w = screen.width.saturating_sub(4).min(76);
    lines.extend(preview_lines(
        t,
        view,
        tv,
        tk,
        &p,
        w.saturating_sub(2) as usize,
    ));

    let h = lines.len() as u16 + 2;
    let area = centred(screen, w, h);
    let badge = view.mode.map_or("----", |m| m.badge());
    let title = Line::from(vec![
        Span::styled(" Order ticket ", t.accent()),
        Span::styled(format!(" {} ", tk.side.as_str()), side_style(t, tk.side)),
        Span::styled(format!("{} ", sanitize(&tk.symbol)), t.title()),
        Span::styled(format!(" {badge} "), t.badge(view.mode)),
        Span::raw(" "),
    ]);
    let block = plain_block(ui)
        .border_style(t.border(true))
        .title(title)
        .title_bottom(Line::from(Span::styled(
            " Tab field  Space change  z/x/c/v %  Enter review  Esc close ",
            t.dim(),
        )));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((x, y)) = cursor {
        let (x, y) = (inner.x + x as u16, inner.y + y as u16);
        if x < inner.right() && y < inner.bottom() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}

fn review(
    frame: &mut Frame,
    screen: Rect,
    ui: &UiState,
    view: &View,
    tv: &TradingView,
    r: &ReviewState,
) {
    let t = &ui.theme;
    let live = r.mode == Some(Mode::Live);
    let (pd, qd) = (view.price_decimals, view.qty_decimals);
    let k = &r.ticket;
    let quote = sanitize(&tv.quote_asset);
    let base = sanitize(&tv.base_asset);
    let badge = r.mode.map_or("----", |m| m.badge());
    let mut lines = Vec::new();
    if live {
        lines.push(Line::from(Span::styled(
            " LIVE ORDER - REAL MONEY - REAL EXCHANGE ",
            t.badge(Some(Mode::Live)),
        )));
    }
    lines.push(row(
        t,
        "Environment",
        vec![
            Span::styled(format!(" {badge} "), t.badge(r.mode)),
            Span::raw(format!("  venue: {}", sanitize(&r.venue))),
        ],
    ));
    lines.push(row(
        t,
        "Symbol",
        vec![Span::styled(sanitize(&k.symbol), t.title())],
    ));
    lines.push(row(
        t,
        "Side",
        vec![Span::styled(k.side.as_str(), side_style(t, k.side))],
    ));
    let tif = k
        .tif
        .map(|x| format!(" {}", tif_str(x)))
        .unwrap_or_default();
    lines.push(row(
        t,
        "Type",
        vec![Span::raw(format!("{}{tif}", k.kind.as_str()))],
    ));
    let qty = match (k.qty, k.quote_qty) {
        (Some(q), _) => format!("{} {base}", dec(q, qd)),
        (None, Some(q)) => format!("{} {quote} (quote amount)", dec(q, pd)),
        _ => "-".into(),
    };
    lines.push(row(t, "Quantity", vec![Span::styled(qty, t.title())]));
    let price = k
        .price
        .map_or("market".into(), |p| format!("{} {quote}", dec(p, pd)));
    lines.push(row(t, "Price", vec![Span::styled(price, t.title())]));
    if let Some(s) = k.stop_price {
        lines.push(row(
            t,
            "Stop price",
            vec![Span::raw(format!("{} {quote}", dec(s, pd)))],
        ));
    }
    let approx = if k.price.is_none() { "~" } else { "" };
    let notional = r
        .notional
        .map_or("-".into(), |n| format!("{approx}{} {quote}", dec(n, pd)));
    lines.push(row(t, "Notional", vec![Span::raw(notional)]));
    let fee = r
        .fee
        .as_ref()
        .map_or("-".into(), |f| fee_text(f, &tv.quote_asset));
    lines.push(row(t, "Fee", vec![Span::raw(fee)]));
    lines.push(Line::default());
    let mut cursor = None;
    match r.mode {
        Some(Mode::Live) => {
            let prompt = format!("Type {} to confirm: ", sanitize(&k.symbol));
            cursor = Some((prompt.chars().count() + r.typed.len(), lines.len()));
            lines.push(Line::from(vec![
                Span::styled(prompt, t.badge(Some(Mode::Live))),
                Span::styled(r.typed.clone(), t.title()),
            ]));
        }
        Some(Mode::Paper | Mode::Sim) => lines.push(Line::from(Span::styled(
            "Simulated order: Enter sends it, Esc goes back to edit.",
            t.dim(),
        ))),
        _ => lines.push(Line::from(Span::styled(
            format!("CONFIRM: this order goes to {}.", sanitize(&r.venue)),
            t.warn(),
        ))),
    }
    let w = screen.width.saturating_sub(4).min(72);
    if let Some(e) = &r.error {
        let text = format!("ERROR: {}", sanitize(e));
        for l in wrap(&text, w.saturating_sub(2) as usize) {
            lines.push(Line::from(Span::styled(l, t.error())));
        }
    }
    let h = lines.len() as u16 + 2;
    let area = centred(screen, w, h);
    let (border, title, hint) = if live {
        (
            t.badge(Some(Mode::Live)),
            " CONFIRM LIVE ORDER ",
            " type the symbol, Enter send  Esc back ",
        )
    } else if matches!(r.mode, Some(Mode::Paper | Mode::Sim)) {
        (t.border(true), " Review order ", " Enter send  Esc back ")
    } else {
        (t.warn(), " Confirm order ", " Enter/y send  Esc/n back ")
    };
    let block = plain_block(ui)
        .border_style(border)
        .title(Line::from(Span::styled(title, border)))
        .title_bottom(Line::from(Span::styled(hint, border)));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((x, y)) = cursor {
        let (x, y) = (inner.x + x as u16, inner.y + y as u16);
        if x < inner.right() && y < inner.bottom() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}
