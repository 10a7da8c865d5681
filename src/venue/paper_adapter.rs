//! The paper venue behind the engine's [`Venue`] interface: requests are
//! matched at once against the engine's live book, and every result goes
//! to the engine's inbox like an exchange's would. Its state (balances,
//! open orders, id counters) is saved after every change so paper
//! balances persist across restarts.

use super::paper::{PaperSettings, PaperState, PaperVenue};
use crate::domain::{Millis, SymbolInfo, Trade};
use crate::market::MarketState;
use crate::trading::account::AccountEvent;
use crate::trading::venue::{Reconciliation, SubmitFailure, Venue, VenueEvent, VenueRequest};
use std::io::Write;
use std::path::PathBuf;
use tokio::sync::mpsc::UnboundedSender;

pub struct PaperAdapter {
    venue: PaperVenue,
    tx: UnboundedSender<VenueEvent>,
    /// Where the state is saved (`None` in tests).
    state_file: Option<PathBuf>,
    label: String,
}

impl PaperAdapter {
    /// Restores the saved state when `state_file` holds one, else starts
    /// from the configured balances.
    pub fn new(
        settings: PaperSettings,
        state_file: Option<PathBuf>,
        label: &str,
        tx: UnboundedSender<VenueEvent>,
    ) -> Result<PaperAdapter, String> {
        let mut venue = PaperVenue::new(settings);
        if let Some(p) = &state_file {
            match std::fs::read(p) {
                Ok(bytes) => {
                    let state: PaperState = serde_json::from_slice(&bytes)
                        .map_err(|e| format!("paper state {} is unreadable: {e}", p.display()))?;
                    venue.restore(state);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot read paper state {}: {e}", p.display())),
            }
        }
        Ok(PaperAdapter {
            venue,
            tx,
            state_file,
            label: label.to_string(),
        })
    }

    pub fn venue(&self) -> &PaperVenue {
        &self.venue
    }

    /// Saves the state atomically (write, fsync, rename).
    fn save(&self) {
        let Some(p) = &self.state_file else { return };
        let tmp = p.with_extension("json.tmp");
        let res = (|| -> std::io::Result<()> {
            if let Some(d) = p.parent() {
                std::fs::create_dir_all(d)?;
            }
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(
                &serde_json::to_vec(&self.venue.snapshot()).map_err(std::io::Error::other)?,
            )?;
            f.sync_all()?;
            std::fs::rename(&tmp, p)
        })();
        if let Err(e) = res {
            tracing::error!(path = %p.display(), error = %e, "cannot save the paper account");
        }
    }

    fn emit(&self, events: Vec<AccountEvent>) {
        let changed = !events.is_empty();
        for ev in events {
            let _ = self.tx.send(VenueEvent::Account(ev));
        }
        if changed {
            self.save();
        }
    }

    fn live_book<'m>(
        &self,
        symbol: &str,
        market: &'m MarketState,
    ) -> Result<&'m crate::market::OrderBook, String> {
        if market.symbol != symbol {
            return Err(format!(
                "paper orders fill against the live book; switch to {symbol} to trade it"
            ));
        }
        if !market.sync.is_live() {
            return Err(format!("the {symbol} order book is not live yet"));
        }
        Ok(market.sync.book())
    }
}

impl Venue for PaperAdapter {
    fn name(&self) -> String {
        self.label.clone()
    }

    fn add_symbols(&mut self, infos: &[SymbolInfo]) {
        for i in infos {
            self.venue.add_symbol(i);
        }
    }

    fn request(&mut self, r: VenueRequest, market: &MarketState, now_ms: Millis) {
        let reject = |tx: &UnboundedSender<VenueEvent>, cid: String, code: i64, msg: String| {
            let _ = tx.send(VenueEvent::SubmitFailed {
                client_order_id: cid,
                failure: SubmitFailure::Rejected { code, msg },
            });
        };
        match r {
            VenueRequest::Place(req) => match self.live_book(&req.symbol, market) {
                Err(msg) => reject(&self.tx, req.client_order_id.clone(), -1, msg),
                Ok(book) => match self.venue.place(&req, book, now_ms) {
                    Ok(evs) => self.emit(evs),
                    Err(e) => reject(&self.tx, req.client_order_id.clone(), e.code, e.msg),
                },
            },
            VenueRequest::PlaceOco(req) => match self.live_book(&req.symbol, market) {
                Err(msg) => reject(&self.tx, req.list_client_order_id.clone(), -1, msg),
                Ok(book) => match self.venue.place_oco(&req, book, now_ms) {
                    Ok(evs) => self.emit(evs),
                    Err(e) => reject(&self.tx, req.list_client_order_id.clone(), e.code, e.msg),
                },
            },
            VenueRequest::Cancel {
                symbol,
                client_order_id,
            } => match self.venue.cancel(&symbol, &client_order_id, now_ms) {
                Ok(evs) => self.emit(evs),
                Err(e) => {
                    let _ = self.tx.send(VenueEvent::CancelFailed {
                        client_order_id,
                        code: e.code,
                        msg: e.msg,
                    });
                }
            },
            VenueRequest::CancelAll { symbol } => {
                let evs = self.venue.cancel_all(&symbol, now_ms);
                self.emit(evs);
            }
            VenueRequest::Query {
                client_order_id, ..
            } => {
                let order = self.venue.order(&client_order_id).map(|o| o.to_order());
                let _ = self.tx.send(VenueEvent::Queried {
                    client_order_id,
                    order,
                });
            }
            VenueRequest::Reconcile { .. } => {
                let _ = self.tx.send(VenueEvent::Reconciled(Reconciliation {
                    open_orders: self.venue.open_orders(),
                    balances: self.venue.balances(),
                    ..Reconciliation::default()
                }));
            }
        }
    }

    fn on_book(&mut self, market: &MarketState, _now_ms: Millis) {
        if market.sync.is_live() {
            self.venue.on_depth(&market.symbol, market.sync.book());
        }
    }

    fn on_trade(&mut self, trade: &Trade, market: &MarketState, now_ms: Millis) {
        if market.sync.is_live() && trade.symbol == market.symbol {
            let evs = self.venue.on_trade(trade, market.sync.book(), now_ms);
            self.emit(evs);
        }
    }
}
