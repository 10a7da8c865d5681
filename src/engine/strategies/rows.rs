//! The strategies pane's rows, and [`Markets`]: the markets an instance's
//! figures (mid, unrealized P&L) are read from.

use super::{market_mid, tag, Host};
use crate::engine::strategy_view::StrategyRow;
use crate::market::MarketState;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

impl Host {
    pub fn rows(&self, mk: &Markets, venue: &str) -> Vec<StrategyRow> {
        self.items
            .values()
            .map(|h| {
                let (mut position, mut avg, mut realized, mut unreal, mut open, mut fills) = (
                    Decimal::ZERO,
                    Decimal::ZERO,
                    Decimal::ZERO,
                    Decimal::ZERO,
                    0,
                    0,
                );
                if let Some(inst) = &h.inst {
                    let p = inst.position();
                    position = p.qty;
                    avg = p.avg_entry;
                    if let Some(pos) = inst.portfolio().position(&h.rec.symbol) {
                        realized = pos.realized_pnl();
                        if let Some(m) = market_mid(mk.of(&h.rec.symbol), &h.rec.symbol) {
                            unreal = pos.unrealized_pnl(m);
                        }
                    }
                    open = inst.open_orders().len();
                    fills = inst.portfolio().fills_count();
                }
                StrategyRow {
                    id: h.rec.id,
                    name: h.rec.name.clone(),
                    symbol: h.rec.symbol.clone(),
                    interval: h.interval,
                    venue: venue.to_string(),
                    status: h.status.clone(),
                    note: h.rec.note.clone(),
                    params: h.rec.params.clone(),
                    tag: tag(h.rec.id),
                    position,
                    avg_entry: avg,
                    realized_pnl: realized,
                    unrealized_pnl: unreal,
                    open_orders: open,
                    fills,
                    state: h.inst.as_ref().map(|i| i.state()),
                }
            })
            .collect()
    }
}

/// The markets the engine keeps: the one on screen and one per other
/// symbol a running instance trades.
pub struct Markets<'a> {
    pub primary: &'a MarketState,
    pub extra: &'a BTreeMap<String, MarketState>,
}

impl Markets<'_> {
    pub fn get(&self, symbol: &str) -> Option<&MarketState> {
        if self.primary.symbol == symbol {
            Some(self.primary)
        } else {
            self.extra.get(symbol)
        }
    }

    /// The symbol's market, or the primary one (exchange venues do not
    /// look at it; the paper venue refuses a symbol without a live book).
    pub fn of(&self, symbol: &str) -> &MarketState {
        self.get(symbol).unwrap_or(self.primary)
    }
}
