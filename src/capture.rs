//! Reader for the recorded Binance market-data captures in `data/`.
//!
//! Format: gzip text, one message per line, `<recorder receive time in ns>
//! <raw JSON exactly as received>`. The JSON is a combined-stream envelope,
//! except for one REST depth snapshot line (`{"lastUpdateId":...}`) that the
//! recorder wrote after the first few diffs, as a client would fetch it.
//! The simulator, the replay tests and the benchmarks share these captures.

use crate::domain::DepthSnapshot;
use crate::exchange::wire::{self, StreamEvent, WireError};
use std::io::{self, BufRead, BufReader};

/// BTCUSDT, 2024-08-08 23:54:15 UTC to midnight (depth@100ms, bookTicker,
/// trade and one snapshot).
pub const BTCUSDT_CAPTURE: &[u8] =
    include_bytes!("../data/binance_spot_ws_capture_btcusdt_2024-08-08.gz");
/// ETHUSDT over the same span.
pub const ETHUSDT_CAPTURE: &[u8] =
    include_bytes!("../data/binance_spot_ws_capture_ethusdt_2024-08-08.gz");

/// One recorded message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaptureLine {
    /// Recorder's local receive time, ns since the Unix epoch (its clock ran
    /// ~1.27 s behind the exchange's `E`).
    pub recv_ns: u64,
    /// The message text as received.
    pub json: String,
}

/// Decompresses a capture and splits it into lines. Concatenated gzip
/// members are read as one stream (recorders often append members).
pub fn lines(gz_bytes: &[u8]) -> io::Result<Vec<CaptureLine>> {
    let reader = BufReader::new(flate2::read::MultiGzDecoder::new(gz_bytes));
    let mut out = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(parse_line(&line).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("capture line {}: expected `<ns> <json>`", n + 1),
            )
        })?);
    }
    Ok(out)
}

/// Splits `<ns> <json>`; `None` when the line does not have that shape.
pub fn parse_line(line: &str) -> Option<CaptureLine> {
    let (ts, json) = line.split_once(' ')?;
    let recv_ns = ts.parse().ok()?;
    let json = json.trim();
    if !json.starts_with('{') {
        return None;
    }
    Some(CaptureLine {
        recv_ns,
        json: json.to_string(),
    })
}

/// A decoded capture line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaptureEvent {
    /// The REST depth snapshot the recorder fetched.
    Snapshot(DepthSnapshot),
    /// A market-data stream message.
    Stream(StreamEvent),
}

/// Decodes one line's JSON with the client's own decoders. The snapshot is
/// recognised by its leading key, as stream messages never start with it.
pub fn decode(json: &str) -> Result<CaptureEvent, WireError> {
    if json.trim_start().starts_with("{\"lastUpdateId\"") {
        wire::parse_depth_snapshot(json).map(CaptureEvent::Snapshot)
    } else {
        wire::parse_stream(json).map(CaptureEvent::Stream)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(parts: &[&str]) -> Vec<u8> {
        // One gzip member per part, to exercise concatenated members.
        let mut out = Vec::new();
        for p in parts {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(p.as_bytes()).unwrap();
            out.extend(e.finish().unwrap());
        }
        out
    }

    #[test]
    fn reads_lines_across_gzip_members() {
        let data = gz(&[
            "1 {\"result\":null,\"id\":1}\n\n",
            "22 {\"lastUpdateId\":5,\"bids\":[],\"asks\":[]}\n",
        ]);
        let l = lines(&data).unwrap();
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].recv_ns, 1);
        assert_eq!(l[0].json, "{\"result\":null,\"id\":1}");
        assert_eq!(
            decode(&l[0].json).unwrap(),
            CaptureEvent::Stream(StreamEvent::Response { id: Some(1) })
        );
        let CaptureEvent::Snapshot(s) = decode(&l[1].json).unwrap() else {
            panic!("not a snapshot")
        };
        assert_eq!(s.last_update_id, 5);
    }

    #[test]
    fn rejects_lines_without_a_timestamp() {
        assert!(parse_line("{\"a\":1}").is_none());
        assert!(parse_line("x {\"a\":1}").is_none());
        assert!(parse_line("1 nope").is_none());
        assert!(lines(&gz(&["garbage\n"])).is_err());
        assert!(lines(b"not gzip").is_err());
    }

    #[test]
    fn embedded_captures_are_complete() {
        // Counts of the files in data/ (checked with zcat | wc -l).
        let btc = lines(BTCUSDT_CAPTURE).unwrap();
        assert_eq!(btc.len(), 41_249);
        assert!(btc.windows(2).all(|w| w[0].recv_ns <= w[1].recv_ns));
        let snaps = btc
            .iter()
            .filter(|l| l.json.starts_with("{\"lastUpdateId\""))
            .count();
        assert_eq!(snaps, 1);
        assert_eq!(lines(ETHUSDT_CAPTURE).unwrap().len(), 33_618);
    }
}
