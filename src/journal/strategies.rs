//! Strategy instances: what the user created (catalog name, symbol,
//! interval, parameters) and whether each was running, so a restart lists
//! them again.

use super::{Journal, JournalError};
use crate::domain::Millis;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrategyRecord {
    pub id: u64,
    pub name: String,
    pub symbol: String,
    /// Binance interval name ("1m").
    pub interval: String,
    /// `k=v` pairs.
    pub params: String,
    pub running: bool,
    /// Why it last stopped, if it did.
    pub note: Option<String>,
    pub created_ms: Millis,
    pub updated_ms: Millis,
}

impl Journal {
    /// Every instance, by id.
    pub fn strategies(&self) -> Result<Vec<StrategyRecord>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, symbol, interval, params, running, note, created_ms, updated_ms
             FROM strategies ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(StrategyRecord {
                id: r.get::<_, i64>(0)? as u64,
                name: r.get(1)?,
                symbol: r.get(2)?,
                interval: r.get(3)?,
                params: r.get(4)?,
                running: r.get::<_, i64>(5)? == 1,
                note: r.get(6)?,
                created_ms: r.get(7)?,
                updated_ms: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Inserts or replaces one instance (by id).
    pub fn save_strategy(&mut self, s: &StrategyRecord) -> Result<(), JournalError> {
        self.conn.execute(
            "INSERT INTO strategies (id, name, symbol, interval, params, running, note, created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (id) DO UPDATE SET name = ?2, symbol = ?3, interval = ?4, params = ?5,
                 running = ?6, note = ?7, updated_ms = ?9",
            rusqlite::params![
                s.id as i64,
                s.name,
                s.symbol,
                s.interval,
                s.params,
                s.running as i64,
                s.note,
                s.created_ms,
                s.updated_ms
            ],
        )?;
        Ok(())
    }

    pub fn delete_strategy(&mut self, id: u64) -> Result<(), JournalError> {
        self.conn
            .execute("DELETE FROM strategies WHERE id = ?1", [id as i64])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_are_saved_updated_and_deleted() {
        let mut j = Journal::open_in_memory().unwrap();
        let mut r = StrategyRecord {
            id: 1,
            name: "swing".into(),
            symbol: "BTCUSDT".into(),
            interval: "1m".into(),
            params: "fast=12 slow=26".into(),
            running: true,
            note: None,
            created_ms: 5,
            updated_ms: 5,
        };
        j.save_strategy(&r).unwrap();
        r.params = "fast=10 slow=26".into();
        r.running = false;
        r.note = Some("stopped by the user".into());
        r.updated_ms = 9;
        j.save_strategy(&r).unwrap();
        assert_eq!(j.strategies().unwrap(), vec![r]);
        j.delete_strategy(1).unwrap();
        assert!(j.strategies().unwrap().is_empty());
    }
}
