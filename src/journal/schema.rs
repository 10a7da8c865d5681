//! Versioned migrations. Each migration runs in its own transaction with
//! the row that records it in `schema_version`, so a crash mid-upgrade
//! leaves the previous version intact. Migrations are append-only: never
//! edit a released one, add the next number.
//!
//! Round trips have no table: they are derived from `fills` by
//! `portfolio`, because fills recovered late over REST (after a
//! disconnect) can land before already-closed trips and a stored copy
//! would go stale.

use super::JournalError;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

/// `(version, what it adds, SQL)`.
const MIGRATIONS: &[(u32, &str, &str)] = &[
    (1, "intents, orders, fills, balances, halt", V1),
    (2, "strategy instances", V2),
];

/// The schema version this build writes.
pub const LATEST: u32 = 2;

const V2: &str = "
-- One row per strategy instance; its orders carry the tag s<id>.
CREATE TABLE strategies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    symbol      TEXT NOT NULL,
    interval    TEXT NOT NULL,
    params      TEXT NOT NULL,
    -- Running when the session ended (resumed only when configured).
    running     INTEGER NOT NULL CHECK (running IN (0, 1)),
    note        TEXT,
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL
) STRICT;
";

const V1: &str = "
CREATE TABLE intents (
    client_order_id TEXT PRIMARY KEY,
    symbol      TEXT NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    kind        TEXT NOT NULL,
    tif         TEXT,
    price       TEXT,
    stop_price  TEXT,
    qty         TEXT,
    quote_qty   TEXT,
    tag         TEXT NOT NULL,
    created_ms  INTEGER NOT NULL,
    -- Set just before the request leaves; NULL = never sent.
    sent_ms     INTEGER
) STRICT;

-- Our orders carry intent_id = client_order_id (the foreign key makes an
-- order without its intent impossible); orders adopted from the exchange
-- (placed elsewhere) have intent_id NULL.
CREATE TABLE orders (
    client_order_id TEXT PRIMARY KEY,
    intent_id   TEXT REFERENCES intents (client_order_id)
                CHECK (intent_id IS NULL OR intent_id = client_order_id),
    exchange_id INTEGER,
    symbol      TEXT NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    kind        TEXT NOT NULL,
    tif         TEXT,
    price       TEXT,
    stop_price  TEXT,
    qty         TEXT,
    quote_qty   TEXT,
    status      TEXT NOT NULL,
    executed_qty TEXT NOT NULL,
    cum_quote   TEXT NOT NULL,
    -- Why it was rejected or how an unknown outcome was resolved.
    note        TEXT,
    updated_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX orders_status ON orders (status);
CREATE INDEX orders_symbol_time ON orders (symbol, updated_ms);

CREATE TABLE fills (
    id          INTEGER PRIMARY KEY,
    symbol      TEXT NOT NULL,
    trade_id    INTEGER NOT NULL,
    order_id    INTEGER NOT NULL,
    client_order_id TEXT NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    price       TEXT NOT NULL,
    qty         TEXT NOT NULL,
    quote_qty   TEXT NOT NULL,
    commission  TEXT NOT NULL,
    commission_asset TEXT NOT NULL,
    is_maker    INTEGER NOT NULL,
    time_ms     INTEGER NOT NULL,
    UNIQUE (symbol, trade_id)
) STRICT;
CREATE INDEX fills_order ON fills (client_order_id);
CREATE INDEX fills_symbol_time ON fills (symbol, time_ms);

-- Append-only; the latest row per asset is its balance.
CREATE TABLE balance_snapshots (
    id          INTEGER PRIMARY KEY,
    time_ms     INTEGER NOT NULL,
    asset       TEXT NOT NULL,
    free        TEXT NOT NULL,
    locked      TEXT NOT NULL
) STRICT;
CREATE INDEX balance_asset ON balance_snapshots (asset, id);

-- The kill-switch latch: at most one row, present while halted.
CREATE TABLE halt (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    reason      TEXT NOT NULL,
    since_ms    INTEGER NOT NULL
) STRICT;
CREATE TABLE halt_log (
    id          INTEGER PRIMARY KEY,
    time_ms     INTEGER NOT NULL,
    event       TEXT NOT NULL CHECK (event IN ('HALT', 'RESUME')),
    reason      TEXT NOT NULL
) STRICT;
";

/// Brings the schema to [`LATEST`]; returns the version found before.
pub(super) fn migrate(conn: &mut Connection, now_ms: i64) -> Result<u32, JournalError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_ms INTEGER NOT NULL
        ) STRICT",
    )?;
    let found = current(conn)?;
    if found > LATEST {
        return Err(JournalError::TooNew {
            path: conn.path().unwrap_or_default().into(),
            found,
            known: LATEST,
        });
    }
    for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version, name, applied_ms) VALUES (?1, ?2, ?3)",
            (version, name, now_ms),
        )?;
        tx.commit()?;
        tracing::info!(version, name, "journal migrated");
    }
    Ok(found)
}

/// The version recorded in the database (0 = empty).
pub(super) fn current(conn: &Connection) -> Result<u32, JournalError> {
    Ok(conn
        .query_row("SELECT MAX(version) FROM schema_version", [], |r| {
            r.get::<_, Option<u32>>(0)
        })
        .optional()?
        .flatten()
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_and_latest_matches() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.0 as usize, i + 1);
        }
        assert_eq!(MIGRATIONS.last().unwrap().0, LATEST);
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut c = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut c, 1).unwrap(), 0);
        assert_eq!(migrate(&mut c, 2).unwrap(), LATEST);
        let n: i64 = c
            .query_row("SELECT COUNT(*) FROM schema_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, LATEST as i64);
    }
}
