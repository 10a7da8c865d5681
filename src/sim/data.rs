//! Data embedded in the binary: the real captures, the kline files and the
//! exchangeInfo symbol definitions. Embedding keeps `tradeterm sim` a single
//! self-contained binary with no files to find at run time.

use crate::domain::SymbolInfo;
use crate::exchange::wire;
use std::io::Read;
use std::sync::OnceLock;

/// The symbols the simulator serves, in a fixed order (determinism).
pub const SYMBOLS: [&str; 2] = ["BTCUSDT", "ETHUSDT"];

pub const BTC_CAPTURE: &[u8] =
    include_bytes!("../../data/binance_spot_ws_capture_btcusdt_2024-08-08.gz");
pub const ETH_CAPTURE: &[u8] =
    include_bytes!("../../data/binance_spot_ws_capture_ethusdt_2024-08-08.gz");
pub const BTC_1H: &[u8] = include_bytes!("../../data/BTCUSDT_spot_1h_2022-01-01_2025-12-02.csv.gz");
pub const ETH_1H: &[u8] = include_bytes!("../../data/ETHUSDT_spot_1h_2022-01-01_2025-12-02.csv.gz");
pub const BTC_1M: &[u8] =
    include_bytes!("../../data/BTCUSDT_spot_1m_2024-12-01_2024-12-30_CET.csv.gz");

/// Decompresses an embedded gzip file; the inputs are compiled in, so a
/// failure is a build defect, reported as text rather than a panic.
pub fn gunzip(bytes: &[u8]) -> Result<String, String> {
    let mut s = String::with_capacity(bytes.len() * 4);
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut s)
        .map_err(|e| format!("embedded gzip data: {e}"))?;
    Ok(s)
}

pub fn capture_bytes(symbol: &str) -> Option<&'static [u8]> {
    match symbol {
        "BTCUSDT" => Some(BTC_CAPTURE),
        "ETHUSDT" => Some(ETH_CAPTURE),
        _ => None,
    }
}

pub fn hourly_bytes(symbol: &str) -> Option<&'static [u8]> {
    match symbol {
        "BTCUSDT" => Some(BTC_1H),
        "ETHUSDT" => Some(ETH_1H),
        _ => None,
    }
}

/// Symbol objects as `GET /api/v3/exchangeInfo` returns them. The filters
/// are the real ones from the 2023-08-13 response
/// (`tests/fixtures/binance/real_rest_exchangeInfo_BTCUSDT_ETHUSDT_2023-08-13.json`);
/// `permissions`/`permissionSets` and the `*Allowed` flags follow the
/// current API shape.
const SYMBOL_JSON: [&str; 2] = [
    r#"{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","baseAssetPrecision":8,"quoteAsset":"USDT","quotePrecision":8,"quoteAssetPrecision":8,"baseCommissionPrecision":8,"quoteCommissionPrecision":8,"orderTypes":["LIMIT","LIMIT_MAKER","MARKET","STOP_LOSS","STOP_LOSS_LIMIT","TAKE_PROFIT","TAKE_PROFIT_LIMIT"],"icebergAllowed":true,"ocoAllowed":true,"otoAllowed":true,"quoteOrderQtyMarketAllowed":true,"allowTrailingStop":true,"cancelReplaceAllowed":true,"amendAllowed":true,"isSpotTradingAllowed":true,"isMarginTradingAllowed":true,"filters":[{"filterType":"PRICE_FILTER","minPrice":"0.01000000","maxPrice":"1000000.00000000","tickSize":"0.01000000"},{"filterType":"LOT_SIZE","minQty":"0.00001000","maxQty":"9000.00000000","stepSize":"0.00001000"},{"filterType":"ICEBERG_PARTS","limit":10},{"filterType":"MARKET_LOT_SIZE","minQty":"0.00000000","maxQty":"169.00949758","stepSize":"0.00000000"},{"filterType":"TRAILING_DELTA","minTrailingAboveDelta":10,"maxTrailingAboveDelta":2000,"minTrailingBelowDelta":10,"maxTrailingBelowDelta":2000},{"filterType":"PERCENT_PRICE_BY_SIDE","bidMultiplierUp":"5","bidMultiplierDown":"0.2","askMultiplierUp":"5","askMultiplierDown":"0.2","avgPriceMins":5},{"filterType":"NOTIONAL","minNotional":"10.00000000","applyMinToMarket":true,"maxNotional":"9000000.00000000","applyMaxToMarket":false,"avgPriceMins":5},{"filterType":"MAX_NUM_ORDERS","maxNumOrders":200},{"filterType":"MAX_NUM_ALGO_ORDERS","maxNumAlgoOrders":5}],"permissions":[],"permissionSets":[["SPOT","MARGIN","TRD_GRP_004","TRD_GRP_005","TRD_GRP_006","TRD_GRP_009","TRD_GRP_010","TRD_GRP_011","TRD_GRP_012","TRD_GRP_013"]],"defaultSelfTradePreventionMode":"EXPIRE_MAKER","allowedSelfTradePreventionModes":["EXPIRE_TAKER","EXPIRE_MAKER","EXPIRE_BOTH"]}"#,
    r#"{"symbol":"ETHUSDT","status":"TRADING","baseAsset":"ETH","baseAssetPrecision":8,"quoteAsset":"USDT","quotePrecision":8,"quoteAssetPrecision":8,"baseCommissionPrecision":8,"quoteCommissionPrecision":8,"orderTypes":["LIMIT","LIMIT_MAKER","MARKET","STOP_LOSS","STOP_LOSS_LIMIT","TAKE_PROFIT","TAKE_PROFIT_LIMIT"],"icebergAllowed":true,"ocoAllowed":true,"otoAllowed":true,"quoteOrderQtyMarketAllowed":true,"allowTrailingStop":true,"cancelReplaceAllowed":true,"amendAllowed":true,"isSpotTradingAllowed":true,"isMarginTradingAllowed":true,"filters":[{"filterType":"PRICE_FILTER","minPrice":"0.01000000","maxPrice":"1000000.00000000","tickSize":"0.01000000"},{"filterType":"LOT_SIZE","minQty":"0.00010000","maxQty":"9000.00000000","stepSize":"0.00010000"},{"filterType":"ICEBERG_PARTS","limit":10},{"filterType":"MARKET_LOT_SIZE","minQty":"0.00000000","maxQty":"3155.39389583","stepSize":"0.00000000"},{"filterType":"TRAILING_DELTA","minTrailingAboveDelta":10,"maxTrailingAboveDelta":2000,"minTrailingBelowDelta":10,"maxTrailingBelowDelta":2000},{"filterType":"PERCENT_PRICE_BY_SIDE","bidMultiplierUp":"5","bidMultiplierDown":"0.2","askMultiplierUp":"5","askMultiplierDown":"0.2","avgPriceMins":5},{"filterType":"NOTIONAL","minNotional":"10.00000000","applyMinToMarket":true,"maxNotional":"9000000.00000000","applyMaxToMarket":false,"avgPriceMins":5},{"filterType":"MAX_NUM_ORDERS","maxNumOrders":200},{"filterType":"MAX_NUM_ALGO_ORDERS","maxNumAlgoOrders":5}],"permissions":[],"permissionSets":[["SPOT","MARGIN","TRD_GRP_004","TRD_GRP_005","TRD_GRP_006","TRD_GRP_009","TRD_GRP_010","TRD_GRP_011","TRD_GRP_012","TRD_GRP_013"]],"defaultSelfTradePreventionMode":"EXPIRE_MAKER","allowedSelfTradePreventionModes":["EXPIRE_TAKER","EXPIRE_MAKER","EXPIRE_BOTH"]}"#,
];

/// `rateLimits` as Binance declares them today (binance.md section 4).
pub const RATE_LIMITS_JSON: &str = r#"[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000},{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":50},{"rateLimitType":"ORDERS","interval":"DAY","intervalNum":1,"limit":160000},{"rateLimitType":"RAW_REQUESTS","interval":"MINUTE","intervalNum":5,"limit":300000}]"#;

/// The request-weight budget per minute declared above.
pub const WEIGHT_LIMIT_1M: u32 = 6000;

/// A served symbol: its exchangeInfo JSON and the decoded filters.
#[derive(Clone, Debug)]
pub struct SymbolSpec {
    pub info: SymbolInfo,
    pub json: &'static str,
    /// Lowercase name as used in stream names.
    pub lower: String,
}

/// The specs, decoded once with the client's own exchangeInfo parser so
/// both sides agree on tick and step sizes.
pub fn specs() -> &'static [SymbolSpec] {
    static SPECS: OnceLock<Vec<SymbolSpec>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let doc = format!(r#"{{"symbols":[{},{}]}}"#, SYMBOL_JSON[0], SYMBOL_JSON[1]);
        let info = wire::parse_exchange_info(&doc).expect("embedded exchangeInfo is valid");
        info.symbols
            .into_iter()
            .zip(SYMBOL_JSON)
            .map(|(info, json)| SymbolSpec {
                lower: info.symbol.to_ascii_lowercase(),
                info,
                json,
            })
            .collect()
    })
}

pub fn spec(symbol: &str) -> Option<&'static SymbolSpec> {
    specs().iter().find(|s| s.info.symbol == symbol)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_decode_with_real_filters() {
        let btc = spec("BTCUSDT").unwrap();
        assert_eq!(btc.info.tick_size.to_string(), "0.01");
        assert_eq!(btc.info.step_size.to_string(), "0.00001");
        assert_eq!(btc.lower, "btcusdt");
        assert_eq!(
            spec("ETHUSDT").unwrap().info.step_size.to_string(),
            "0.0001"
        );
        assert!(spec("XRPUSDT").is_none());
        assert_eq!(specs().len(), SYMBOLS.len());
    }
}
