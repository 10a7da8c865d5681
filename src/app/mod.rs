//! The binary's edge: command-line parsing, configuration, logging and the
//! commands. Errors here are `anyhow` and end as one line on stderr.

pub mod book;
pub mod cli;
pub mod indicators;
pub mod keys_cmd;
pub mod print;
pub mod run;
pub mod run_cmd;
pub mod sim_cmd;
pub mod strategies_cmd;
pub mod ticker;
pub mod trade_account;
pub mod trade_oco;
pub mod trade_order;
pub mod trade_session;
