//! REST endpoints of the simulator, decoded with the client's own parsers.

mod sim_common;

use sim_common::*;
use tradeterm::domain::Interval;
use tradeterm::exchange::wire;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_endpoints_decode_with_the_client_parsers() {
    let h = start(20.0, "").await;

    let ping = get(&h, "/api/v3/ping").await;
    assert_eq!((ping.status, ping.body.as_str()), (200, "{}"));
    assert!(ping
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    assert!(ping.weight() >= 1);

    let t = get(&h, "/api/v3/time").await;
    assert!(wire::parse_server_time(&t.body).unwrap() > 1_700_000_000_000);

    let info = wire::parse_exchange_info(&get(&h, "/api/v3/exchangeInfo").await.body).unwrap();
    assert_eq!(info.symbols.len(), 2);
    assert!(info
        .rate_limits
        .iter()
        .any(|r| r.rate_limit_type == "REQUEST_WEIGHT"));
    let btc = &info.symbols[0];
    assert_eq!(
        (btc.symbol.as_str(), btc.tick_size.to_string().as_str()),
        ("BTCUSDT", "0.01")
    );
    assert_eq!(btc.min_notional.to_string(), "10");
    let one = get(&h, "/api/v3/exchangeInfo?symbol=ETHUSDT").await;
    assert_eq!(
        wire::parse_exchange_info(&one.body).unwrap().symbols[0].symbol,
        "ETHUSDT"
    );
    let list = get(
        &h,
        "/api/v3/exchangeInfo?symbols=%5B%22ETHUSDT%22,%22BTCUSDT%22%5D",
    )
    .await;
    assert_eq!(
        wire::parse_exchange_info(&list.body).unwrap().symbols.len(),
        2
    );

    let d = get(&h, "/api/v3/depth?symbol=BTCUSDT&limit=5").await;
    let snap = wire::parse_depth_snapshot(&d.body).unwrap();
    assert_eq!((snap.bids.len(), snap.asks.len()), (5, 5));
    assert!(snap.bids[0].0 < snap.asks[0].0, "not crossed");
    assert!(snap.last_update_id >= 50_093_239_218);
    assert!(
        d.body.contains(".00000000\"") || d.body.contains("0\""),
        "8-decimal strings: {}",
        d.body
    );
    let deep =
        wire::parse_depth_snapshot(&get(&h, "/api/v3/depth?symbol=BTCUSDT").await.body).unwrap();
    assert_eq!(deep.bids.len(), 100, "default limit");

    for i in [
        Interval::S1,
        Interval::M1,
        Interval::M15,
        Interval::H1,
        Interval::D1,
        Interval::Mo1,
    ] {
        let k = get(
            &h,
            &format!("/api/v3/klines?symbol=ETHUSDT&interval={i}&limit=50"),
        )
        .await;
        let rows = wire::parse_klines(&k.body).unwrap_or_else(|e| panic!("{i}: {e}"));
        // 2022-01..2024-08 holds 32 monthly candles, plus the forming month
        // the simulator's wall clock adds on some days; the rest have more.
        if i == Interval::Mo1 {
            assert!((32..=33).contains(&rows.len()), "{i}: {}", rows.len());
        } else {
            assert_eq!(rows.len(), 50, "{i}");
        }
        assert!(
            rows.windows(2).all(|w| w[0].close_time < w[1].open_time),
            "{i} ordered"
        );
        assert!(rows
            .iter()
            .all(|k| k.low <= k.open.min(k.close) && k.high >= k.open.max(k.close)));
    }

    let tk =
        wire::parse_ticker_24h(&get(&h, "/api/v3/ticker/24hr?symbol=BTCUSDT").await.body).unwrap();
    assert_eq!(tk.symbol, "BTCUSDT");
    assert!(
        tk.volume > rust_decimal::Decimal::ZERO
            && tk.trades > 0
            && tk.low <= tk.last
            && tk.last <= tk.high
    );
    let all: serde_json::Value =
        serde_json::from_str(&get(&h, "/api/v3/ticker/24hr").await.body).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);

    let bt = wire::parse_rest_book_ticker(
        &get(&h, "/api/v3/ticker/bookTicker?symbol=ETHUSDT")
            .await
            .body,
    )
    .unwrap();
    assert!(bt.bid < bt.ask);

    let trades: serde_json::Value =
        serde_json::from_str(&get(&h, "/api/v3/trades?symbol=BTCUSDT&limit=3").await.body).unwrap();
    let trades = trades.as_array().unwrap();
    assert!(!trades.is_empty() && trades.len() <= 3);
    assert!(trades[0]["price"].as_str().unwrap().contains('.'));

    let avg: serde_json::Value =
        serde_json::from_str(&get(&h, "/api/v3/avgPrice?symbol=BTCUSDT").await.body).unwrap();
    assert_eq!(avg["mins"], 5);
    assert!(avg["price"].as_str().unwrap().parse::<f64>().unwrap() > 1000.0);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_errors_use_binance_codes_and_weights_add_up() {
    let h = start(1.0, "").await;
    for (path, status, code) in [
        ("/api/v3/depth?symbol=NOPEUSDT", 400, -1121),
        ("/api/v3/exchangeInfo?symbol=NOPEUSDT", 400, -1121),
        (
            "/api/v3/exchangeInfo?symbols=%5B%22BTCUSDT%22,%22XUSDT%22%5D",
            400,
            -1121,
        ),
        ("/api/v3/exchangeInfo?symbols=BTCUSDT", 400, -1100),
        ("/api/v3/depth", 400, -1102),
        ("/api/v3/depth?symbol=btcusdt", 400, -1100),
        ("/api/v3/depth?symbol=BTCUSDT&limit=ten", 400, -1100),
        ("/api/v3/klines?symbol=BTCUSDT", 400, -1102),
        ("/api/v3/klines?symbol=BTCUSDT&interval=7m", 400, -1120),
        (
            "/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=5&endTime=4",
            400,
            -1128,
        ),
        ("/api/v3/ticker/24hr?symbol=NOPE", 400, -1121),
        ("/api/v3/nothing", 404, -1000),
    ] {
        let r = get(&h, path).await;
        assert_eq!((r.status, r.code()), (status, code), "{path}: {}", r.body);
        assert!(r.header("x-mbx-used-weight-1m").is_some(), "{path}");
    }
    let before = get(&h, "/api/v3/ping").await.weight();
    let after = get(&h, "/api/v3/depth?symbol=BTCUSDT&limit=5000")
        .await
        .weight();
    // Another test's minute boundary may reset the window; never less.
    assert!(after == before + 250 || after == 250, "{before} -> {after}");
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kline_history_runs_into_the_live_candle() {
    let h = start(1.0, "").await;
    let now = wire::parse_server_time(&get(&h, "/api/v3/time").await.body).unwrap();
    for i in [Interval::M1, Interval::H1, Interval::W1] {
        let rows = wire::parse_klines(
            &get(
                &h,
                &format!("/api/v3/klines?symbol=BTCUSDT&interval={i}&limit=3"),
            )
            .await
            .body,
        )
        .unwrap();
        let last = rows.last().unwrap();
        assert!(
            last.open_time <= now && now <= last.close_time + 1000,
            "{i}: live candle holds now"
        );
        assert_eq!(
            rows[1].close_time + 1,
            last.open_time,
            "{i}: history ends where the live candle begins"
        );
    }
    // A month of BTCUSDT quote volume (2.3e11 USDT in 2023-03) is beyond
    // `Fx` (9.2e10); the sim serves the exact value, as Binance does.
    let months: serde_json::Value = serde_json::from_str(
        &get(&h, "/api/v3/klines?symbol=BTCUSDT&interval=1M&limit=40")
            .await
            .body,
    )
    .unwrap();
    let biggest = months
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[7].as_str().unwrap().parse::<f64>().unwrap())
        .fold(0.0, f64::max);
    assert!(biggest > 2.0e11, "{biggest}");
    // startTime selects forward from there.
    let rows = wire::parse_klines(
        &get(
            &h,
            "/api/v3/klines?symbol=BTCUSDT&interval=1d&startTime=0&limit=2",
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].open_time < now - 365 * 86_400_000,
        "oldest history first"
    );
    h.shutdown().await;
}
