//! The paper account's balances: free and locked per asset.
//!
//! Amounts only move through these methods, each of which keeps both parts
//! non-negative: a lock needs the free amount (else Binance's -2010
//! insufficient-balance reject), and spending or unlocking more than is
//! locked is an internal bug, logged and clamped rather than letting a
//! balance go negative.

use super::PaperReject;
use crate::domain::Millis;
use crate::trading::account::{AccountEvent, Balance};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Free and locked amounts of one asset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funds {
    pub free: Decimal,
    pub locked: Decimal,
}

/// All balances, plus the assets changed since the last
/// [`Ledger::take_changes`] (for `outboundAccountPosition`-style events).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    assets: BTreeMap<String, Funds>,
    #[serde(skip)]
    touched: BTreeSet<String>,
}

impl Ledger {
    /// Starting balances (from config); repeated assets add up.
    pub fn from_balances(balances: &[Balance]) -> Ledger {
        let mut l = Ledger::default();
        for b in balances {
            let f = l.assets.entry(b.asset.clone()).or_default();
            f.free = (f.free + b.free.max(Decimal::ZERO)).normalize();
            f.locked = (f.locked + b.locked.max(Decimal::ZERO)).normalize();
        }
        l
    }

    pub fn get(&self, asset: &str) -> Funds {
        self.assets.get(asset).copied().unwrap_or_default()
    }

    fn entry(&mut self, asset: &str) -> &mut Funds {
        self.touched.insert(asset.to_string());
        self.assets.entry(asset.to_string()).or_default()
    }

    /// Whether `amount` of `asset` could be locked now.
    pub fn can_lock(&self, asset: &str, amount: Decimal) -> bool {
        amount <= self.get(asset).free
    }

    /// Moves `amount` from free to locked, or refuses as Binance does.
    pub fn lock(&mut self, asset: &str, amount: Decimal) -> Result<(), PaperReject> {
        if !self.can_lock(asset, amount) {
            return Err(PaperReject::insufficient_balance());
        }
        if amount.is_zero() {
            return Ok(());
        }
        let f = self.entry(asset);
        f.free = (f.free - amount).normalize();
        f.locked = (f.locked + amount).normalize();
        Ok(())
    }

    /// Moves `amount` from locked back to free.
    pub fn unlock(&mut self, asset: &str, amount: Decimal) {
        if amount.is_zero() {
            return;
        }
        let amount = self.clamp_locked(asset, amount, "unlock");
        let f = self.entry(asset);
        f.locked = (f.locked - amount).normalize();
        f.free = (f.free + amount).normalize();
    }

    /// Removes `amount` from locked (paid away in a fill).
    pub fn spend_locked(&mut self, asset: &str, amount: Decimal) {
        if amount.is_zero() {
            return;
        }
        let amount = self.clamp_locked(asset, amount, "spend");
        let f = self.entry(asset);
        f.locked = (f.locked - amount).normalize();
    }

    /// Adds `amount` to free (received in a fill, net of commission).
    pub fn credit(&mut self, asset: &str, amount: Decimal) {
        if amount <= Decimal::ZERO {
            return;
        }
        let f = self.entry(asset);
        f.free = (f.free + amount).normalize();
    }

    fn clamp_locked(&self, asset: &str, amount: Decimal, what: &str) -> Decimal {
        let locked = self.get(asset).locked;
        if amount > locked {
            tracing::error!(asset, %amount, %locked, what, "paper ledger: more than locked");
            locked
        } else {
            amount
        }
    }

    /// Every asset with a non-zero balance, by asset name.
    pub fn balances(&self) -> Vec<Balance> {
        self.assets
            .iter()
            .filter(|(_, f)| !f.free.is_zero() || !f.locked.is_zero())
            .map(|(a, f)| balance(a, f))
            .collect()
    }

    /// The absolute balances of the assets changed since the last call.
    pub fn take_changes(&mut self, time: Millis) -> Option<AccountEvent> {
        if self.touched.is_empty() {
            return None;
        }
        let touched = std::mem::take(&mut self.touched);
        let balances = touched.iter().map(|a| balance(a, &self.get(a))).collect();
        Some(AccountEvent::Balances { time, balances })
    }
}

fn balance(asset: &str, f: &Funds) -> Balance {
    Balance {
        asset: asset.to_string(),
        free: f.free,
        locked: f.locked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn ledger() -> Ledger {
        Ledger::from_balances(&[Balance {
            asset: "USDT".into(),
            free: d("100"),
            locked: d("0"),
        }])
    }

    #[test]
    fn locks_need_free_funds() {
        let mut l = ledger();
        assert_eq!(
            l.lock("USDT", d("100.01")).unwrap_err(),
            PaperReject::insufficient_balance()
        );
        assert_eq!(l.take_changes(1), None, "a refused lock changes nothing");
        l.lock("USDT", d("60")).unwrap();
        assert_eq!(
            l.get("USDT"),
            Funds {
                free: d("40"),
                locked: d("60")
            }
        );
        l.spend_locked("USDT", d("30"));
        l.unlock("USDT", d("10"));
        l.credit("BTC", d("0.001"));
        assert_eq!(l.get("USDT").free, d("50"));
        assert_eq!(l.get("USDT").locked, d("20"));
        let Some(AccountEvent::Balances { balances, time }) = l.take_changes(7) else {
            panic!("changes expected")
        };
        assert_eq!(time, 7);
        let names: Vec<_> = balances.iter().map(|b| b.asset.as_str()).collect();
        assert_eq!(names, ["BTC", "USDT"]);
        assert_eq!(l.take_changes(8), None);
    }

    #[test]
    fn never_goes_negative() {
        let mut l = ledger();
        l.lock("USDT", d("10")).unwrap();
        l.spend_locked("USDT", d("11"));
        assert_eq!(l.get("USDT").locked, d("0"));
        l.unlock("USDT", d("5"));
        assert_eq!(l.get("USDT").free, d("90"));
        l.credit("USDT", d("-3"));
        assert_eq!(l.get("USDT").free, d("90"));
    }
}
