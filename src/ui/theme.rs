//! Colours that degrade: every role has an RGB value, a 256-colour index and
//! a basic ANSI colour, and a monochrome style that relies on bold, dim and
//! reverse only. The background is never set, so the user's terminal
//! background (dark or light) shows through.

use crate::config::{ColorChoice, Mode};
use ratatui::style::{Color, Modifier, Style};

/// How many colours the terminal can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorDepth {
    TrueColor,
    Ansi256,
    Ansi16,
    /// No colour at all (NO_COLOR, `--color never`).
    None,
}

impl ColorDepth {
    /// Resolves the configured choice against the environment. `env` is a
    /// lookup so tests need not mutate the process environment.
    ///
    /// `auto`: NO_COLOR set and non-empty means none (no-color.org);
    /// COLORTERM `truecolor`/`24bit` or a `*-direct` TERM means RGB; `dumb`
    /// means none; anything else 256 colours. An explicit choice wins over
    /// NO_COLOR, as no-color.org asks of command-line options.
    pub fn detect(choice: ColorChoice, env: impl Fn(&str) -> Option<String>) -> ColorDepth {
        match choice {
            ColorChoice::Truecolor => ColorDepth::TrueColor,
            ColorChoice::C256 => ColorDepth::Ansi256,
            ColorChoice::C16 => ColorDepth::Ansi16,
            ColorChoice::Never => ColorDepth::None,
            ColorChoice::Auto => {
                if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                    return ColorDepth::None;
                }
                let colorterm = env("COLORTERM").unwrap_or_default().to_ascii_lowercase();
                let term = env("TERM").unwrap_or_default();
                if colorterm == "truecolor" || colorterm == "24bit" || term.ends_with("-direct") {
                    ColorDepth::TrueColor
                } else if term == "dumb" {
                    ColorDepth::None
                } else {
                    ColorDepth::Ansi256
                }
            }
        }
    }

    /// [`detect`](Self::detect) against the real environment.
    pub fn from_env(choice: ColorChoice) -> ColorDepth {
        Self::detect(choice, |k| std::env::var(k).ok())
    }
}

/// One colour at each depth.
#[derive(Clone, Copy)]
struct Tone {
    rgb: (u8, u8, u8),
    idx: u8,
    ansi: Color,
}

const fn tone(rgb: (u8, u8, u8), idx: u8, ansi: Color) -> Tone {
    Tone { rgb, idx, ansi }
}

const UP: Tone = tone((38, 186, 108), 35, Color::Green);
const DOWN: Tone = tone((234, 67, 75), 203, Color::Red);
const WARN: Tone = tone((240, 185, 11), 214, Color::Yellow);
const ACCENT: Tone = tone((97, 175, 239), 75, Color::Cyan);
const DIM: Tone = tone((128, 128, 128), 244, Color::DarkGray);
const LIVE: Tone = tone((220, 38, 38), 160, Color::Red);
const TESTNET: Tone = tone((240, 185, 11), 214, Color::Yellow);
const DEMO: Tone = tone((167, 139, 250), 141, Color::Magenta);
const PAPER: Tone = tone((97, 175, 239), 75, Color::Cyan);
const SIM: Tone = tone((45, 212, 191), 43, Color::Cyan);
const ORANGE: Tone = tone((255, 159, 67), 215, Color::Yellow);
const VIOLET: Tone = tone((167, 139, 250), 141, Color::Magenta);

/// Styles for every role the panes draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub depth: ColorDepth,
}

impl Theme {
    pub fn new(depth: ColorDepth) -> Theme {
        Theme { depth }
    }

    pub fn has_color(&self) -> bool {
        self.depth != ColorDepth::None
    }

    fn fg(&self, t: Tone) -> Style {
        let c = match self.depth {
            ColorDepth::TrueColor => Color::Rgb(t.rgb.0, t.rgb.1, t.rgb.2),
            ColorDepth::Ansi256 => Color::Indexed(t.idx),
            ColorDepth::Ansi16 => t.ansi,
            ColorDepth::None => return Style::default(),
        };
        Style::default().fg(c)
    }

    /// Ordinary text: the terminal's own colours.
    pub fn text(&self) -> Style {
        Style::default()
    }

    /// Rising prices, bids, buys. Bold in monochrome.
    pub fn up(&self) -> Style {
        if self.has_color() {
            self.fg(UP)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }

    /// Falling prices, asks, sells. Plain in monochrome: the text (SELL, -)
    /// carries the meaning.
    pub fn down(&self) -> Style {
        self.fg(DOWN)
    }

    /// Down candles: dim in monochrome so they differ from bold up candles.
    pub fn down_candle(&self) -> Style {
        if self.has_color() {
            self.fg(DOWN)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }

    pub fn warn(&self) -> Style {
        self.fg(WARN).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        if self.has_color() {
            self.fg(DOWN).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }

    pub fn dim(&self) -> Style {
        if self.has_color() {
            self.fg(DIM)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }

    pub fn accent(&self) -> Style {
        self.fg(ACCENT).add_modifier(Modifier::BOLD)
    }

    pub fn title(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(ACCENT).add_modifier(Modifier::BOLD)
        } else {
            self.dim()
        }
    }

    /// FROZEN marker and similar attention-grabbing labels.
    pub fn flag(&self) -> Style {
        self.fg(WARN)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    /// The mode badge: always reversed; LIVE red and bold so it cannot be
    /// mistaken for a practice mode.
    pub fn badge(&self, mode: Option<Mode>) -> Style {
        let t = match mode {
            Some(Mode::Live) => LIVE,
            Some(Mode::Testnet) => TESTNET,
            Some(Mode::Demo) => DEMO,
            Some(Mode::Sim) => SIM,
            Some(Mode::Paper) | None => PAPER,
        };
        let s = self.fg(t).add_modifier(Modifier::REVERSED);
        if mode == Some(Mode::Live) {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }

    /// Indicator lines on the chart, `slot` 0 to 2 (orange, violet, blue).
    /// In monochrome they are bold, plain and dim; each series also has a
    /// glyph of its own, so they stay apart without colour.
    pub fn overlay(&self, slot: usize) -> Style {
        let tone = [ORANGE, VIOLET, ACCENT][slot % 3];
        if self.has_color() {
            self.fg(tone)
        } else {
            match slot % 3 {
                0 => Style::default().add_modifier(Modifier::BOLD),
                1 => Style::default(),
                _ => Style::default().add_modifier(Modifier::DIM),
            }
        }
    }

    /// Selected row in a list (completion candidates).
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn auto_detection_follows_no_color_and_colorterm() {
        use ColorChoice::*;
        assert_eq!(
            ColorDepth::detect(Auto, env(&[("NO_COLOR", "1")])),
            ColorDepth::None
        );
        assert_eq!(
            ColorDepth::detect(Auto, env(&[("NO_COLOR", ""), ("COLORTERM", "truecolor")])),
            ColorDepth::TrueColor
        );
        assert_eq!(
            ColorDepth::detect(Auto, env(&[("COLORTERM", "24bit")])),
            ColorDepth::TrueColor
        );
        assert_eq!(
            ColorDepth::detect(Auto, env(&[("TERM", "xterm-direct")])),
            ColorDepth::TrueColor
        );
        assert_eq!(
            ColorDepth::detect(Auto, env(&[("TERM", "xterm-256color")])),
            ColorDepth::Ansi256
        );
        assert_eq!(ColorDepth::detect(Auto, env(&[])), ColorDepth::Ansi256);
        assert_eq!(
            ColorDepth::detect(C16, env(&[("NO_COLOR", "1")])),
            ColorDepth::Ansi16
        );
        assert_eq!(
            ColorDepth::detect(Never, env(&[("COLORTERM", "truecolor")])),
            ColorDepth::None
        );
    }

    #[test]
    fn colours_degrade_per_depth() {
        assert_eq!(Theme::new(ColorDepth::Ansi16).up().fg, Some(Color::Green));
        assert_eq!(
            Theme::new(ColorDepth::Ansi256).up().fg,
            Some(Color::Indexed(35))
        );
        assert!(matches!(
            Theme::new(ColorDepth::TrueColor).up().fg,
            Some(Color::Rgb(..))
        ));
        let mono = Theme::new(ColorDepth::None);
        for s in [
            mono.up(),
            mono.down(),
            mono.warn(),
            mono.error(),
            mono.badge(Some(Mode::Live)),
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
        assert!(mono
            .badge(Some(Mode::Live))
            .add_modifier
            .contains(Modifier::REVERSED | Modifier::BOLD));
    }
}
