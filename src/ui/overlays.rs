//! Chart indicators, computed in the UI from the candles the view carries
//! (the engine and the network are not involved): the on/off settings the
//! keys toggle, the series the chart draws, and a cache so a redraw with
//! unchanged candles costs nothing.
//!
//! Every series is computed over all candles of the view, so the
//! indicators are warmed up by the candles scrolled off the left edge; a
//! value is `None` until its indicator's warm-up is complete, and nothing
//! is drawn for it.

use crate::config::{Overlay, SubPane, UiCfg};
use crate::domain::Kline;
use crate::fixed::Fx;
use crate::indicators::{Bollinger, Ema, Macd, Rsi};

/// MACD periods (fast, slow, signal): the standard 12/26/9, not configurable.
pub const MACD_PERIODS: (usize, usize, usize) = (12, 26, 9);

/// Which overlays are on, and their periods. Starts from `[ui]` and is
/// changed by the `E`, `B` and `I` keys.
#[derive(Clone, Debug, PartialEq)]
pub struct OverlaySettings {
    pub ema: bool,
    pub bb: bool,
    pub sub: SubPane,
    pub ema_fast: usize,
    pub ema_slow: usize,
    pub bb_period: usize,
    pub bb_stddev: f64,
    pub rsi_period: usize,
}

impl OverlaySettings {
    pub fn from_config(cfg: &UiCfg) -> Self {
        OverlaySettings {
            ema: cfg.overlays.contains(&Overlay::Ema),
            bb: cfg.overlays.contains(&Overlay::Bb),
            sub: cfg.sub_pane,
            ema_fast: cfg.ema_fast as usize,
            ema_slow: cfg.ema_slow as usize,
            bb_period: cfg.bb_period as usize,
            bb_stddev: cfg.bb_stddev,
            rsi_period: cfg.rsi_period as usize,
        }
    }

    /// True when anything needs computing.
    pub fn any(&self) -> bool {
        self.ema || self.bb || self.sub != SubPane::Off
    }
}

/// The computed series, each aligned with the view's candles (index `i` is
/// the value at candle `i`); empty when that indicator is off.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub ema_fast: Vec<Option<f64>>,
    pub ema_slow: Vec<Option<f64>>,
    pub bb_upper: Vec<Option<f64>>,
    pub bb_mid: Vec<Option<f64>>,
    pub bb_lower: Vec<Option<f64>>,
    pub rsi: Vec<Option<f64>>,
    pub macd: Vec<Option<f64>>,
    pub macd_signal: Vec<Option<f64>>,
    pub macd_hist: Vec<Option<f64>>,
}

impl Series {
    /// Runs the enabled indicators over the closes of `candles`, oldest
    /// first (the live, unclosed candle included, as charting sites do).
    pub fn compute(candles: &[Kline], s: &OverlaySettings) -> Series {
        let closes = || candles.iter().map(|k| k.close.to_f64());
        let mut out = Series::default();
        if s.ema {
            let mut f = Ema::new(s.ema_fast);
            let mut sl = Ema::new(s.ema_slow);
            for x in closes() {
                out.ema_fast.push(f.update(x));
                out.ema_slow.push(sl.update(x));
            }
        }
        if s.bb {
            let mut b = Bollinger::new(s.bb_period, s.bb_stddev);
            for x in closes() {
                let v = b.update(x);
                out.bb_upper.push(v.map(|v| v.upper));
                out.bb_mid.push(v.map(|v| v.mid));
                out.bb_lower.push(v.map(|v| v.lower));
            }
        }
        match s.sub {
            SubPane::Off => {}
            SubPane::Rsi => {
                let mut r = Rsi::new(s.rsi_period);
                out.rsi = closes().map(|x| r.update(x)).collect();
            }
            SubPane::Macd => {
                let (f, sl, sig) = MACD_PERIODS;
                let mut m = Macd::new(f, sl, sig);
                for x in closes() {
                    let v = m.update(x);
                    out.macd.push(v.map(|v| v.macd));
                    out.macd_signal.push(v.map(|v| v.signal));
                    out.macd_hist.push(v.map(|v| v.hist));
                }
            }
        }
        out
    }
}

/// The latest value of a series: `None` when the indicator is off or still
/// warming up.
pub fn last(values: &[Option<f64>]) -> Option<f64> {
    values.last().copied().flatten()
}

/// What the cached series were computed from. The candles are identified
/// by their count and their first and last candle (open time and close):
/// the engine appends candles and updates the last one in place, so these
/// change whenever the closes the indicators read do (a new symbol or
/// interval replaces the first candle too).
#[derive(Clone, Debug, PartialEq)]
struct CacheKey {
    len: usize,
    first: (i64, Fx),
    last: (i64, Fx),
    settings: OverlaySettings,
}

impl CacheKey {
    fn of(candles: &[Kline], settings: &OverlaySettings) -> Option<CacheKey> {
        let (first, last) = (candles.first()?, candles.last()?);
        Some(CacheKey {
            len: candles.len(),
            first: (first.open_time, first.close),
            last: (last.open_time, last.close),
            settings: settings.clone(),
        })
    }
}

/// The series of the last draw. A frame is drawn for every book tick and
/// trade, but candles change about once a second: recomputing only when
/// the key changes keeps overlays off the per-frame cost.
#[derive(Clone, Debug, Default)]
pub struct OverlayCache {
    key: Option<CacheKey>,
    series: Series,
    computed: u64,
}

impl OverlayCache {
    /// The series for `candles` under `settings`, recomputed only when
    /// they differ from the last call's.
    pub fn get(&mut self, candles: &[Kline], settings: &OverlaySettings) -> &Series {
        let key = CacheKey::of(candles, settings);
        if key.is_none() || key != self.key {
            self.series = Series::compute(candles, settings);
            self.key = key;
            self.computed += 1;
        }
        &self.series
    }

    /// How many times the series were computed (for tests of the cache).
    pub fn computed(&self) -> u64 {
        self.computed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn candles(closes: &[f64]) -> Vec<Kline> {
        closes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let p = Fx((c * 1e8).round() as i64);
                Kline {
                    open_time: i as i64 * 60_000,
                    close_time: i as i64 * 60_000 + 59_999,
                    open: p,
                    high: p,
                    low: p,
                    close: p,
                    volume: Default::default(),
                    quote_volume: Default::default(),
                    trades: 1,
                    closed: true,
                }
            })
            .collect()
    }

    fn all_on() -> OverlaySettings {
        OverlaySettings {
            ema: true,
            bb: true,
            sub: SubPane::Rsi,
            ..OverlaySettings::from_config(&Config::defaults().ui)
        }
    }

    #[test]
    fn series_match_the_indicators_run_directly_and_warm_up_with_none() {
        let closes: Vec<f64> = (0..80)
            .map(|i| 100.0 + (i as f64 * 0.7).sin() * 5.0)
            .collect();
        let k = candles(&closes);
        let s = Series::compute(&k, &all_on());
        assert_eq!(s.ema_fast.len(), 80);
        assert!(s.ema_fast[18].is_none() && s.ema_fast[19].is_some());
        assert!(s.ema_slow[48].is_none() && s.ema_slow[49].is_some());
        assert!(s.bb_mid[18].is_none() && s.bb_upper[19].is_some());
        assert!(s.rsi[13].is_none() && s.rsi[14].is_some());
        let mut e = Ema::new(20);
        let direct: Vec<_> = k.iter().map(|k| e.update(k.close.to_f64())).collect();
        assert_eq!(s.ema_fast, direct);
        assert!(s.macd.is_empty(), "MACD is off");
        let m = Series::compute(
            &k,
            &OverlaySettings {
                sub: SubPane::Macd,
                ..all_on()
            },
        );
        assert!(m.macd[32].is_none() && m.macd_hist[33].is_some());
        let h = m.macd_hist[79].unwrap();
        assert_eq!(h, m.macd[79].unwrap() - m.macd_signal[79].unwrap());
    }

    #[test]
    fn cache_recomputes_only_when_candles_or_settings_change() {
        let mut k = candles(&[1.0, 2.0, 3.0, 4.0]);
        let mut c = OverlayCache::default();
        let on = all_on();
        c.get(&k, &on);
        c.get(&k, &on);
        assert_eq!(c.computed(), 1, "same candles, same settings");
        k[3].close = Fx(5 * 100_000_000);
        c.get(&k, &on);
        assert_eq!(c.computed(), 2, "the live candle moved");
        k.push(candles(&[0.0, 0.0, 0.0, 0.0, 6.0])[4].clone());
        c.get(&k, &on);
        assert_eq!(c.computed(), 3, "a candle was appended");
        let off = OverlaySettings { bb: false, ..on };
        c.get(&k, &off);
        assert_eq!(c.computed(), 4, "a toggle");
        c.get(&k, &off);
        assert_eq!(c.computed(), 4);
        assert!(c.get(&[], &off).ema_fast.is_empty());
    }

    #[test]
    fn redraws_with_unchanged_candles_do_not_recompute() {
        use crate::engine::View;
        use crate::logging::LogBuffer;
        use crate::ui::{Pane, UiOptions, UiState};
        use ratatui::{backend::TestBackend, Terminal};
        let mut ui = UiState::new(&UiOptions {
            cfg: Config::defaults().ui,
            read_only: false,
        });
        ui.overlays = all_on();
        ui.focus = Pane::Chart;
        let closes: Vec<f64> = (0..100).map(|i| 100.0 + (i % 7) as f64).collect();
        let mut view = View {
            candles: candles(&closes),
            ..View::default()
        };
        let logs = LogBuffer::new();
        let mut term = Terminal::new(TestBackend::new(140, 45)).unwrap();
        let mut draw = |ui: &mut UiState, view: &View| {
            term.draw(|f| crate::ui::draw(f, ui, view, &logs)).unwrap();
        };
        draw(&mut ui, &view);
        assert_eq!(ui.overlay_cache.computed(), 1);
        view.seq += 1;
        view.book.last_update_id += 1;
        draw(&mut ui, &view);
        draw(&mut ui, &view);
        assert_eq!(ui.overlay_cache.computed(), 1, "only the book moved");
        view.candles.last_mut().unwrap().close = Fx(99 * 100_000_000);
        draw(&mut ui, &view);
        assert_eq!(ui.overlay_cache.computed(), 2, "the live candle moved");
    }
}
