//! The daily loss limit end to end at library level: fills journaled and
//! folded into the portfolio, the breach raises a halt, the halt is
//! latched in the journal, survives a restart and refuses orders until
//! the user resumes.

use rust_decimal::Decimal;
use tradeterm::config::{Config, Mode};
use tradeterm::domain::Side;
use tradeterm::journal::{FillFilter, Journal};
use tradeterm::portfolio::{no_rates, Portfolio};
use tradeterm::risk::{RiskContext, RiskEngine, RiskLimits};
use tradeterm::trading::account::{Fill, OrderRequest};
use tradeterm::trading::order::{OrderType, TimeInForce};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn fill(id: i64, side: Side, qty: &str, price: &str, time: i64) -> Fill {
    Fill {
        symbol: "BTCUSDT".into(),
        trade_id: id,
        order_id: id,
        client_order_id: format!("o{id}"),
        side,
        price: d(price),
        qty: d(qty),
        quote_qty: d(qty) * d(price),
        commission: d("0.1"),
        commission_asset: "USDT".into(),
        is_maker: false,
        time,
    }
}

fn order() -> OrderRequest {
    OrderRequest {
        client_order_id: "next".into(),
        symbol: "BTCUSDT".into(),
        side: Side::Sell,
        kind: OrderType::Limit,
        tif: Some(TimeInForce::Gtc),
        price: Some(d("50000")),
        stop_price: None,
        qty: Some(d("0.001")),
        quote_qty: None,
        tag: "man".into(),
    }
}

#[test]
fn a_daily_loss_breach_halts_and_the_halt_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = Journal::path_for(dir.path(), Mode::Paper);
    let now = 20_000 * 86_400_000 + 3_600_000;
    let mut risk = RiskEngine::new(RiskLimits::from_config(&Config::defaults().risk));
    {
        let mut j = Journal::open(&path).unwrap();
        let mut p = Portfolio::new();
        let fills = [
            fill(1, Side::Buy, "0.02", "60000", now),
            // A duplicate from REST changes nothing.
            fill(1, Side::Buy, "0.02", "60000", now),
            fill(2, Side::Sell, "0.01", "50000", now + 1),
            fill(3, Side::Sell, "0.01", "50010", now + 2),
        ];
        let mut halted = None;
        for f in &fills {
            if !j.insert_fill(f).unwrap() {
                continue;
            }
            p.apply_fill(f, &no_rates).unwrap();
            let pnl = p.daily_realized_pnl("USDT", f.time);
            if let Some(reason) = risk.after_fill(pnl) {
                halted = Some(j.halt(&reason.to_string(), f.time).unwrap());
                break;
            }
        }
        // Buy fee -0.1; -100 - 0.1 (still inside 200); -99.9 - 0.1.
        assert_eq!(p.daily_realized_pnl("USDT", now), d("-200.2"));
        let h = halted.expect("the breach halts");
        assert!(h.reason.contains("daily loss limit"), "{}", h.reason);
        assert_eq!(h.since_ms, now + 2);
    }
    // Restart: the latch is read back and every new order is refused.
    let mut j = Journal::open(&path).unwrap();
    let h = j.halt_state().unwrap().expect("latched across restarts");
    let p = Portfolio::from_fills(&j.fills(&FillFilter::default()).unwrap(), &no_rates);
    assert_eq!(p.daily_realized_pnl("USDT", now), d("-200.2"));
    let ctx = RiskContext {
        mid: Some(d("50000")),
        now_ms: now + 10,
        halted: true,
        ..Default::default()
    };
    assert_eq!(risk.check(&order(), &ctx).unwrap_err().rule, "halted");
    assert!(h.since_ms > 0);
    // The user clears it; the next UTC day the loss no longer counts.
    assert!(j.resume(now + 20).unwrap());
    let next_day = RiskContext {
        halted: j.halt_state().unwrap().is_some(),
        daily_realized_pnl: p.daily_realized_pnl("USDT", now + 86_400_000),
        now_ms: now + 86_400_000,
        ..ctx
    };
    assert!(risk.check(&order(), &next_day).is_ok());
}
