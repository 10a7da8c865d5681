//! The strategy form: `n` in the strategies pane creates an instance, `e`
//! edits the selected instance's parameters. Values stay the text the user
//! typed; every frame and key validates them with the catalog's own parser
//! ([`catalog::parse_params`]), so the reason a value is refused shows while
//! typing and Enter never sends what the engine would refuse for a value
//! (the engine checks again and answers with a notice anyway).

use super::completion::is_known;
use super::keymap::KeyAction;
use super::state::UiState;
use super::Action;
use crate::domain::Interval;
use crate::engine::{Command, StrategyRow, View};
use crate::strategy::catalog::{self, StrategyInfo, CATALOG};
use crate::strategy::params::{ParamKind, ParamSpec};

/// Longest value a parameter or the symbol accepts.
pub const MAX_VALUE: usize = 24;

/// What Enter does with the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormKind {
    /// A new instance (created stopped: starting is a separate decision).
    Create,
    /// New parameters for instance `id`; strategy, symbol and interval are
    /// shown but fixed.
    Edit { id: u64 },
}

/// One line of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormField {
    Strategy,
    Symbol,
    Interval,
    /// The strategy's `n`th parameter (catalog order).
    Param(usize),
}

/// The form being filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct StrategyForm {
    pub kind: FormKind,
    /// Index into [`CATALOG`].
    pub strategy: usize,
    pub symbol: String,
    pub interval: Interval,
    /// One text per parameter of the strategy, catalog order.
    pub values: Vec<String>,
    pub focus: FormField,
    /// The next typed character replaces the field (it was just focused).
    pub fresh: bool,
    /// Why the last Enter did not send; cleared by the next edit.
    pub error: Option<String>,
}

/// A value's allowed range for the form: `2..200`, `pct|quote`.
pub fn range_text(spec: &ParamSpec) -> String {
    match spec.kind {
        ParamKind::Choice(opts) => opts.join("|"),
        ParamKind::Bool => "true|false".into(),
        _ => match (spec.min, spec.max) {
            (Some(a), Some(b)) => format!("{a}..{b}"),
            (Some(a), None) => format!(">= {a}"),
            (None, Some(b)) => format!("<= {b}"),
            (None, None) => "any".into(),
        },
    }
}

fn defaults(info: &StrategyInfo) -> Vec<String> {
    info.params.iter().map(|p| p.default.to_string()).collect()
}

impl StrategyForm {
    /// A new instance of the first catalog strategy on the chart's symbol
    /// and interval, every parameter at its default.
    pub fn create(view: &View) -> StrategyForm {
        StrategyForm {
            kind: FormKind::Create,
            strategy: 0,
            symbol: view.symbol.clone(),
            interval: view.interval.unwrap_or(Interval::M1),
            values: defaults(&CATALOG[0]),
            focus: FormField::Strategy,
            fresh: true,
            error: None,
        }
    }

    /// The parameters of `row`, from its `k=v` text over the defaults.
    pub fn edit(row: &StrategyRow) -> Result<StrategyForm, String> {
        let info = catalog::find(&row.name)?;
        let strategy = CATALOG
            .iter()
            .position(|s| s.name == info.name)
            .unwrap_or(0);
        let mut values = defaults(info);
        for pair in row
            .params
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
        {
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            if let Some(i) = info.params.iter().position(|p| p.name == k) {
                values[i] = v.to_string();
            }
        }
        Ok(StrategyForm {
            kind: FormKind::Edit { id: row.id },
            strategy,
            symbol: row.symbol.clone(),
            interval: row.interval,
            values,
            focus: if info.params.is_empty() {
                FormField::Strategy
            } else {
                FormField::Param(0)
            },
            fresh: true,
            error: None,
        })
    }

    pub fn info(&self) -> &'static StrategyInfo {
        &CATALOG[self.strategy.min(CATALOG.len() - 1)]
    }

    /// The editable lines in Tab order: an edit changes parameters only.
    pub fn fields(&self) -> Vec<FormField> {
        let params = (0..self.info().params.len()).map(FormField::Param);
        match self.kind {
            FormKind::Create => [FormField::Strategy, FormField::Symbol, FormField::Interval]
                .into_iter()
                .chain(params)
                .collect(),
            FormKind::Edit { .. } => params.collect(),
        }
    }

    /// The parameters as sent: `k=v` pairs in catalog order, all of them.
    pub fn params_text(&self) -> String {
        self.info()
            .params
            .iter()
            .zip(&self.values)
            .map(|(p, v)| format!("{}={}", p.name, v.trim()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether the form can be sent: the symbol, then every parameter with
    /// the catalog's parser (ranges and cross-field rules). The error names
    /// the field it belongs to, so it can be shown on that line.
    pub fn check(&self, view: &View) -> Result<(), (FormField, String)> {
        if self.kind == FormKind::Create {
            let sym = self.symbol.trim();
            if sym.is_empty() {
                return Err((FormField::Symbol, "type a symbol, e.g. BTCUSDT".into()));
            }
            if !is_known(view, sym) {
                return Err((
                    FormField::Symbol,
                    format!("unknown symbol: {}", crate::text::sanitize(sym)),
                ));
            }
        }
        let info = self.info();
        for (i, (p, v)) in info.params.iter().zip(&self.values).enumerate() {
            if v.trim().is_empty() {
                let why = format!("{} is empty (default {})", p.name, p.default);
                return Err((FormField::Param(i), why));
            }
        }
        catalog::parse_params(info.name, &self.params_text())
            .map(|_| ())
            .map_err(|e| {
                // Messages start with the parameter they are about ("fast must
                // be...", "fast (30) must be below slow (20)").
                let first = e.split([' ', '(']).next().unwrap_or("");
                let field = info
                    .params
                    .iter()
                    .position(|p| p.name == first)
                    .map_or(self.focus, FormField::Param);
                (field, e)
            })
    }

    /// Moves focus `dir` lines, wrapping; a newly focused value is replaced
    /// by the first character typed.
    pub fn step_focus(&mut self, dir: i32) {
        let fields = self.fields();
        if fields.is_empty() {
            return;
        }
        let n = fields.len() as i32;
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0) as i32;
        self.focus = fields[(at + dir).rem_euclid(n) as usize];
        self.fresh = true;
    }

    /// Space / Right / Left: the next strategy (parameters back to its
    /// defaults), interval, or option of a choice or true/false parameter.
    pub fn change(&mut self, dir: i32) {
        let cycle = |at: usize, n: usize| (at as i32 + dir).rem_euclid(n as i32) as usize;
        match self.focus {
            FormField::Strategy if self.kind == FormKind::Create => {
                self.strategy = cycle(self.strategy, CATALOG.len());
                self.values = defaults(self.info());
            }
            FormField::Interval if self.kind == FormKind::Create => {
                let all = Interval::ALL;
                let at = all.iter().position(|i| *i == self.interval).unwrap_or(0);
                self.interval = all[cycle(at, all.len())];
            }
            FormField::Param(i) => {
                let opts: &[&str] = match self.info().params.get(i).map(|p| p.kind) {
                    Some(ParamKind::Choice(opts)) => opts,
                    Some(ParamKind::Bool) => &["true", "false"],
                    _ => return,
                };
                let v = &mut self.values[i];
                let at = opts
                    .iter()
                    .position(|o| o.eq_ignore_ascii_case(v.trim()))
                    .unwrap_or(opts.len() - 1);
                *v = opts[cycle(at, opts.len())].to_string();
                self.fresh = true;
            }
            _ => return,
        }
        self.error = None;
    }

    fn text_mut(&mut self) -> Option<&mut String> {
        match self.focus {
            FormField::Symbol if self.kind == FormKind::Create => Some(&mut self.symbol),
            FormField::Param(i) => self.values.get_mut(i),
            _ => None,
        }
    }

    /// A typed character: symbols upper-case letters and digits; values
    /// anything that can be part of a number or a word. Spaces, `=` and
    /// `,` would split the `k=v` text, so they are never accepted.
    pub fn type_char(&mut self, c: char) {
        let symbol = self.focus == FormField::Symbol;
        let ok = if symbol {
            c.is_ascii_alphanumeric()
        } else {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_')
        };
        let fresh = self.fresh;
        let Some(s) = self.text_mut().filter(|_| ok) else {
            return;
        };
        if fresh {
            s.clear();
        }
        if s.chars().count() < MAX_VALUE {
            s.push(if symbol { c.to_ascii_uppercase() } else { c });
        }
        self.edited();
    }

    fn edited(&mut self) {
        self.fresh = false;
        self.error = None;
    }

    /// The command Enter sends, or why it sends nothing.
    pub fn submit(&self, view: &View) -> Result<Command, String> {
        self.check(view).map_err(|(_, e)| e)?;
        let params = self.params_text();
        Ok(match self.kind {
            FormKind::Create => Command::StrategyCreate {
                name: self.info().name.to_string(),
                symbol: self.symbol.trim().to_string(),
                interval: Some(self.interval),
                params,
                start: false,
            },
            FormKind::Edit { id } => Command::StrategyEdit { id, params },
        })
    }
}

/// Keys while the form is open. Callers have checked that trading is
/// enabled and the form is open.
pub fn handle(ui: &mut UiState, action: KeyAction, view: &View) -> Option<Action> {
    let f = ui.strategy_form.as_mut()?;
    match action {
        KeyAction::FieldNext => f.step_focus(1),
        KeyAction::FieldPrev => f.step_focus(-1),
        KeyAction::FieldChange => f.change(1),
        KeyAction::FieldChangeBack => f.change(-1),
        KeyAction::DeleteChar => {
            if let Some(s) = f.text_mut() {
                s.pop();
                f.edited();
            }
        }
        KeyAction::ClearInput => {
            if let Some(s) = f.text_mut() {
                s.clear();
                f.edited();
            }
        }
        KeyAction::FormCancel => ui.strategy_form = None,
        KeyAction::FormSubmit => match f.submit(view) {
            Ok(cmd) => {
                let what = match &cmd {
                    Command::StrategyCreate {
                        name,
                        symbol,
                        interval,
                        ..
                    } => format!(
                        "creating {name} {} {} (stopped; Enter starts it)",
                        crate::text::sanitize(symbol),
                        interval.map_or("", |i| i.as_str())
                    ),
                    Command::StrategyEdit { id, .. } => format!("saving parameters of #{id}"),
                    _ => String::new(),
                };
                ui.strategy_form = None;
                ui.trade_msg = Some(what);
                return Some(Action::Send(cmd));
            }
            Err(e) => f.error = Some(e),
        },
        _ => {}
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> View {
        View {
            symbol: "BTCUSDT".into(),
            interval: Some(Interval::M15),
            watchlist: std::sync::Arc::new(vec!["BTCUSDT".into(), "ETHUSDT".into()]),
            ..View::default()
        }
    }

    #[test]
    fn defaults_come_from_the_catalog_and_view() {
        let v = view();
        let f = StrategyForm::create(&v);
        assert_eq!(f.info().name, CATALOG[0].name);
        assert_eq!((f.symbol.as_str(), f.interval), ("BTCUSDT", Interval::M15));
        assert_eq!(f.values.len(), CATALOG[0].params.len());
        assert_eq!(f.check(&v), Ok(()));
        assert!(f.params_text().starts_with("fast=12 slow=26 "));
    }

    #[test]
    fn errors_name_their_field() {
        let v = view();
        let mut f = StrategyForm::create(&v);
        f.values[1] = "5".into(); // slow below fast
        assert_eq!(
            f.check(&v),
            Err((
                FormField::Param(0),
                "fast (12) must be below slow (5)".into()
            ))
        );
        f.values[1] = String::new();
        assert_eq!(
            f.check(&v).unwrap_err(),
            (FormField::Param(1), "slow is empty (default 26)".into())
        );
        f.values[1] = "26".into();
        f.symbol = "NOPE".into();
        assert_eq!(f.check(&v).unwrap_err().0, FormField::Symbol);
    }

    #[test]
    fn choices_cycle_and_strategies_reset_the_values() {
        let v = view();
        let mut f = StrategyForm::create(&v);
        let size_mode = f.info().params.iter().position(|p| p.name == "size_mode");
        let i = size_mode.unwrap();
        f.focus = FormField::Param(i);
        f.change(1);
        assert_eq!(f.values[i], "quote");
        f.change(1);
        assert_eq!(f.values[i], "pct");
        f.focus = FormField::Strategy;
        f.change(-1);
        assert_eq!(f.info().name, CATALOG[CATALOG.len() - 1].name);
        assert_eq!(f.values, defaults(f.info()));
    }
}
