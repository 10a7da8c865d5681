//! `tradeterm indicators --data FILE`: indicator values per kline, for
//! scripting and for checking against other tools.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;
use tradeterm::indicators::{IndicatorSpec, Runner, DEFAULT_SPEC};

pub fn run(data: &Path, ind: Option<&str>, json: bool) -> Result<()> {
    let specs = IndicatorSpec::parse_list(ind.unwrap_or(DEFAULT_SPEC))?;
    anyhow::ensure!(
        !specs.is_empty(),
        "--ind lists no indicator (expected e.g. {DEFAULT_SPEC})"
    );
    let rows = tradeterm::klines_csv::read(data)?;
    let cols: Vec<String> = specs.iter().flat_map(|s| s.columns()).collect();
    let mut runner = Runner::new(&specs);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if !json {
        writeln!(out, "time,close,{}", cols.join(","))?;
    }
    for r in &rows {
        let vals = runner.update(&r.bar);
        let time = chrono::DateTime::from_timestamp_millis(r.bar.time)
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default();
        let res = if json {
            let mut m = serde_json::Map::new();
            m.insert("time".into(), time.into());
            m.insert("close".into(), r.close_text.clone().into());
            for (c, v) in cols.iter().zip(&vals) {
                m.insert(
                    c.clone(),
                    v.map(serde_json::Value::from)
                        .unwrap_or(serde_json::Value::Null),
                );
            }
            writeln!(out, "{}", serde_json::Value::Object(m))
        } else {
            let vs: Vec<String> = vals
                .iter()
                .map(|v| v.map(|x| x.to_string()).unwrap_or_default())
                .collect();
            writeln!(out, "{time},{},{}", r.close_text, vs.join(","))
        };
        // A closed pipe (`| head`) ends the output quietly.
        if let Err(e) = res {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(());
            }
            return Err(e).context("writing output");
        }
    }
    out.flush().ok();
    Ok(())
}
