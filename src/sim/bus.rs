//! The event bus between the market and the stream connections: every
//! payload is serialised once and shared; connections filter by stream
//! name. Interest counts let the market skip payloads nobody subscribed to.

use super::json;
use super::market::{Emit, SymbolSim};
use crate::domain::Interval;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

/// Stream names of one symbol (lowercase, as clients subscribe).
#[derive(Clone, Debug)]
pub struct StreamNames {
    pub depth: String,
    pub depth_fast: String,
    pub book_ticker: String,
    pub trade: String,
    pub agg_trade: String,
    pub ticker: String,
    pub klines: Vec<String>,
}

impl StreamNames {
    pub fn new(lower: &str) -> Self {
        StreamNames {
            depth: format!("{lower}@depth"),
            depth_fast: format!("{lower}@depth@100ms"),
            book_ticker: format!("{lower}@bookTicker"),
            trade: format!("{lower}@trade"),
            agg_trade: format!("{lower}@aggTrade"),
            ticker: format!("{lower}@ticker"),
            klines: Interval::ALL
                .iter()
                .map(|i| format!("{lower}@kline_{i}"))
                .collect(),
        }
    }

    pub fn kline(&self, i: Interval) -> &str {
        let n = Interval::ALL.iter().position(|x| *x == i).unwrap_or(0);
        &self.klines[n]
    }
}

/// One stream message: the stream name and its raw payload.
#[derive(Debug)]
pub struct BusMsg {
    pub stream: String,
    pub payload: String,
}

#[derive(Debug)]
pub struct Bus {
    tx: broadcast::Sender<Arc<BusMsg>>,
    interest: RwLock<HashMap<String, usize>>,
}

impl Bus {
    pub fn new(capacity: usize) -> Self {
        Bus {
            tx: broadcast::channel(capacity.max(16)).0,
            interest: RwLock::new(HashMap::new()),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<BusMsg>> {
        self.tx.subscribe()
    }

    pub fn wants(&self, stream: &str) -> bool {
        self.interest
            .read()
            .expect("interest")
            .get(stream)
            .is_some_and(|n| *n > 0)
    }

    pub fn add_interest(&self, stream: &str) {
        *self
            .interest
            .write()
            .expect("interest")
            .entry(stream.to_string())
            .or_default() += 1;
    }

    pub fn remove_interest(&self, stream: &str) {
        let mut m = self.interest.write().expect("interest");
        if let Some(n) = m.get_mut(stream) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(stream);
            }
        }
    }

    fn send(&self, stream: &str, payload: String) {
        if self.wants(stream) {
            let _ = self.tx.send(Arc::new(BusMsg {
                stream: stream.to_string(),
                payload,
            }));
        }
    }

    /// Serialises and sends market events; `wall` stamps `E` where the
    /// event does not carry it.
    pub fn publish(
        &self,
        syms: &[SymbolSim],
        emits: impl Iterator<Item = (usize, Emit)>,
        wall: i64,
    ) {
        for (n, e) in emits {
            let s = &syms[n];
            let names = &s.names;
            match e {
                Emit::Depth(d) => self.send(&names.depth_fast, json::depth_update(&d)),
                Emit::Depth1s(d) => self.send(&names.depth, json::depth_update(&d)),
                Emit::BookTicker(b) => self.send(&names.book_ticker, json::book_ticker(&b)),
                Emit::Trade { trade, agg_id } => {
                    if self.wants(&names.trade) {
                        self.send(&names.trade, json::trade(&trade));
                    }
                    if self.wants(&names.agg_trade) {
                        self.send(&names.agg_trade, json::agg_trade(&trade, agg_id));
                    }
                }
                Emit::Kline(k) => self.send(
                    names.kline(k.interval),
                    json::kline_event(s.symbol(), k.interval, &k.candle, k.closed, wall),
                ),
                Emit::Ticker(t) => self.send(&names.ticker, json::ticker_event(&t, wall)),
            }
        }
    }
}
