//! Account state that must survive restarts: balance snapshots (the paper
//! venue's balances persist here) and the kill-switch latch.

use super::codec::{dec, dec_text};
use super::{Journal, JournalError};
use crate::domain::Millis;
use crate::trading::account::Balance;
use rusqlite::{OptionalExtension, TransactionBehavior};

/// Trading is halted: new orders are refused until the user resumes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Halt {
    pub reason: String,
    pub since_ms: Millis,
}

impl Journal {
    /// Records balances (absolute free/locked values, e.g. from
    /// `outboundAccountPosition`, which lists only changed assets); assets
    /// not given keep their last value.
    pub fn save_balances(
        &mut self,
        balances: &[Balance],
        now_ms: Millis,
    ) -> Result<(), JournalError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO balance_snapshots (time_ms, asset, free, locked) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for b in balances {
                st.execute((now_ms, &b.asset, dec_text(b.free), dec_text(b.locked)))?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The paper account's balances: the journaled ones if any were ever
    /// saved, else `start` (the `[paper]` config), saved now in the same
    /// transaction. So config balances apply once, to a new journal.
    pub fn balances_or_seed(
        &mut self,
        start: &[Balance],
        now_ms: Millis,
    ) -> Result<Vec<Balance>, JournalError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let any: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM balance_snapshots)", [], |r| {
                r.get(0)
            })?;
        if !any {
            let mut st = tx.prepare_cached(
                "INSERT INTO balance_snapshots (time_ms, asset, free, locked) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for b in start {
                st.execute((now_ms, &b.asset, dec_text(b.free), dec_text(b.locked)))?;
            }
        }
        tx.commit()?;
        self.latest_balances()
    }

    /// The last recorded balance of every asset, by asset name.
    pub fn latest_balances(&self) -> Result<Vec<Balance>, JournalError> {
        let mut st = self.conn.prepare_cached(
            "SELECT asset, free, locked FROM balance_snapshots b
             WHERE id = (SELECT MAX(id) FROM balance_snapshots WHERE asset = b.asset)
             ORDER BY asset",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Balance {
                asset: r.get(0)?,
                free: dec(r, 1)?,
                locked: dec(r, 2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Latches the halt. Halting while halted keeps the first reason and
    /// time (the cause that matters) and returns it.
    pub fn halt(&mut self, reason: &str, now_ms: Millis) -> Result<Halt, JournalError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO halt (id, reason, since_ms) VALUES (1, ?1, ?2)",
            (reason, now_ms),
        )?;
        if inserted == 1 {
            tx.execute(
                "INSERT INTO halt_log (time_ms, event, reason) VALUES (?1, 'HALT', ?2)",
                (now_ms, reason),
            )?;
            tracing::warn!(reason, "trading halted");
        }
        let h = tx.query_row("SELECT reason, since_ms FROM halt WHERE id = 1", [], |r| {
            Ok(Halt {
                reason: r.get(0)?,
                since_ms: r.get(1)?,
            })
        })?;
        tx.commit()?;
        Ok(h)
    }

    /// Clears the halt (the user's decision); returns whether one was set.
    pub fn resume(&mut self, now_ms: Millis) -> Result<bool, JournalError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let cleared = tx.execute("DELETE FROM halt WHERE id = 1", [])? == 1;
        if cleared {
            tx.execute(
                "INSERT INTO halt_log (time_ms, event, reason) VALUES (?1, 'RESUME', 'user')",
                [now_ms],
            )?;
            tracing::warn!("trading resumed by the user");
        }
        tx.commit()?;
        Ok(cleared)
    }

    /// The latched halt, if any.
    pub fn halt_state(&self) -> Result<Option<Halt>, JournalError> {
        Ok(self
            .conn
            .query_row("SELECT reason, since_ms FROM halt WHERE id = 1", [], |r| {
                Ok(Halt {
                    reason: r.get(0)?,
                    since_ms: r.get(1)?,
                })
            })
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(asset: &str, free: &str, locked: &str) -> Balance {
        Balance {
            asset: asset.into(),
            free: free.parse().unwrap(),
            locked: locked.parse().unwrap(),
        }
    }

    #[test]
    fn partial_balance_updates_keep_other_assets() {
        let mut j = Journal::open_in_memory().unwrap();
        assert!(j.latest_balances().unwrap().is_empty());
        j.save_balances(&[b("USDT", "10000", "0"), b("BTC", "0.5", "0")], 1)
            .unwrap();
        j.save_balances(&[b("USDT", "9000.123456789", "1000")], 2)
            .unwrap();
        assert_eq!(
            j.latest_balances().unwrap(),
            vec![b("BTC", "0.5", "0"), b("USDT", "9000.123456789", "1000")]
        );
    }

    #[test]
    fn config_balances_seed_a_new_journal_once() {
        let mut j = Journal::open_in_memory().unwrap();
        let start = [b("USDT", "10000", "0")];
        assert_eq!(j.balances_or_seed(&start, 1).unwrap(), start);
        j.save_balances(&[b("USDT", "9500", "0"), b("BTC", "0.01", "0")], 2)
            .unwrap();
        let now = j.balances_or_seed(&[b("USDT", "1", "0")], 3).unwrap();
        assert_eq!(now, vec![b("BTC", "0.01", "0"), b("USDT", "9500", "0")]);
    }

    #[test]
    fn halt_latches_until_resumed() {
        let mut j = Journal::open_in_memory().unwrap();
        assert_eq!(j.halt_state().unwrap(), None);
        let h = j.halt("kill switch", 10).unwrap();
        assert_eq!(h.since_ms, 10);
        // A second cause does not overwrite the first.
        let h2 = j.halt("daily loss", 20).unwrap();
        assert_eq!(h2, h);
        assert_eq!(j.halt_state().unwrap(), Some(h));
        assert!(j.resume(30).unwrap());
        assert!(!j.resume(31).unwrap());
        assert_eq!(j.halt_state().unwrap(), None);
        let n: i64 = j
            .conn
            .query_row("SELECT COUNT(*) FROM halt_log", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2);
    }
}
