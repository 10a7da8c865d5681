//! Plain aligned tables for the account panes: columns sized to their
//! content, and dropped least important first when the pane is narrow, so
//! side, price and quantity survive on a small terminal.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

pub struct Col {
    pub title: String,
    /// Right-aligned (numbers).
    pub right: bool,
    /// Higher survives longer.
    pub prio: u8,
}

pub fn col(title: impl Into<String>, right: bool, prio: u8) -> Col {
    Col {
        title: title.into(),
        right,
        prio,
    }
}

/// One cell: text and style.
pub type Cell = (String, Style);

/// Laid-out columns: which are shown and how wide.
pub struct Fit {
    show: Vec<bool>,
    widths: Vec<usize>,
}

/// Chooses the columns that fit in `width` (one space between columns).
pub fn fit(cols: &[Col], rows: &[Vec<Cell>], width: usize) -> Fit {
    let widths: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |x| x.0.chars().count()))
                .max()
                .unwrap_or(0)
                .max(c.title.chars().count())
        })
        .collect();
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cols[i].prio));
    let mut show = vec![false; cols.len()];
    let mut used = 0;
    for i in order {
        let w = widths[i] + usize::from(used > 0);
        if used + w <= width {
            show[i] = true;
            used += w;
        }
    }
    Fit { show, widths }
}

impl Fit {
    fn line<'a>(&self, cols: &[Col], cells: Vec<Cell>, base: Style) -> Line<'a> {
        let mut spans = Vec::new();
        for (i, (text, st)) in cells.into_iter().enumerate() {
            if !self.show.get(i).copied().unwrap_or(false) {
                continue;
            }
            if !spans.is_empty() {
                spans.push(Span::styled(" ", base));
            }
            let w = self.widths[i];
            let text = if cols[i].right {
                format!("{text:>w$}")
            } else {
                format!("{text:<w$}")
            };
            spans.push(Span::styled(text, base.patch(st)));
        }
        Line::from(spans)
    }

    /// The header line; `first` replaces the first shown column's title
    /// (a section name such as "Fills").
    pub fn header<'a>(&self, cols: &[Col], dim: Style, first: Option<Cell>) -> Line<'a> {
        let mut cells: Vec<Cell> = cols.iter().map(|c| (c.title.clone(), dim)).collect();
        if let (Some(f), Some(i)) = (first, self.show.iter().position(|s| *s)) {
            cells[i] = f;
        }
        self.line(cols, cells, Style::default())
    }

    /// A data row; `base` (e.g. reverse for the selection) is laid under
    /// every cell's own style.
    pub fn row<'a>(&self, cols: &[Col], cells: Vec<Cell>, base: Style) -> Line<'a> {
        self.line(cols, cells, base)
    }
}

/// Splits `total` lines between sections wanting `wants` lines each, round
/// robin, so a short section leaves its share to the others.
pub fn share(wants: &[usize], total: usize) -> Vec<usize> {
    let mut got = vec![0; wants.len()];
    let mut left = total;
    loop {
        let mut gave = false;
        for (g, w) in got.iter_mut().zip(wants) {
            if left > 0 && *g < *w {
                *g += 1;
                left -= 1;
                gave = true;
            }
        }
        if !gave {
            return got;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_tables_drop_the_least_important_columns() {
        let cols = [
            col("Time", false, 1),
            col("Side", false, 9),
            col("Price", true, 8),
        ];
        let rows = vec![vec![
            ("12:00:00".to_string(), Style::default()),
            ("BUY".into(), Style::default()),
            ("61000.00".into(), Style::default()),
        ]];
        let f = fit(&cols, &rows, 14);
        let l = f.row(&cols, rows[0].clone(), Style::default());
        assert_eq!(l.to_string(), "BUY  61000.00");
        let f = fit(&cols, &rows, 40);
        assert_eq!(
            f.header(&cols, Style::default(), None).to_string(),
            "Time     Side    Price"
        );
    }

    #[test]
    fn shares_are_fair_and_redistributed() {
        assert_eq!(share(&[10, 1, 10], 7), vec![3, 1, 3]);
        assert_eq!(share(&[0, 0], 5), vec![0, 0]);
        assert_eq!(share(&[2, 9], 8), vec![2, 6]);
    }
}
