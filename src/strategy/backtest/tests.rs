//! The driver and the kline model with a scripted strategy: what fills
//! when, what a refusal looks like, cancels, the runaway guard.

use super::klines::KlineModel;
use super::*;
use crate::domain::{Kline, Side};
use crate::strategy::testkit::{btc_filters, d, kline};
use crate::strategy::{Ctx, StrategyState};
use crate::trading::order::{Order, OrderStatus, OrderType};
use std::sync::{Arc, Mutex};

type Script = Box<dyn FnMut(&MarketEvent, &Ctx) -> Vec<Intent> + Send>;

/// A strategy that runs a script on market events and logs every
/// callback as text.
struct Scripted {
    script: Script,
    log: Arc<Mutex<Vec<String>>>,
    /// Answer every refusal with this intent (the runaway test).
    on_refusal: Option<Intent>,
}

impl Strategy for Scripted {
    fn name(&self) -> &'static str {
        "scripted"
    }
    fn on_market(&mut self, ev: &MarketEvent, ctx: &Ctx) -> Vec<Intent> {
        (self.script)(ev, ctx)
    }
    fn on_fill(&mut self, key: &str, f: &Fill, ctx: &Ctx) -> Vec<Intent> {
        let line = format!(
            "fill {key} {} @ {} pos {}",
            f.qty, f.price, ctx.position.qty
        );
        self.log.lock().unwrap().push(line);
        Vec::new()
    }
    fn on_order(&mut self, key: &str, o: &Order, _ctx: &Ctx) -> Vec<Intent> {
        self.log
            .lock()
            .unwrap()
            .push(format!("order {key} {:?}", o.status));
        Vec::new()
    }
    fn on_refused(&mut self, key: &str, reason: &str, _ctx: &Ctx) -> Vec<Intent> {
        self.log
            .lock()
            .unwrap()
            .push(format!("refused {key}: {reason}"));
        self.on_refusal.clone().into_iter().collect()
    }
    fn state(&self) -> StrategyState {
        StrategyState::default()
    }
}

fn setup() -> Setup {
    Setup {
        symbol: "BTCUSDT".into(),
        base: "BTC".into(),
        quote: "USDT".into(),
        filters: btc_filters(),
        maker_fee: d("0.001"),
        taker_fee: d("0.001"),
        base_balance: Decimal::ZERO,
        quote_balance: d("1000"),
        tag: "t".into(),
    }
}

/// A backtest whose strategy sends `intents` on its first event only.
fn once(intents: Vec<Intent>, on_refusal: Option<Intent>) -> (Backtest, Arc<Mutex<Vec<String>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut first = Some(intents);
    let s = Scripted {
        script: Box::new(move |_, _| first.take().unwrap_or_default()),
        log: log.clone(),
        on_refusal,
    };
    (Backtest::new(setup(), Box::new(s)), log)
}

fn buy_at(price: &str) -> Intent {
    Intent::limit(
        "b",
        OrderType::Limit,
        Side::Buy,
        d(price),
        d("0.2"),
        String::new(),
    )
}

fn play(b: &mut Backtest, klines: &[Kline]) {
    for k in klines {
        b.kline(k, &KlineModel::default());
    }
}

#[test]
fn a_resting_buy_fills_when_the_path_reaches_it_as_maker_at_its_price() {
    let (mut b, log) = once(vec![buy_at("95")], None);
    play(&mut b, &[kline(0, "100", "101", "95.01", "100")]);
    assert!(b.report().fills.is_empty(), "95.01 does not reach 95");
    play(&mut b, &[kline(3_600_000, "100", "101", "95", "100")]);
    let r = b.report();
    assert_eq!(r.fills.len(), 1, "{r:?}");
    let f = &r.fills[0];
    assert_eq!((f.price, f.qty, f.is_maker), (d("95"), d("0.2"), true));
    assert_eq!(f.client_order_id, "tt-t-b-1");
    assert_eq!(r.position.qty, d("0.1998"), "0.1 % maker fee paid in base");
    let log = log.lock().unwrap();
    assert_eq!(
        *log,
        [
            "order b New",
            "fill b 0.2 @ 95 pos 0.1998",
            "order b Filled"
        ]
    );
}

#[test]
fn a_market_order_on_the_close_pays_one_tick() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let s = Scripted {
        script: Box::new(|ev, _| match ev {
            MarketEvent::KlineClosed(_) => {
                vec![Intent::market("m", Side::Buy, d("0.1"), String::new())]
            }
            _ => Vec::new(),
        }),
        log,
        on_refusal: None,
    };
    let mut b = Backtest::new(setup(), Box::new(s));
    play(&mut b, &[kline(0, "100", "101", "99", "100.5")]);
    let r = b.report();
    assert_eq!(r.fills.len(), 1);
    assert_eq!(
        (r.fills[0].price, r.fills[0].is_maker),
        (d("100.51"), false)
    );
    assert_eq!(r.fills[0].time, 3_599_999, "at the kline's close time");
}

#[test]
fn a_halted_kline_prints_no_trades() {
    let (mut b, _) = once(vec![buy_at("95")], None);
    let mut halted = kline(0, "100", "100", "90", "100");
    halted.volume = Decimal::ZERO;
    play(&mut b, &[halted]);
    assert!(b.report().fills.is_empty());
}

#[test]
fn filter_and_venue_refusals_reach_the_strategy() {
    // Below the 10 USDT minimum notional: refused by the filters.
    let tiny = Intent::limit(
        "t",
        OrderType::Limit,
        Side::Buy,
        d("95"),
        d("0.0001"),
        String::new(),
    );
    // More than the balance: refused by the venue, after the id was used.
    let big = Intent::limit(
        "g",
        OrderType::Limit,
        Side::Buy,
        d("95"),
        d("11"),
        String::new(),
    );
    let (mut b, log) = once(vec![tiny, big], None);
    play(&mut b, &[kline(0, "100", "101", "99", "100")]);
    let r = b.report();
    assert_eq!(r.refusals.len(), 2);
    assert!(
        r.refusals[0].reason.starts_with("NOTIONAL"),
        "{:?}",
        r.refusals[0]
    );
    assert!(
        r.refusals[1].reason.contains("insufficient balance"),
        "{:?}",
        r.refusals[1]
    );
    assert_eq!(r.orders.len(), 1, "the venue's refusal is kept as REJECTED");
    assert_eq!(r.orders[0].status, OrderStatus::Rejected);
    let log = log.lock().unwrap();
    assert!(log[0].starts_with("refused t: NOTIONAL"));
    assert!(log[1].starts_with("refused g: Account has insufficient balance"));
}

#[test]
fn cancels_by_key_and_cancel_all() {
    let intents = vec![
        buy_at("95"),
        Intent::limit(
            "c",
            OrderType::Limit,
            Side::Buy,
            d("94"),
            d("0.2"),
            String::new(),
        ),
        Intent::cancel("b"),
        Intent::cancel("nothing-by-that-key"),
    ];
    let (mut b, log) = once(intents, None);
    play(&mut b, &[kline(0, "100", "101", "99", "100")]);
    assert_eq!(b.instance().open_orders().len(), 1);
    assert_eq!(b.venue().funds("USDT").locked, d("18.8"));
    assert!(log
        .lock()
        .unwrap()
        .contains(&"order b Canceled".to_string()));
    let all = b.instance().cancel_ids(&Intent::CancelAll);
    assert_eq!(all, ["tt-t-c-2"]);
    // A long-running instance forgets finished orders beyond a few.
    assert!(b.inst.owns("tt-t-b-1"));
    b.inst.trim_closed(0);
    assert!(!b.inst.owns("tt-t-b-1"));
    assert_eq!(b.inst.orders().count(), 1);
    b.inst.start_ids_at(1_000);
    assert!(b.inst.cancel_ids(&Intent::cancel("c")) == all);
}

#[test]
fn a_runaway_strategy_is_stopped_per_event() {
    let tiny = Intent::limit(
        "t",
        OrderType::Limit,
        Side::Buy,
        d("95"),
        d("0.0001"),
        String::new(),
    );
    let (mut b, _) = once(vec![tiny.clone()], Some(tiny));
    play(&mut b, &[kline(0, "100", "101", "99", "100")]);
    let r = b.report();
    assert_eq!(r.refusals.last().unwrap().key, "*");
    assert_eq!(r.refusals.len(), MAX_INTENTS_PER_EVENT + 1);
}
