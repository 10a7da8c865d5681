#!/usr/bin/env python3
"""Reference indicator values for tradeterm's tests, computed by established
libraries on the real klines in data/:

  SMA, EMA, RSI, MACD, Bollinger Bands, ATR  -> TA-Lib (the `TA-Lib` PyPI wheel, C library inside)
  rolling VWAP(14)                           -> `ta` (bukosabino/ta, VolumeWeightedAveragePrice)
  session VWAP (UTC day)                     -> pandas group-wise cumulative sums

Run from the repository root (needs Python 3.11 and network access to PyPI once):

  pip install TA-Lib==0.8.2 ta==0.11.0 pandas numpy
  python3 scripts/indicator_reference.py

It writes tests/data/indicators_ref_<name>.csv.gz: every row of the first 2000 klines, then every 25th,
so the committed files stay small while covering the whole series. Values are written with 17 significant
digits (exact float round trip). The Rust test `tests/indicators_reference.rs` compares tradeterm's values
with these to 1e-9 relative; the Rust tests never need Python.
"""
import gzip
import io
import sys

import numpy as np
import pandas as pd
import talib
import ta

FILES = {
    "btcusdt_1h": "data/BTCUSDT_spot_1h_2022-01-01_2025-12-02.csv.gz",
    "btcusdt_1m": "data/BTCUSDT_spot_1m_2024-12-01_2024-12-30_CET.csv.gz",
}
FULL_ROWS = 2000
STRIDE = 25


def load(path):
    df = pd.read_csv(path)
    if "timestamp" in df.columns:
        t = pd.to_datetime(df["timestamp"], utc=True)
    else:
        close = pd.to_datetime(df["close_datetime"], utc=True)
        interval = close.diff().median()
        t = close + pd.Timedelta(milliseconds=1) - interval
    df["time"] = t
    return df


def compute(df):
    c = df["close"].to_numpy(dtype=float)
    h = df["high"].to_numpy(dtype=float)
    l = df["low"].to_numpy(dtype=float)
    v = df["volume"].to_numpy(dtype=float)
    out = pd.DataFrame({"time": df["time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"), "close": df["close"]})
    out["sma_20"] = talib.SMA(c, 20)
    out["ema_20"] = talib.EMA(c, 20)
    out["rsi_14"] = talib.RSI(c, 14)
    m, s, hist = talib.MACD(c, 12, 26, 9)
    out["macd_12_26_9"], out["macd_signal_12_26_9"], out["macd_hist_12_26_9"] = m, s, hist
    up, mid, lo = talib.BBANDS(c, 20, 2.0, 2.0, 0)
    out["bb_mid_20_2"], out["bb_upper_20_2"], out["bb_lower_20_2"] = mid, up, lo
    out["atr_14"] = talib.ATR(h, l, c, 14)
    out["vwap_14"] = ta.volume.VolumeWeightedAveragePrice(
        df["high"], df["low"], df["close"], df["volume"], window=14
    ).volume_weighted_average_price().to_numpy()
    tp = (h + l + c) / 3.0
    day = df["time"].dt.floor("D")
    pv = pd.Series(tp * v).groupby(day.values).cumsum().to_numpy()
    vv = pd.Series(v).groupby(day.values).cumsum().to_numpy()
    out["vwap_session"] = pv / vv
    return out


def main():
    for name, path in FILES.items():
        df = load(path)
        out = compute(df)
        keep = [i for i in range(len(out)) if i < FULL_ROWS or i % STRIDE == 0]
        out = out.iloc[keep].copy()
        out.insert(0, "index", keep)
        buf = io.StringIO()
        out.to_csv(buf, index=False, float_format="%.17g", na_rep="")
        dest = f"tests/data/indicators_ref_{name}.csv.gz"
        with gzip.GzipFile(dest, "wb", mtime=0) as f:
            f.write(buf.getvalue().encode())
        print(f"{dest}: {len(out)} rows from {len(df)} klines", file=sys.stderr)


if __name__ == "__main__":
    main()
