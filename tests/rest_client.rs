//! The REST client against the simulator: rate-limit gate, error mapping,
//! weight tracking.

mod common;

use std::time::Duration;
use tradeterm::exchange::{RestClient, RestError};

fn client(sim: &tradeterm::sim::SimHandle) -> RestClient {
    RestClient::new(
        &sim.rest_url(),
        Duration::from_secs(5),
        Duration::from_secs(5),
    )
}

#[tokio::test]
async fn retry_after_holds_every_request() {
    let sim = common::start_sim(1.0, "").await;
    let rest = client(&sim);
    rest.ping().await.unwrap();
    sim.faults().rest_error(429, 1, Some(30));
    match rest.depth("BTCUSDT", 10).await {
        Err(RestError::RateLimited {
            status: 429,
            retry_after_secs: 30,
        }) => {}
        other => panic!("expected a 429, got {other:?}"),
    }
    // The simulator would answer normally now (its fault is used up), so a
    // Backoff error proves the request was never sent.
    match rest.exchange_info(None).await {
        Err(RestError::Backoff { remaining_secs }) => {
            assert!(remaining_secs > 0 && remaining_secs <= 30)
        }
        other => panic!("expected the local back-off, got {other:?}"),
    }
    // Clones share the gate (every task holds back).
    assert!(rest.clone().server_time().await.is_err());
    assert!(rest.backoff_remaining().is_some());
    sim.shutdown().await;
}

#[tokio::test]
async fn ban_and_server_errors_are_told_apart() {
    let sim = common::start_sim(1.0, "").await;
    sim.faults().rest_error(503, 1, None);
    let rest = client(&sim);
    assert!(matches!(
        rest.depth("BTCUSDT", 5).await,
        Err(RestError::Server { status: 503, .. })
    ));
    sim.faults().rest_error(418, 1, Some(120));
    let e = rest.depth("BTCUSDT", 5).await.unwrap_err();
    assert!(
        matches!(
            e,
            RestError::RateLimited {
                status: 418,
                retry_after_secs: 120
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("IP banned"), "{e}");
    sim.shutdown().await;
}

#[tokio::test]
async fn binance_errors_keep_code_and_message_and_weight_is_tracked() {
    let sim = common::start_sim(1.0, "").await;
    let rest = client(&sim);
    let e = rest.depth("NOSUCH", 5).await.unwrap_err();
    match &e {
        RestError::Api {
            status: 400,
            code: -1121,
            msg,
        } => assert_eq!(msg, "Invalid symbol."),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        e.to_string(),
        "Binance error -1121: Invalid symbol. (HTTP 400)"
    );
    rest.depth("BTCUSDT", 1000).await.unwrap();
    assert!(rest.used_weight().unwrap() >= 50, "depth 1000 weighs 50");
    let off = rest.clock_offset().await.unwrap();
    assert!(off.abs() < 60_000, "simulator serves wall-clock time");
    sim.shutdown().await;
}
