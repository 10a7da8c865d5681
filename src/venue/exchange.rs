//! The exchange venue: Binance (testnet, demo, live) or the simulator,
//! through the signed REST client and the WebSocket-API user data stream.
//!
//! Every request runs as its own task and reports back through the
//! engine's inbox, so the engine never waits on the network. Submit
//! outcomes keep Binance's distinction: a definite refusal is `Rejected`,
//! anything that may have reached the matching engine is `Unknown` and is
//! resolved by query and by the user stream, never by resending.

use crate::domain::Millis;
use crate::exchange::signed::{OrderKey, SignedClient, SubmitError};
use crate::exchange::user_stream::{self, UserStreamSettings};
use crate::exchange::wire_account::OrderState;
use crate::market::MarketState;
use crate::trading::order::Order;
use crate::trading::venue::{Reconciliation, SubmitFailure, Venue, VenueEvent, VenueRequest};
use rust_decimal::Decimal;
use std::time::Duration;
use tokio::sync::mpsc::{self, UnboundedSender};

pub struct ExchangeVenue {
    client: SignedClient,
    tx: UnboundedSender<VenueEvent>,
    label: String,
    stream: tokio::task::JoinHandle<()>,
    forward: tokio::task::JoinHandle<()>,
}

impl Drop for ExchangeVenue {
    fn drop(&mut self) {
        self.stream.abort();
        self.forward.abort();
    }
}

impl ExchangeVenue {
    /// Starts the user data stream; its events (and `StreamUp`, which makes
    /// the engine reconcile) arrive through `tx`.
    pub fn start(
        client: SignedClient,
        stream: UserStreamSettings,
        label: &str,
        tx: UnboundedSender<VenueEvent>,
    ) -> ExchangeVenue {
        let (acc_tx, mut acc_rx) = mpsc::channel(1024);
        let stream = tokio::spawn(user_stream::run(stream, client.clone(), acc_tx));
        let fwd_tx = tx.clone();
        let forward = tokio::spawn(async move {
            while let Some(ev) = acc_rx.recv().await {
                if fwd_tx.send(VenueEvent::Account(ev)).is_err() {
                    break;
                }
            }
        });
        ExchangeVenue {
            client,
            tx,
            label: label.to_string(),
            stream,
            forward,
        }
    }
}

/// An order as the exchange reports it.
pub fn order_of(s: &OrderState) -> Order {
    let opt = |d: Decimal| (!d.is_zero()).then_some(d);
    Order {
        client_order_id: s.order_client_id().to_string(),
        exchange_id: Some(s.order_id),
        symbol: s.symbol.clone(),
        side: s.side,
        kind: s.kind,
        tif: s.tif,
        price: opt(s.price),
        stop_price: opt(s.stop_price),
        qty: opt(s.qty),
        quote_qty: opt(s.quote_qty),
        status: s.status,
        executed_qty: s.executed_qty,
        cum_quote: s.cum_quote,
        updated_ms: s.update_time.max(s.time),
    }
}

fn failure(e: SubmitError) -> SubmitFailure {
    match e {
        SubmitError::Rejected { code, msg } => SubmitFailure::Rejected { code, msg },
        SubmitError::NotSent { reason } => SubmitFailure::Rejected {
            code: 0,
            msg: format!("not sent: {reason}"),
        },
        SubmitError::Unknown { reason } => SubmitFailure::Unknown { reason },
    }
}

impl Venue for ExchangeVenue {
    fn name(&self) -> String {
        self.label.clone()
    }

    fn request(&mut self, r: VenueRequest, _market: &MarketState, _now: Millis) {
        let c = self.client.clone();
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let send = |ev| {
                let _ = tx.send(ev);
            };
            match r {
                VenueRequest::Place(req) => {
                    let cid = req.client_order_id.clone();
                    match c.place(&req).await {
                        Ok(resp) => {
                            if let Some(state) = &resp.state {
                                send(VenueEvent::Queried {
                                    client_order_id: cid,
                                    order: Some(order_of(state)),
                                });
                            }
                            if !resp.fills.is_empty() {
                                send(VenueEvent::Fills(resp.fills));
                            }
                        }
                        Err(e) => send(VenueEvent::SubmitFailed {
                            client_order_id: cid,
                            failure: failure(e),
                        }),
                    }
                }
                VenueRequest::PlaceOco(req) => {
                    let cid = req.list_client_order_id.clone();
                    if let Err(e) = c.place_oco(&req).await {
                        send(VenueEvent::SubmitFailed {
                            client_order_id: cid,
                            failure: failure(e),
                        });
                    }
                }
                VenueRequest::Cancel {
                    symbol,
                    client_order_id,
                } => match c
                    .cancel(&symbol, &OrderKey::Client(client_order_id.clone()))
                    .await
                {
                    Ok(state) => send(VenueEvent::Queried {
                        client_order_id,
                        order: Some(order_of(&state)),
                    }),
                    Err(SubmitError::Rejected { code, msg }) => send(VenueEvent::CancelFailed {
                        client_order_id,
                        code,
                        msg,
                    }),
                    Err(e) => send(VenueEvent::Error {
                        context: format!("cancel {client_order_id}"),
                        message: format!("{e}; the user stream will tell the outcome"),
                    }),
                },
                VenueRequest::CancelAll { symbol } => match c.cancel_all(&symbol).await {
                    Ok(states) => {
                        for s in states {
                            send(VenueEvent::Queried {
                                client_order_id: s.order_client_id().to_string(),
                                order: Some(order_of(&s)),
                            });
                        }
                    }
                    // Nothing open: Binance answers -2011.
                    Err(SubmitError::Rejected { code: -2011, .. }) => {}
                    Err(e) => send(VenueEvent::Error {
                        context: format!("cancel all {symbol}"),
                        message: e.to_string(),
                    }),
                },
                VenueRequest::Query {
                    symbol,
                    client_order_id,
                } => match c
                    .query_order(&symbol, &OrderKey::Client(client_order_id.clone()))
                    .await
                {
                    Ok(state) => send(VenueEvent::Queried {
                        client_order_id,
                        order: state.as_ref().map(order_of),
                    }),
                    // Transient: the engine asks again on its timer.
                    Err(e) => {
                        tracing::warn!(cid = %client_order_id, error = %e, "order query failed")
                    }
                },
                VenueRequest::Reconcile { symbols } => {
                    // Trading stays paused until this succeeds.
                    let mut delay = Duration::from_millis(500);
                    loop {
                        match c.reconcile(&symbols).await {
                            Ok(r) => {
                                send(VenueEvent::Reconciled(Reconciliation {
                                    open_orders: r.open_orders.iter().map(order_of).collect(),
                                    balances: r.balances,
                                    recent_fills: r.recent_trades,
                                    closed_orders: r.closed_orders.iter().map(order_of).collect(),
                                    fees: r.fees,
                                }));
                                break;
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, retry_in_ms = delay.as_millis() as u64, "reconciliation failed");
                                if tx.is_closed() {
                                    break;
                                }
                                tokio::time::sleep(delay).await;
                                delay = (delay * 2).min(Duration::from_secs(30));
                            }
                        }
                    }
                }
            }
        });
    }
}
