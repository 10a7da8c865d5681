//! Balances: free and locked per asset and account, reservations ("locks")
//! taken when an order is placed and released when it ends, and fees.
//!
//! Fees: the account's maker or taker rate (by default 0.1% for both,
//! Binance's standard without BNB discounts), charged in the asset received
//! (base on a buy, quote on a sell), rounded half away from zero to 8
//! decimals.

use super::types::AccountId;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// `(asset, free, locked)` of some assets.
pub type AssetBalances = Vec<(String, Decimal, Decimal)>;

/// 0.1%.
pub const FEE_RATE: Decimal = Decimal::from_parts(1, 0, 0, false, 3);

/// Default balances of an account created without explicit ones.
pub fn default_balances() -> Vec<(String, Decimal)> {
    vec![
        ("USDT".into(), Decimal::from(10_000)),
        ("BTC".into(), Decimal::ONE),
        ("ETH".into(), Decimal::from(10)),
    ]
}

/// The fee on `received` at the default rate.
pub fn fee(received: Decimal) -> Decimal {
    fee_at(received, FEE_RATE)
}

/// The fee on `received` at `rate`.
pub fn fee_at(received: Decimal, rate: Decimal) -> Decimal {
    (received * rate).round_dp_with_strategy(8, RoundingStrategy::MidpointAwayFromZero)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bal {
    pub free: Decimal,
    pub locked: Decimal,
}

/// Funds reserved for one order (or both legs of an OCO).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Lock {
    account: AccountId,
    asset: String,
    amount: Decimal,
}

/// All accounts' balances and the open reservations.
#[derive(Debug, Default)]
pub struct Ledger {
    accounts: HashMap<AccountId, BTreeMap<String, Bal>>,
    locks: HashMap<u64, Lock>,
    next_lock: u64,
    /// Assets changed since the last [`Ledger::take_changed`].
    changed: BTreeMap<AccountId, BTreeSet<String>>,
}

impl Ledger {
    pub fn open(&mut self, account: AccountId, balances: &[(String, Decimal)]) {
        let m = self.accounts.entry(account).or_default();
        for (a, v) in balances {
            m.entry(a.clone()).or_default().free += *v;
        }
    }

    pub fn has_account(&self, account: AccountId) -> bool {
        self.accounts.contains_key(&account)
    }

    pub fn balance(&self, account: AccountId, asset: &str) -> Bal {
        self.accounts
            .get(&account)
            .and_then(|m| m.get(asset))
            .copied()
            .unwrap_or_default()
    }

    /// Every asset of the account, by name.
    pub fn balances(&self, account: AccountId) -> Vec<(String, Bal)> {
        self.accounts
            .get(&account)
            .map(|m| m.iter().map(|(a, b)| (a.clone(), *b)).collect())
            .unwrap_or_default()
    }

    fn bal_mut(&mut self, account: AccountId, asset: &str) -> &mut Bal {
        self.changed
            .entry(account)
            .or_default()
            .insert(asset.to_string());
        self.accounts
            .entry(account)
            .or_default()
            .entry(asset.to_string())
            .or_default()
    }

    /// Moves `amount` from free to locked; `None` if free is short.
    pub fn lock(&mut self, account: AccountId, asset: &str, amount: Decimal) -> Option<u64> {
        if self.balance(account, asset).free < amount {
            return None;
        }
        let b = self.bal_mut(account, asset);
        b.free -= amount;
        b.locked += amount;
        self.next_lock += 1;
        self.locks.insert(
            self.next_lock,
            Lock {
                account,
                asset: asset.to_string(),
                amount,
            },
        );
        Some(self.next_lock)
    }

    /// Spends `amount` of a reservation (a fill paid from locked funds).
    pub fn spend_locked(&mut self, lock: u64, amount: Decimal) {
        let Some(l) = self.locks.get_mut(&lock) else {
            return;
        };
        let amount = amount.min(l.amount);
        l.amount -= amount;
        let (account, asset) = (l.account, l.asset.clone());
        self.bal_mut(account, &asset).locked -= amount;
    }

    /// Returns what is left of a reservation to free.
    pub fn release(&mut self, lock: u64) {
        if let Some(l) = self.locks.remove(&lock) {
            let b = self.bal_mut(l.account, &l.asset);
            b.locked -= l.amount;
            b.free += l.amount;
        }
    }

    /// Spends from free (market orders reserve nothing); false if short.
    pub fn spend_free(&mut self, account: AccountId, asset: &str, amount: Decimal) -> bool {
        if self.balance(account, asset).free < amount {
            return false;
        }
        self.bal_mut(account, asset).free -= amount;
        true
    }

    pub fn credit(&mut self, account: AccountId, asset: &str, amount: Decimal) {
        self.bal_mut(account, asset).free += amount;
    }

    /// `(account, [(asset, free, locked)])` for every account whose
    /// balances changed since the last call.
    pub fn take_changed(&mut self) -> Vec<(AccountId, AssetBalances)> {
        let changed = std::mem::take(&mut self.changed);
        changed
            .into_iter()
            .map(|(acct, assets)| {
                let v = assets
                    .into_iter()
                    .map(|a| {
                        let b = self.balance(acct, &a);
                        (a, b.free, b.locked)
                    })
                    .collect();
                (acct, v)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn locks_spend_and_release() {
        let mut l = Ledger::default();
        l.open(1, &default_balances());
        assert!(l.lock(1, "USDT", d("20000")).is_none());
        let id = l.lock(1, "USDT", d("600")).unwrap();
        assert_eq!(
            l.balance(1, "USDT"),
            Bal {
                free: d("9400"),
                locked: d("600")
            }
        );
        l.spend_locked(id, d("250"));
        l.release(id);
        assert_eq!(
            l.balance(1, "USDT"),
            Bal {
                free: d("9750"),
                locked: d("0")
            }
        );
        let changed = l.take_changed();
        assert_eq!(changed, vec![(1, vec![("USDT".into(), d("9750"), d("0"))])]);
        assert!(l.take_changed().is_empty());
    }

    #[test]
    fn fees_are_a_tenth_of_a_percent_rounded_to_8_places() {
        assert_eq!(fee(d("0.01")), d("0.00001"));
        assert_eq!(fee(d("600.123456")), d("0.60012346"));
        assert_eq!(fee(d("0.000005")), d("0.00000001"));
    }
}
