//! Feeds the replayed market's public trades to the order engine: the
//! trade streams are kept "wanted" on the bus so the market publishes them
//! even when no client subscribed, and each trade may trigger stops and
//! fill resting orders.

use super::super::driver::Shared;
use super::Trading;
use crate::domain::Side;
use rust_decimal::Decimal;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

pub async fn run(shared: Arc<Shared>, trading: Arc<Trading>) {
    let streams: Vec<String> = super::super::data::specs()
        .iter()
        .map(|s| format!("{}@trade", s.lower))
        .collect();
    let mut rx = shared.bus.subscribe();
    for s in &streams {
        shared.bus.add_interest(s);
    }
    let mut stop = shared.stop.clone();
    loop {
        let msg = tokio::select! {
            m = rx.recv() => m,
            _ = stop.changed() => break,
        };
        let msg = match msg {
            Ok(m) => m,
            Err(RecvError::Lagged(n)) => {
                tracing::warn!(missed = n, "sim trading: market trades missed");
                continue;
            }
            Err(RecvError::Closed) => break,
        };
        if !streams.contains(&msg.stream) {
            continue;
        }
        if let Some((symbol, side, price, qty)) = parse_trade(&msg.payload) {
            trading.on_trade(&shared, &symbol, side, price, qty);
        }
    }
    for s in &streams {
        shared.bus.remove_interest(s);
    }
}

/// `(symbol, aggressor, price, qty)` of a `@trade` payload.
fn parse_trade(payload: &str) -> Option<(String, Side, Decimal, Decimal)> {
    #[derive(serde::Deserialize)]
    struct T {
        s: String,
        p: String,
        q: String,
        m: bool,
    }
    let t: T = serde_json::from_str(payload).ok()?;
    // Buyer is maker: the taker sold.
    let side = if t.m { Side::Sell } else { Side::Buy };
    Some((t.s, side, t.p.parse().ok()?, t.q.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_trade_payload() {
        let p = r#"{"e":"trade","E":1,"s":"BTCUSDT","t":5,"p":"100.50000000","q":"0.10000000","T":1,"m":true,"M":true}"#;
        let (s, side, px, q) = parse_trade(p).unwrap();
        assert_eq!((s.as_str(), side), ("BTCUSDT", Side::Sell));
        assert_eq!((px, q), ("100.5".parse().unwrap(), "0.1".parse().unwrap()));
    }
}
