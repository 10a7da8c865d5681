//! A small HTTP/1.1 server: request line, headers, Content-Length bodies,
//! keep-alive, and the WebSocket upgrade (the 101 is written here, then the
//! socket is handed to tokio-tungstenite without a second handshake). Hand
//! rolled to keep the dependency tree lean; it only has to understand what
//! Binance clients send.

use super::driver::Shared;
use super::trading::{self, Trading};
use super::{json, rest, streams};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::WebSocketStream;

const MAX_HEAD: usize = 16 * 1024;
const MAX_BODY: usize = 1024 * 1024;

/// A parsed request.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    pub http11: bool,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Decoded query parameters in order.
    pub fn params(&self) -> Vec<(String, String)> {
        parse_query(&self.query)
    }

    /// The first value of a query parameter.
    pub fn param(&self, name: &str) -> Option<String> {
        self.params()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    fn keep_alive(&self) -> bool {
        let conn = self.header("connection").map(str::to_ascii_lowercase);
        match conn.as_deref() {
            Some(c) if c.contains("close") => false,
            Some(c) if c.contains("keep-alive") => true,
            _ => self.http11,
        }
    }

    fn is_websocket(&self) -> bool {
        self.header("upgrade")
            .is_some_and(|u| u.eq_ignore_ascii_case("websocket"))
    }
}

/// `a=1&b=%5B%22X%22%5D` -> pairs, percent- and `+`-decoded.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

pub fn percent_decode(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A response to write.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
}

impl Response {
    pub fn json(status: u16, body: String) -> Self {
        Response {
            status,
            body,
            headers: Vec::new(),
        }
    }

    /// Binance's `{"code":..,"msg":..}` error body.
    pub fn error(status: u16, code: i64, msg: &str) -> Self {
        Response::json(status, json::error(code, msg))
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        418 => "I'm a teapot",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// Reads one request; `Ok(None)` on a clean close between requests.
async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<Request>> {
    let end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        if buf.len() > MAX_HEAD {
            return Err(std::io::Error::other("request head too large"));
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(std::io::ErrorKind::UnexpectedEof.into())
            };
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    buf.drain(..end + 4);
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let (method, target, version) = (first.next(), first.next(), first.next());
    let (Some(method), Some(target), Some(version)) = (method, target, version) else {
        return Err(std::io::Error::other("bad request line"));
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut req = Request {
        method: method.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        http11: version == "HTTP/1.1",
        headers,
        body: Vec::new(),
    };
    let len: usize = req
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if len > MAX_BODY {
        return Err(std::io::Error::other("request body too large"));
    }
    while buf.len() < len {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    req.body = buf.drain(..len).collect();
    Ok(Some(req))
}

async fn write_response(
    stream: &mut TcpStream,
    resp: &Response,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {}\r\n",
        resp.status,
        reason(resp.status),
        resp.body.len()
    );
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let mut out = head.into_bytes();
    out.extend_from_slice(resp.body.as_bytes());
    stream.write_all(&out).await
}

/// The accept loop.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>, trading: Arc<Trading>) {
    let mut stop = shared.stop.clone();
    loop {
        tokio::select! {
            r = listener.accept() => match r {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection(stream, shared.clone(), trading.clone()));
                }
                Err(e) => tracing::warn!(error = %e, "sim accept failed"),
            },
            _ = stop.changed() => break,
        }
    }
}

async fn connection(mut stream: TcpStream, shared: Arc<Shared>, trading: Arc<Trading>) {
    let mut buf = Vec::new();
    let mut stop = shared.stop.clone();
    loop {
        let req = tokio::select! {
            r = read_request(&mut stream, &mut buf) => r,
            _ = stop.changed() => return,
        };
        let req = match req {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(e) => {
                tracing::debug!(error = %e, "sim http read");
                let resp = Response::error(400, -1000, "Malformed HTTP request.");
                let _ = write_response(&mut stream, &resp, false).await;
                return;
            }
        };
        if req.is_websocket() {
            upgrade(stream, req, std::mem::take(&mut buf), shared, trading).await;
            return;
        }
        let keep = req.keep_alive();
        let resp = if trading::rest::owns(&req.path) {
            match trading::rest::handle(&req, &shared, &trading).await {
                trading::rest::Outcome::Reply(r) => r,
                // The order was applied; the answer is lost with the socket.
                trading::rest::Outcome::Drop => return,
            }
        } else {
            rest::handle(&req, &shared).await
        };
        if write_response(&mut stream, &resp, keep).await.is_err() || !keep {
            return;
        }
    }
}

async fn upgrade(
    mut stream: TcpStream,
    req: Request,
    leftover: Vec<u8>,
    shared: Arc<Shared>,
    trading: Arc<Trading>,
) {
    if req.path == "/ws-api/v3" {
        let Some(accept) = accept_key(&req) else {
            let resp = Response::error(400, -1000, "Bad WebSocket handshake.");
            let _ = write_response(&mut stream, &resp, false).await;
            return;
        };
        if stream
            .write_all(switching(&accept).as_bytes())
            .await
            .is_ok()
        {
            let ws =
                WebSocketStream::from_partially_read(stream, leftover, Role::Server, None).await;
            trading::wsapi::serve(ws, shared, trading).await;
        }
        return;
    }
    let Some(spec) = streams::StreamPath::parse(&req.path, &req.params()) else {
        let resp = Response::error(404, -1000, "Unknown stream path.");
        let _ = write_response(&mut stream, &resp, false).await;
        return;
    };
    let key = req.header("sec-websocket-key");
    let version_ok = req.header("sec-websocket-version") == Some("13");
    let (Some(key), true) = (key, version_ok) else {
        let resp = Response::error(400, -1000, "Bad WebSocket handshake.");
        let _ = write_response(&mut stream, &resp, false).await;
        return;
    };
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    // Register before answering so faults aimed at "open connections" reach
    // a client as soon as its handshake completes.
    let conn = streams::Conn::open(&shared, spec);
    let head = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    if stream.write_all(head.as_bytes()).await.is_err() {
        conn.close(&shared);
        return;
    }
    let ws = WebSocketStream::from_partially_read(stream, leftover, Role::Server, None).await;
    conn.run(ws, &shared).await;
}

/// `Sec-WebSocket-Accept` for a valid version-13 handshake.
fn accept_key(req: &Request) -> Option<String> {
    let key = req.header("sec-websocket-key")?;
    (req.header("sec-websocket-version") == Some("13"))
        .then(|| tungstenite::handshake::derive_accept_key(key.as_bytes()))
}

fn switching(accept: &str) -> String {
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_binance_style_queries() {
        let q =
            parse_query("symbols=%5B%22BTCUSDT%22,%22ETHUSDT%22%5D&limit=5&x=a+b&bad=%zz&empty");
        assert_eq!(q[0], ("symbols".into(), r#"["BTCUSDT","ETHUSDT"]"#.into()));
        assert_eq!(q[1], ("limit".into(), "5".into()));
        assert_eq!(q[2].1, "a b");
        assert_eq!(q[3].1, "%zz");
        assert_eq!(q[4], ("empty".into(), String::new()));
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
    }
}
