//! `tradeterm indicators` against reference values computed by TA-Lib and
//! `ta` (scripts/indicator_reference.py) on the real klines in data/.
//! Agreement: within 1e-9 relative (absolute below magnitude 1, for values
//! such as the MACD histogram that cross zero), and empty exactly where the
//! reference is still warming up.

use std::io::Read;
use std::process::Command;

const IND: &str = "sma:20,ema:20,rsi:14,macd:12:26:9,bb:20:2,atr:14,vwap:14,vwap";

fn gunzip(path: &str) -> String {
    let raw = std::fs::read(path).unwrap();
    let mut s = String::new();
    flate2::read::GzDecoder::new(&raw[..])
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn check(data: &str, reference: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_tradeterm"))
        .args(["indicators", "--data", data, "--ind", IND, "--csv"])
        .env(
            "TRADETERM_CONFIG_DIR",
            std::env::temp_dir().join("tradeterm-test-none"),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = String::from_utf8(out.stdout).unwrap();
    let ours: Vec<&str> = ours.lines().collect();
    let reference = gunzip(reference);
    let mut ref_lines = reference.lines();
    let ref_header: Vec<&str> = ref_lines.next().unwrap().split(',').collect();
    let our_header: Vec<&str> = ours[0].split(',').collect();
    // Reference columns are index,time,close,<indicators...>; ours time,close,<...>.
    assert_eq!(&ref_header[1..], &our_header[..], "column names");
    let mut compared = 0usize;
    let mut last_index = 0usize;
    for line in ref_lines {
        let r: Vec<&str> = line.split(',').collect();
        let idx: usize = r[0].parse().unwrap();
        let o: Vec<&str> = ours[idx + 1].split(',').collect();
        assert_eq!(o[0], r[1], "time of row {idx}");
        for c in 3..r.len() {
            let name = ref_header[c];
            let (rv, ov) = (r[c], o[c - 1]);
            match (rv.is_empty(), ov.is_empty()) {
                (true, true) => continue,
                (false, false) => {}
                _ => panic!("row {idx} {name}: reference {rv:?} vs ours {ov:?} (warm-up differs)"),
            }
            let (a, b): (f64, f64) = (rv.parse().unwrap(), ov.parse().unwrap());
            let tol = 1e-9 * a.abs().max(1.0);
            assert!(
                (a - b).abs() <= tol,
                "row {idx} {name}: reference {a} vs ours {b}"
            );
            compared += 1;
        }
        last_index = idx;
    }
    assert!(
        last_index + 2 >= ours.len() - 25,
        "reference covers the whole file"
    );
    assert!(compared > 30_000, "only {compared} values compared");
}

#[test]
fn hourly_btcusdt_matches_talib() {
    check(
        "data/BTCUSDT_spot_1h_2022-01-01_2025-12-02.csv.gz",
        "tests/data/indicators_ref_btcusdt_1h.csv.gz",
    );
}

#[test]
fn minute_btcusdt_with_close_times_matches_talib() {
    check(
        "data/BTCUSDT_spot_1m_2024-12-01_2024-12-30_CET.csv.gz",
        "tests/data/indicators_ref_btcusdt_1m.csv.gz",
    );
}
