//! A specialised scanner for the three hot stream messages (depthUpdate,
//! bookTicker, trade/aggTrade), raw or in a combined envelope.
//!
//! Why: these are ~99% of market-data traffic, and serde's generic walk
//! (envelope, then payload, then fields) costs 2-4x a direct scan. The scan
//! is strict: it accepts only a subset of what the serde decoder accepts
//! (no escapes, no unknown keys, no duplicate keys, plain integers) and
//! returns `None` for anything else, so [`wire::parse_stream`] falls back to
//! serde, which then decodes or reports the error. On the subset it accepts
//! it must give exactly the serde result; tests compare both on every
//! capture line and fixture.
//!
//! [`wire::parse_stream`]: super::parse_stream

use super::{stream_kind, StreamEvent};
use crate::domain::{BookTicker, DepthUpdate, Millis, Side, Trade};
use crate::fixed::{Fx, ONE};

/// Decodes `text` if it is one of the shapes this scanner knows.
pub fn parse_stream(text: &str) -> Option<StreamEvent> {
    let mut c = Cur {
        s: text,
        b: text.as_bytes(),
        i: 0,
    };
    c.eat(b'{')?;
    let body = c.i;
    let ev = match c.key()? {
        b"stream" => {
            let kind = stream_kind(c.str()?);
            c.eat(b',')?;
            c.ws();
            if !c.b[c.i..].starts_with(b"\"data\"") {
                return None;
            }
            c.i += 6;
            c.eat(b':')?;
            let ev = c.payload(kind)?;
            c.eat(b'}')?;
            ev
        }
        // Raw payloads: the serde path routes on `e`, or on the bookTicker
        // shape (`u` without `U` or `e`, which the key whitelist ensures).
        b"e" => {
            let kind = c.str()?;
            c.i = body - 1;
            c.payload(kind)?
        }
        b"u" => {
            c.i = body - 1;
            c.payload("bookTicker")?
        }
        _ => return None,
    };
    c.ws();
    (c.i == c.b.len()).then_some(ev)
}

struct Cur<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Cur<'a> {
    #[inline]
    fn ws(&mut self) {
        // Locals keep the index in a register through the loops.
        let (b, mut i) = (self.b, self.i);
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = b.get(i) {
            i += 1;
        }
        self.i = i;
    }

    /// Next non-blank byte, consumed.
    #[inline]
    fn next(&mut self) -> Option<u8> {
        self.ws();
        let c = *self.b.get(self.i)?;
        self.i += 1;
        Some(c)
    }

    #[inline]
    fn eat(&mut self, want: u8) -> Option<()> {
        (self.next()? == want).then_some(())
    }

    /// Ends of an object member: `true` on `,`, `false` on `}`.
    #[inline]
    fn more(&mut self) -> Option<bool> {
        match self.next()? {
            b',' => Some(true),
            b'}' => Some(false),
            _ => None,
        }
    }

    /// A string without escapes or control characters.
    #[inline]
    fn str(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let (b, start) = (self.b, self.i);
        let mut i = start;
        loop {
            match *b.get(i)? {
                b'"' => break,
                b'\\' | 0..=0x1f => return None,
                _ => i += 1,
            }
        }
        self.i = i + 1;
        self.s.get(start..i)
    }

    #[inline]
    fn key(&mut self) -> Option<&'a [u8]> {
        let k = self.str()?.as_bytes();
        self.eat(b':')?;
        Some(k)
    }

    /// A plain JSON integer `0|[1-9][0-9]*` of at most 19 digits (always
    /// fits u64); signs, fractions and exponents go to serde.
    #[inline]
    fn u64(&mut self) -> Option<u64> {
        self.ws();
        let start = self.i;
        let mut v: u64 = 0;
        while let Some(&c) = self.b.get(self.i) {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            if self.i - start == 19 {
                return None;
            }
            v = v * 10 + d as u64;
            self.i += 1;
        }
        let n = self.i - start;
        if n == 0 || (n > 1 && self.b[start] == b'0') {
            return None;
        }
        Some(v)
    }

    #[inline]
    fn millis(&mut self) -> Option<Millis> {
        Millis::try_from(self.u64()?).ok()
    }

    fn bool(&mut self) -> Option<bool> {
        self.ws();
        let rest = &self.b[self.i..];
        if rest.starts_with(b"true") {
            self.i += 4;
            Some(true)
        } else if rest.starts_with(b"false") {
            self.i += 5;
            Some(false)
        } else {
            None
        }
    }

    /// A quoted decimal. Binance's usual `ddd.dddddddd` is read directly
    /// (8 fractional digits at once); anything else goes through
    /// [`Fx::parse_bytes`], the function serde uses, so results agree.
    #[inline]
    fn fx(&mut self) -> Option<Fx> {
        self.eat(b'"')?;
        let b = self.b;
        let start = self.i;
        let mut i = start;
        let mut int: i64 = 0;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 10 {
            int = int * 10 + (b[i] - b'0') as i64;
            i += 1;
        }
        if i > start && i < b.len() {
            if b[i] == b'"' {
                self.i = i + 1;
                return Some(Fx(int * ONE));
            }
            if b[i] == b'.' && i + 9 < b.len() && b[i + 9] == b'"' {
                if let Some(frac) = eight_digits(&b[i + 1..i + 9]) {
                    self.i = i + 10;
                    return Some(Fx(int * ONE + frac as i64));
                }
            }
        }
        self.fx_slow(start)
    }

    #[cold]
    fn fx_slow(&mut self, start: usize) -> Option<Fx> {
        self.i = start - 1;
        let s = self.str()?;
        Fx::parse_bytes(s.as_bytes()).ok()
    }

    /// `[[price, qty], ...]` with exactly two strings per level.
    fn levels(&mut self) -> Option<Vec<(Fx, Fx)>> {
        self.eat(b'[')?;
        let mut v = Vec::with_capacity(32);
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Some(v);
        }
        loop {
            self.eat(b'[')?;
            let p = self.fx()?;
            self.eat(b',')?;
            let q = self.fx()?;
            self.eat(b']')?;
            v.push((p, q));
            match self.next()? {
                b',' => {}
                b']' => return Some(v),
                _ => return None,
            }
        }
    }

    /// The payload object of the given kind.
    fn payload(&mut self, kind: &str) -> Option<StreamEvent> {
        self.eat(b'{')?;
        match kind {
            "depthUpdate" => self.depth().map(StreamEvent::Depth),
            "bookTicker" => self.book_ticker().map(StreamEvent::BookTicker),
            "trade" => self.trade(false).map(StreamEvent::Trade),
            "aggTrade" => self.trade(true).map(StreamEvent::Trade),
            _ => None,
        }
    }

    fn depth(&mut self) -> Option<DepthUpdate> {
        let mut d = DepthUpdate::default();
        let (mut symbol, mut seen) = (None, 0u32);
        loop {
            let bit = match self.key()? {
                b"e" => self.str().map(|_| 1)?,
                b"E" => self.millis().map(|v| d.event_time = v).map(|_| 2)?,
                b"s" => self.str().map(|v| symbol = Some(v)).map(|_| 4)?,
                b"U" => self.u64().map(|v| d.first_id = v).map(|_| 8)?,
                b"u" => self.u64().map(|v| d.final_id = v).map(|_| 16)?,
                b"b" => self.levels().map(|v| d.bids = v).map(|_| 32)?,
                b"a" => self.levels().map(|v| d.asks = v).map(|_| 64)?,
                _ => return None,
            };
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            if !self.more()? {
                break;
            }
        }
        if seen & (8 | 16) != 8 | 16 {
            return None;
        }
        d.symbol = symbol.unwrap_or_default().to_string();
        Some(d)
    }

    fn book_ticker(&mut self) -> Option<BookTicker> {
        let (mut symbol, mut seen) = ("", 0u32);
        let mut t = BookTicker {
            symbol: String::new(),
            update_id: 0,
            bid: Fx::ZERO,
            bid_qty: Fx::ZERO,
            ask: Fx::ZERO,
            ask_qty: Fx::ZERO,
        };
        loop {
            let bit = match self.key()? {
                b"u" => self.u64().map(|v| t.update_id = v).map(|_| 1)?,
                b"s" => self.str().map(|v| symbol = v).map(|_| 2)?,
                b"b" => self.fx().map(|v| t.bid = v).map(|_| 4)?,
                b"B" => self.fx().map(|v| t.bid_qty = v).map(|_| 8)?,
                b"a" => self.fx().map(|v| t.ask = v).map(|_| 16)?,
                b"A" => self.fx().map(|v| t.ask_qty = v).map(|_| 32)?,
                _ => return None,
            };
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            if !self.more()? {
                break;
            }
        }
        if seen != 63 {
            return None;
        }
        t.symbol = symbol.to_string();
        Some(t)
    }

    /// `trade` (id in `t`; legacy order ids `b`/`a` ignored) and `aggTrade`
    /// (id in `a`; `f`/`l` ignored), with serde's defaults for absent ids.
    fn trade(&mut self, agg: bool) -> Option<Trade> {
        let (mut symbol, mut seen) = ("", 0u32);
        let (mut t_id, mut a_id) = (0, 0);
        let mut t = Trade {
            symbol: String::new(),
            id: 0,
            price: Fx::ZERO,
            qty: Fx::ZERO,
            time: 0,
            event_time: 0,
            aggressor: Side::Buy,
        };
        loop {
            let bit = match self.key()? {
                b"e" => self.str().map(|_| 1)?,
                b"E" => self.millis().map(|v| t.event_time = v).map(|_| 2)?,
                b"s" => self.str().map(|v| symbol = v).map(|_| 4)?,
                b"t" => self.u64().map(|v| t_id = v).map(|_| 8)?,
                b"a" => self.u64().map(|v| a_id = v).map(|_| 16)?,
                b"p" => self.fx().map(|v| t.price = v).map(|_| 32)?,
                b"q" => self.fx().map(|v| t.qty = v).map(|_| 64)?,
                b"T" => self.millis().map(|v| t.time = v).map(|_| 128)?,
                b"m" => self
                    .bool()
                    .map(|m| t.aggressor = aggressor(m))
                    .map(|_| 256)?,
                b"M" => self.bool().map(|_| 512)?,
                b"b" => self.u64().map(|_| 1024)?,
                b"f" => self.u64().map(|_| 2048)?,
                b"l" => self.u64().map(|_| 4096)?,
                _ => return None,
            };
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            if !self.more()? {
                break;
            }
        }
        if seen & (4 | 32 | 64 | 256) != 4 | 32 | 64 | 256 {
            return None;
        }
        t.id = if agg { a_id } else { t_id };
        t.symbol = symbol.to_string();
        Some(t)
    }
}

/// `m` is "buyer is maker": then the taker sold.
#[inline]
fn aggressor(buyer_is_maker: bool) -> Side {
    if buyer_is_maker {
        Side::Sell
    } else {
        Side::Buy
    }
}

/// Eight ASCII digits as a number, or `None` if any byte is not a digit
/// (SWAR: all eight checked and combined in a few word operations).
#[inline]
fn eight_digits(b: &[u8]) -> Option<u64> {
    let v = u64::from_le_bytes(b.try_into().ok()?);
    let hi = v & 0xF0F0_F0F0_F0F0_F0F0;
    let over = (v.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4;
    if hi | over != 0x3333_3333_3333_3333 {
        return None;
    }
    let v = (v & 0x0F0F_0F0F_0F0F_0F0F).wrapping_mul(2561) >> 8;
    let v = (v & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601) >> 16;
    Some((v & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001) >> 32)
}

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;
