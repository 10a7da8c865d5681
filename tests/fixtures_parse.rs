//! Every market-data and REST fixture in `tests/fixtures/binance/` decodes
//! with the crate's wire decoders. The directory is listed, so a new fixture
//! fails `every_fixture_is_classified` until it is given a check here or put
//! on the explicit "not yet decoded" list.

#[path = "fixtures_parse/support.rs"]
mod support;

use serde_json::Value;
use support::*;
use tradeterm::capture::{self, CaptureEvent};
use tradeterm::domain::{Interval, Side};
use tradeterm::exchange::wire::{self, fast, StreamEvent};
use tradeterm::fixed::Fx;

type Check = fn(&str);

/// Fixtures the client decodes today, with what each must decode to.
const DECODED: &[(&str, Check)] = &[
    // WebSocket market streams (raw and combined forms are both checked).
    ("doc_ws_depthUpdate.json", |t| {
        let d = depth(t, "bnbbtc@depth");
        assert_eq!(
            (d.first_id, d.final_id, d.event_time),
            (157, 160, 1672515782136)
        );
        assert_eq!(d.symbol, "BNBBTC");
        assert_eq!(d.bids, vec![(fx("0.0024"), fx("10"))]);
        assert_eq!(d.asks, vec![(fx("0.0026"), fx("100"))]);
    }),
    (
        "real_ws_depthUpdate_BTCUSDT_combined_2024-08-09.json",
        |t| {
            let d = depth(t, "");
            assert_eq!((d.first_id, d.final_id), (50093421585, 50093421612));
            assert!(
                d.bids.contains(&(fx("61668.86"), Fx::ZERO)),
                "zero qty kept"
            );
        },
    ),
    ("real_ws_depthUpdate_ETHUSDT_raw_2022-12-21.json", |t| {
        let d = depth(t, "ethusdt@depth@100ms");
        assert_eq!(d.bids.len(), 2);
        assert!(d.asks.is_empty(), "empty side");
    }),
    ("doc_ws_bookTicker.json", |t| {
        let b = book_ticker(t, "bnbusdt@bookTicker");
        assert_eq!((b.symbol.as_str(), b.update_id), ("BNBUSDT", 400900217));
        assert_eq!((b.bid, b.bid_qty), (fx("25.3519"), fx("31.21")));
        assert_eq!((b.ask, b.ask_qty), (fx("25.3652"), fx("40.66")));
    }),
    ("real_ws_bookTicker_BTCUSDT_combined_2024-08-09.json", |t| {
        let b = book_ticker(t, "");
        assert_eq!(b.update_id, 50093421613);
        assert_eq!((b.bid, b.ask_qty), (fx("61685.99"), fx("2.44816")));
    }),
    ("real_ws_bookTicker_ETHUSDT_raw_2022-12.json", |t| {
        let b = book_ticker(t, "ethusdt@bookTicker");
        assert_eq!((b.update_id, b.ask), (22606535573, fx("1215.28")));
    }),
    ("doc_ws_trade.json", |t| {
        let tr = trade(t, "bnbbtc@trade");
        assert_eq!((tr.id, tr.price, tr.qty), (12345, fx("0.001"), fx("100")));
        assert_eq!(tr.aggressor, Side::Sell, "m = buyer is maker");
    }),
    ("real_ws_trade_BTCUSDT_combined_2024-08-09.json", |t| {
        let tr = trade(t, "");
        assert_eq!(
            (tr.id, tr.time, tr.event_time),
            (3735693016, 1723161601437, 1723161601438)
        );
    }),
    (
        "real_ws_trade_ETHUSDT_combined_2021-12-12_legacy.json",
        |t| {
            // Legacy `b`/`a` (order ids) must not be taken for the trade id.
            let tr = trade(t, "");
            assert_eq!(
                (tr.id, tr.price, tr.qty),
                (705291099, fx("4149.74"), fx("0.4387"))
            );
        },
    ),
    ("doc_ws_aggTrade.json", |t| {
        let tr = trade(t, "bnbbtc@aggTrade");
        assert_eq!(
            (tr.id, tr.time, tr.aggressor),
            (12345, 1672515782136, Side::Sell)
        );
    }),
    ("doc_ws_kline.json", |t| {
        let StreamEvent::Kline {
            symbol,
            interval,
            kline,
        } = both(t, "bnbbtc@kline_1m")
        else {
            panic!("not a kline")
        };
        assert_eq!((symbol.as_str(), interval), ("BNBBTC", Interval::M1));
        assert_eq!(
            (kline.open, kline.close, kline.trades),
            (fx("0.001"), fx("0.002"), 100)
        );
        assert_eq!((num(kline.quote_volume), kline.closed), ("1".into(), false));
    }),
    ("real_ws_kline_BTCUSDT_5m_raw_2021-09-14.json", |t| {
        let StreamEvent::Kline {
            interval, kline, ..
        } = both(t, "btcusdt@kline_5m")
        else {
            panic!("not a kline")
        };
        assert_eq!(interval, Interval::M5);
        assert_eq!(kline.close_time - kline.open_time, 5 * 60_000 - 1);
        assert_eq!((kline.high, kline.low), (fx("46686.15"), fx("46668.45")));
    }),
    ("doc_ws_24hrTicker.json", |t| {
        let StreamEvent::Ticker(k) = both(t, "bnbbtc@ticker") else {
            panic!("not a ticker")
        };
        assert_eq!(
            (k.last, k.change, k.change_pct),
            (fx("0.0025"), fx("0.0015"), fx("250"))
        );
        assert_eq!((k.trades, num(k.quote_volume)), (18151, "18".into()));
    }),
    ("doc_ws_miniTicker.json", |t| other(t, "bnbbtc@miniTicker")),
    ("doc_ws_1hTicker_rolling.json", |t| {
        other(t, "bnbbtc@ticker_1h")
    }),
    ("doc_ws_partialDepth.json", |t| {
        other(t, "bnbbtc@depth5@100ms")
    }),
    ("doc_ws_avgPrice.json", |t| other(t, "btcusdt@avgPrice")),
    ("doc_ws_serverShutdown_raw.json", |t| {
        let ev = stream(t);
        assert_eq!(
            ev,
            StreamEvent::ServerShutdown {
                time: 1770123456789
            }
        );
    }),
    ("doc_ws_serverShutdown_combined.json", |t| {
        let ev = stream(t);
        assert_eq!(
            ev,
            StreamEvent::ServerShutdown {
                time: 1770123456789
            }
        );
    }),
    ("doc_ws_subscribe_response.json", |t| {
        assert_eq!(stream(t), StreamEvent::Response { id: Some(1) });
    }),
    ("real_ws_btcusdt_capture_first300.jsonl", |t| {
        // The same 300 lines as the start of the embedded capture.
        let full = capture::lines(capture::BTCUSDT_CAPTURE).unwrap();
        let (mut depth, mut tick, mut trades, mut snaps) = (0, 0, 0, 0);
        for (line, rec) in t.lines().zip(&full) {
            assert_eq!(line, rec.json);
            match capture::decode(line).unwrap() {
                CaptureEvent::Snapshot(s) => {
                    assert_eq!(s.last_update_id, 50093239218);
                    snaps += 1
                }
                CaptureEvent::Stream(StreamEvent::Depth(_)) => depth += 1,
                CaptureEvent::Stream(StreamEvent::BookTicker(_)) => tick += 1,
                CaptureEvent::Stream(StreamEvent::Trade(_)) => trades += 1,
                CaptureEvent::Stream(e) => panic!("unexpected {e:?}"),
            }
        }
        assert_eq!((depth, tick, trades, snaps), (10, 233, 56, 1));
    }),
    (
        "real_ws_depthUpdate_sequence_binanceus_BTCUSDT_2025-07-17.jsonl",
        |t| {
            // Four recording sessions: ids continue (U == previous u + 1)
            // except where the event time jumps by minutes to days.
            let mut prev: Option<(u64, i64)> = None;
            let mut breaks = 0;
            for line in t.lines() {
                let d = depth(line, "btcusdt@depth");
                if let Some((u, e)) = prev {
                    if d.first_id != u + 1 {
                        assert!(d.event_time - e > 60_000, "gap inside a session");
                        breaks += 1;
                    }
                }
                prev = Some((d.final_id, d.event_time));
            }
            assert_eq!((t.lines().count(), breaks), (71, 3));
        },
    ),
    // REST.
    ("doc_rest_depth.json", |t| {
        let s = wire::parse_depth_snapshot(t).unwrap();
        assert_eq!(s.last_update_id, 1027024);
        assert_eq!(s.bids, vec![(fx("4"), fx("431"))]);
        assert_eq!(s.asks, vec![(fx("4.000002"), fx("12"))]);
    }),
    ("real_rest_depth_BTCUSDT_limit1000_2024-08-08.json", |t| {
        let s = wire::parse_depth_snapshot(t).unwrap();
        assert_eq!((s.bids.len(), s.asks.len()), (1000, 1000));
        assert_eq!(levels(&json(t)["bids"]), s.bids);
        assert_eq!(s.bids[0], (fx("61837.63"), fx("3.78826")));
    }),
    ("real_rest_depth_BTCUSDT_limit10_2021-10-22.json", |t| {
        let s = wire::parse_depth_snapshot(t).unwrap();
        assert_eq!(
            (s.last_update_id, s.bids.len(), s.asks.len()),
            (14527958487, 10, 10)
        );
        assert_eq!(levels(&json(t)["asks"]), s.asks);
    }),
    ("doc_rest_klines.json", |t| {
        let k = wire::parse_klines(t).unwrap();
        assert_eq!(k.len(), 1);
        assert_eq!((k[0].open, k[0].trades), (fx("0.0163479"), 308));
        assert_eq!(
            (num(k[0].quote_volume), k[0].closed),
            ("2434.19055334".into(), true)
        );
    }),
    ("real_rest_klines_BTCUSDT_1m_2021-10-22.json", |t| {
        let k = wire::parse_klines(t).unwrap();
        assert_eq!(k.len(), 10);
        assert!(k.iter().all(|c| c.close_time == c.open_time + 59_999));
        assert!(k
            .windows(2)
            .all(|w| w[1].open_time == w[0].open_time + 60_000));
        assert_eq!(num(k[0].volume), "21.63272");
    }),
    ("doc_rest_ticker_24hr_full.json", |t| {
        let k = wire::parse_ticker_24h(t).unwrap();
        assert_eq!((k.change, k.change_pct), (fx("-94.999998"), fx("-95.96")));
        assert_eq!(
            (k.last, k.trades, k.event_time),
            (fx("4.000002"), 76, 1499869899040)
        );
    }),
    ("doc_rest_ticker_24hr_mini.json", |t| {
        let k = wire::parse_ticker_24h(t).unwrap();
        assert_eq!(
            (k.last, k.change, k.high),
            (fx("4.000002"), Fx::ZERO, fx("100"))
        );
    }),
    ("doc_rest_ticker_tradingDay_BTCUSDT.json", |t| {
        let k = wire::parse_ticker_24h(t).unwrap();
        assert_eq!((k.last, k.change_pct), (fx("26221.67"), fx("-0.317")));
    }),
    ("doc_rest_bookTicker.json", |t| {
        let b = wire::parse_rest_book_ticker(t).unwrap();
        assert_eq!(
            (b.symbol.as_str(), b.bid, b.ask_qty),
            ("LTCBTC", fx("4"), fx("9"))
        );
    }),
    ("real_rest_bookTicker_BTCUSDT_2021.json", |t| {
        let b = wire::parse_rest_book_ticker(t).unwrap();
        assert_eq!((b.bid, b.ask), (fx("60741.67"), fx("60741.68")));
    }),
    ("doc_rest_time.json", |t| {
        assert_eq!(wire::parse_server_time(t).unwrap(), 1499827319559);
    }),
    (
        "real_rest_exchangeInfo_BTCUSDT_ETHUSDT_2021-10-22.json",
        |t| {
            // Pre-2023 schema: MIN_NOTIONAL.
            let x = exchange_info(t, 4);
            assert_eq!(x.symbols[0].min_notional, fx("10"));
            assert_eq!(x.symbols[1].step_size, fx("0.0001"));
        },
    ),
    (
        "real_rest_exchangeInfo_BTCUSDT_ETHUSDT_2023-08-13.json",
        |t| {
            // NOTIONAL replaced MIN_NOTIONAL.
            let x = exchange_info(t, 4);
            assert_eq!(x.symbols[0].min_notional, fx("10"));
            assert_eq!(x.symbols[0].filters.len(), 9, "every filter kept");
        },
    ),
    ("doc_wsapi_exchangeInfo_response.json", |t| {
        // Current shape; the WS-API wrapper is unwrapped here.
        let result = json(t)["result"].to_string();
        let x = wire::parse_exchange_info(&result).unwrap();
        assert_eq!(x.symbols[0].symbol, "BNBBTC");
        assert_eq!(x.symbols[0].tick_size, fx("0.000001"));
    }),
    ("doc_filters_all.json", |t| {
        // Every documented filter, inside a minimal exchangeInfo.
        let text = format!(r#"{{"symbols":[{{"symbol":"X","filters":{t}}}]}}"#);
        let x = wire::parse_exchange_info(&text).unwrap();
        let s = &x.symbols[0];
        assert_eq!((s.tick_size, s.step_size), (fx("0.000001"), fx("0.001")));
        // Both notional filters listed: the current NOTIONAL wins.
        assert_eq!(s.min_notional, fx("10"));
        assert_eq!(s.filters.len(), json(t).as_array().unwrap().len());
    }),
    // Error bodies (REST, and `{"code","msg"}` on a stream socket).
    ("doc_rest_error.json", |t| error(t, -1121)),
    ("doc_rest_cancel_restrictions_error_-2011.json", |t| {
        error(t, -2011)
    }),
    ("constructed_errors_from_errors_md.jsonl", |t| errors(t, 16)),
    ("real_errors_from_issues.jsonl", |t| errors(t, 3)),
];

/// Fixtures for a later release (user data, trading, WS-API) or market data
/// the client does not request yet; kept visible here on purpose.
const NOT_YET_DECODED: &[(&str, &str)] = &[
    ("doc_rest_account.json", "account (trading release)"),
    (
        "doc_rest_cancel_order.json",
        "order entry (trading release)",
    ),
    ("doc_rest_order_ack.json", "order entry (trading release)"),
    ("doc_rest_order_full.json", "order entry (trading release)"),
    (
        "doc_rest_order_result.json",
        "order entry (trading release)",
    ),
    (
        "doc_rest_order_test_commission.json",
        "order entry (trading release)",
    ),
    ("doc_rest_query_order.json", "order entry (trading release)"),
    (
        "doc_rest_rateLimit_order.json",
        "order entry (trading release)",
    ),
    (
        "doc_rest_listenKey_legacy.json",
        "user data (retired listenKey)",
    ),
    ("doc_uds_balanceUpdate_legacy_raw.json", UDS),
    ("doc_uds_balanceUpdate_wrapped.json", UDS),
    ("doc_uds_eventStreamTerminated_wrapped.json", UDS),
    ("doc_uds_executionReport_legacy_raw.json", UDS),
    ("doc_uds_executionReport_wrapped.json", UDS),
    ("doc_uds_externalLockUpdate_wrapped.json", UDS),
    ("doc_uds_listStatus_wrapped.json", UDS),
    ("doc_uds_listenKeyExpired_legacy_raw.json", UDS),
    ("doc_uds_outboundAccountPosition_legacy_raw.json", UDS),
    ("doc_uds_outboundAccountPosition_wrapped.json", UDS),
    (
        "real_ws_executionReport_binanceus_TRADE_FILLED_2025-10-01.json",
        UDS,
    ),
    (
        "doc_wsapi_event_outboundAccountPosition_wrapped.json",
        WSAPI,
    ),
    ("doc_wsapi_ip_banned_418.json", WSAPI),
    ("doc_wsapi_order_place_request.json", WSAPI),
    ("doc_wsapi_order_place_response_err_-2010.json", WSAPI),
    ("doc_wsapi_order_place_response_ok.json", WSAPI),
    ("doc_wsapi_session_logon_request.json", WSAPI),
    ("doc_wsapi_session_logon_response.json", WSAPI),
    ("doc_wsapi_userDataStream_subscribe_request.json", WSAPI),
    ("doc_wsapi_userDataStream_subscribe_response.json", WSAPI),
    (
        "doc_wsapi_userDataStream_subscribe_signature_request.json",
        WSAPI,
    ),
    (
        "doc_wsapi_userDataStream_subscribe_signature_response.json",
        WSAPI,
    ),
    (
        "doc_ws_subscribe_request.json",
        "outbound request (written, not read)",
    ),
    ("doc_rest_avgPrice.json", NO_DECODER),
    ("real_rest_avgPrice_BTCUSDT_2021_legacy.json", NO_DECODER),
    ("real_rest_ticker_price_BTCUSDT_2021.json", NO_DECODER),
    ("doc_rest_trades.json", NO_DECODER),
    ("doc_rest_aggTrades.json", NO_DECODER),
    ("real_rest_aggTrades_BTCUSDT_2021-10-22.json", NO_DECODER),
    (
        "real_rest_historicalTrades_BTCUSDT_2021-10-22.json",
        NO_DECODER,
    ),
    ("real_rest_trades_BTCUSDT_2021-10-22.json", NO_DECODER),
];

const UDS: &str = "user-data event (trading release)";
const WSAPI: &str = "WebSocket API message (trading release)";
const NO_DECODER: &str = "market data the client does not request yet";

fn listed(name: &str) -> usize {
    DECODED.iter().filter(|(n, _)| *n == name).count()
        + NOT_YET_DECODED.iter().filter(|(n, _)| *n == name).count()
}

#[test]
fn every_fixture_is_classified() {
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json") || n.ends_with(".jsonl"))
        .collect();
    files.sort();
    let unlisted: Vec<_> = files.iter().filter(|n| listed(n) != 1).collect();
    assert!(
        unlisted.is_empty(),
        "fixtures not listed exactly once in DECODED or NOT_YET_DECODED: {unlisted:?}"
    );
    let names = DECODED
        .iter()
        .map(|d| d.0)
        .chain(NOT_YET_DECODED.iter().map(|d| d.0));
    let missing: Vec<_> = names.filter(|n| !files.iter().any(|f| f == n)).collect();
    assert!(missing.is_empty(), "listed but absent: {missing:?}");
}

#[test]
fn decoded_fixtures_decode() {
    for (name, check) in DECODED {
        let text = read(name);
        let r = std::panic::catch_unwind(|| check(&text));
        assert!(r.is_ok(), "fixture {name} failed its check");
    }
}

#[test]
fn not_yet_decoded_fixtures_are_json_and_harmless_on_a_stream() {
    for (name, why) in NOT_YET_DECODED {
        let text = read(name);
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(v.is_object() || v.is_array(), "{name}");
        if *why == UDS {
            // A user-data event reaching the market-data decoder must not
            // be mistaken for market data.
            assert_eq!(stream(&text), StreamEvent::Other, "{name}");
        }
    }
}

/// Wherever the fast scanner accepts a fixture (whole file or `.jsonl`
/// line), the serde decoder gives the same event.
#[test]
fn fast_path_agrees_with_serde_on_every_fixture() {
    let mut taken = 0;
    let names = DECODED.iter().map(|d| d.0);
    for name in names.chain(NOT_YET_DECODED.iter().map(|d| d.0)) {
        let text = read(name);
        let pieces: Vec<&str> = if name.ends_with(".jsonl") {
            text.lines().collect()
        } else {
            vec![text.as_str()]
        };
        for t in pieces {
            if let Some(ev) = fast::parse_stream(t) {
                assert_eq!(ev, wire::parse_stream_serde(t).unwrap(), "{name}");
                taken += 1;
            }
        }
    }
    // 10 single messages, 299 capture lines, 71 Binance.US depth lines.
    assert_eq!(taken, 10 + 299 + 71);
}
