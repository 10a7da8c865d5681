//! The binary's error behaviour: bad config, bad flags and bad values give
//! one line naming what is wrong and what is expected, a non-zero exit
//! code, and never a panic.

use std::process::{Command, Output};

fn tradeterm(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tradeterm"))
        .args(args)
        .env("TRADETERM_CONFIG_DIR", dir.join("cfg"))
        .env("TRADETERM_DATA_DIR", dir.join("data"))
        .env_remove("RUST_LOG")
        .output()
        .expect("binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_clean_error(o: &Output, code: i32, needles: &[&str]) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stderr: {e}");
    assert!(!e.contains("panicked"), "panic: {e}");
    for n in needles {
        assert!(e.contains(n), "missing {n:?} in {e:?}");
    }
}

#[test]
fn malformed_config_names_file_line_and_key() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("bad.toml");
    std::fs::write(&p, "symbol = \"BTCUSDT\"\n\n[ui]\nfps = \"fast\"\n").unwrap();
    let o = tradeterm(&["--config", p.to_str().unwrap(), "config"], d.path());
    assert_clean_error(
        &o,
        1,
        &[
            "bad.toml line 4",
            "ui.fps",
            "\"fast\"",
            "expected an integer",
        ],
    );
    assert_eq!(stderr(&o).trim().lines().count(), 1);
}

#[test]
fn unknown_key_in_user_config_is_reported() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("cfg")).unwrap();
    std::fs::write(d.path().join("cfg/config.toml"), "[network]\nsilence = 3\n").unwrap();
    let o = tradeterm(&["config"], d.path());
    assert_clean_error(
        &o,
        1,
        &[
            "config.toml line 2",
            "unknown key `network.silence`",
            "silence_timeout_secs",
        ],
    );
}

#[test]
fn bad_flag_values_are_usage_errors() {
    let d = tempfile::tempdir().unwrap();
    let o = tradeterm(&["--mode", "moon", "config"], d.path());
    assert_clean_error(&o, 2, &["invalid value 'moon'", "paper"]);
    let o = tradeterm(&["--fps", "0", "config"], d.path());
    assert_clean_error(&o, 1, &["--fps", "ui.fps", "expected 1 to 60"]);
    let o = tradeterm(&["--sim", "--live"], d.path());
    assert_clean_error(&o, 2, &["cannot be used with"]);
    let o = tradeterm(&["--symbol", "btc-usdt", "config"], d.path());
    assert_clean_error(
        &o,
        1,
        &[
            "symbol",
            "BTC-USDT",
            "expected an upper-case Binance symbol",
        ],
    );
}

#[test]
fn bad_environment_variable_is_named() {
    let d = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_tradeterm"))
        .arg("config")
        .env("TRADETERM_CONFIG_DIR", d.path())
        .env("TRADETERM_UI__FPS", "lots")
        .output()
        .unwrap();
    assert_clean_error(&o, 1, &["TRADETERM_UI__FPS", "expected an integer"]);
}

#[test]
fn config_command_shows_origins() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("x.toml");
    std::fs::write(&p, "[ui]\nbook_depth = 7\n").unwrap();
    let o = tradeterm(
        &["--config", p.to_str().unwrap(), "--fps", "9", "config"],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("ui.book_depth = 7   # "), "{out}");
    assert!(out.contains("x.toml"), "{out}");
    assert!(out.contains("ui.fps = 9   # flag --fps"), "{out}");
    assert!(out.contains("mode = \"paper\"   # default"), "{out}");
}

#[test]
fn default_config_is_printed_verbatim() {
    let d = tempfile::tempdir().unwrap();
    let o = tradeterm(&["config", "--default"], d.path());
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        tradeterm::config::DEFAULT_TOML
    );
}
