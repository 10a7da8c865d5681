//! The [`TradingView`] published with every frame: orders, fills,
//! balances, positions and round trips with marks from the live book.

use super::Trading;
use crate::engine::trading_view::{PositionRow, RoundTripRow, TradingView};
use crate::market::MarketState;
use crate::trading::filters::SymbolFilters;
use crate::trading::order::Order;
use rust_decimal::Decimal;

impl Trading {
    pub fn view(&self, market: &MarketState, mode_label: &str) -> TradingView {
        let mut open: Vec<Order> = self
            .orders
            .values()
            .filter(|o| !o.status.is_terminal())
            .cloned()
            .collect();
        open.sort_by_key(|o| std::cmp::Reverse(o.updated_ms));
        let mut recent: Vec<Order> = self
            .orders
            .values()
            .filter(|o| o.status.is_terminal())
            .cloned()
            .collect();
        recent.sort_by_key(|o| std::cmp::Reverse(o.updated_ms));
        let mark = |sym: &str| -> Option<Decimal> {
            (market.symbol == sym && market.sync.is_live())
                .then(|| market.sync.book().mid().map(|m| m.to_decimal()))
                .flatten()
        };
        let positions = self
            .portfolio
            .positions()
            .map(|p| {
                let m = mark(&p.symbol);
                PositionRow {
                    symbol: p.symbol.clone(),
                    qty: p.qty,
                    avg_entry: p.avg_entry,
                    mark: m,
                    unrealized_pnl: m.map(|m| p.unrealized_pnl(m)).unwrap_or_default(),
                    realized_pnl: p.realized_pnl(),
                    fees: p.fees_quote,
                }
            })
            .collect();
        let round_trips = self
            .portfolio
            .round_trips()
            .iter()
            .rev()
            .take(50)
            .map(|t| RoundTripRow {
                symbol: t.symbol.clone(),
                qty: t.bought_qty,
                entry_avg: t.entry_avg,
                exit_avg: t.exit_avg,
                pnl: t.net_pnl,
                return_pct: t.return_pct,
                opened_ms: t.opened_ms,
                closed_ms: t.closed_ms,
            })
            .collect();
        let info = self.infos.get(&market.symbol);
        let quote = info.map(|i| i.quote.clone()).unwrap_or_default();
        let blocked_reason = self.can_place().err();
        TradingView {
            venue: format!("{} ({mode_label})", self.venue.name()),
            can_trade: blocked_reason.is_none(),
            reconciled: self.reconciled,
            resolving: self.unknown.len(),
            blocked_reason,
            halted: self.halted.clone(),
            open_orders: open,
            recent_orders: recent,
            fills: self.fills.iter().cloned().collect(),
            balances: self.portfolio.balances().cloned().collect(),
            positions,
            round_trips,
            daily_realized_pnl: self
                .portfolio
                .daily_realized_pnl(&quote, crate::exchange::rest::now_ms()),
            maker_fee: self.maker_fee,
            taker_fee: self.taker_fee,
            filters: info.map(|i| SymbolFilters::from_json(&i.filters)),
            base_asset: info.map(|i| i.base.clone()).unwrap_or_default(),
            quote_asset: quote,
            notice: self.notices.front().cloned(),
            notices: self.notices.iter().cloned().collect(),
        }
    }
}
