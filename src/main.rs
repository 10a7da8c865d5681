//! `tradeterm`: parses the command line and runs the chosen command.
//! Every failure ends as a one-line message on stderr and exit code 1
//! (2 for usage errors, as clap does).

mod app;

use app::cli::{Cli, Cmd};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tradeterm: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let g = cli.global.clone();
    let res = rt.block_on(async move {
        match cli.command {
            None => app::run::tui(&g).await,
            Some(Cmd::Book {
                symbol,
                depth,
                json,
                duration,
                timeout,
            }) => {
                app::book::run(
                    &g,
                    app::book::BookArgs {
                        symbol,
                        depth,
                        json,
                        duration,
                        timeout,
                    },
                )
                .await
            }
            Some(Cmd::Ticker { symbol, json }) => app::ticker::run(&g, &symbol, json).await,
            Some(Cmd::Sim {
                port,
                seed,
                speed,
                faults,
            }) => {
                app::sim_cmd::run(
                    &g,
                    app::sim_cmd::SimArgs {
                        port,
                        seed,
                        speed,
                        faults,
                    },
                )
                .await
            }
            Some(Cmd::Order {
                side,
                symbol,
                qty,
                limit,
                quote_qty,
                kind,
                tif,
                stop,
                yes,
                json,
                timeout,
            }) => {
                app::trade_order::order(
                    &g,
                    app::trade_order::OrderArgs {
                        side,
                        symbol,
                        qty,
                        limit,
                        quote_qty,
                        kind,
                        tif,
                        stop,
                        yes,
                        json,
                        timeout,
                    },
                )
                .await
            }
            Some(Cmd::Oco {
                side,
                symbol,
                qty,
                limit,
                stop,
                stop_limit,
                yes,
                json,
                timeout,
            }) => {
                app::trade_oco::oco(
                    &g,
                    app::trade_oco::OcoArgs {
                        side,
                        symbol,
                        qty,
                        limit,
                        stop,
                        stop_limit,
                        yes,
                        json,
                        timeout,
                    },
                )
                .await
            }
            Some(Cmd::Orders {
                open,
                json,
                timeout,
            }) => app::trade_account::orders(&g, open, json, timeout).await,
            Some(Cmd::Cancel {
                symbol,
                order_id,
                all,
                yes,
                json,
                timeout,
            }) => {
                app::trade_order::cancel(
                    &g,
                    app::trade_order::CancelArgs {
                        symbol,
                        order_id,
                        all,
                        yes,
                        json,
                        timeout,
                    },
                )
                .await
            }
            Some(Cmd::Balance { json, timeout }) => {
                app::trade_account::balance(&g, json, timeout).await
            }
            Some(Cmd::Halt { reason, timeout }) => {
                app::trade_account::halt(&g, reason, timeout).await
            }
            Some(Cmd::Resume { timeout }) => app::trade_account::resume(&g, timeout).await,
            Some(Cmd::Run {
                strategy,
                params,
                interval,
                yes,
                timeout,
            }) => {
                app::run_cmd::run(
                    &g,
                    app::run_cmd::RunArgs {
                        strategy,
                        params,
                        interval,
                        yes,
                        timeout,
                    },
                )
                .await
            }
            Some(Cmd::Strategies { markdown }) => {
                app::strategies_cmd::run(markdown);
                Ok(())
            }
            Some(Cmd::Config { default }) => config_cmd(&g, default),
            Some(Cmd::Indicators {
                data, ind, json, ..
            }) => app::indicators::run(&data, ind.as_deref(), json),
            Some(Cmd::Keys {
                cmd: app::cli::KeysCmd::Check { mode },
            }) => app::keys_cmd::check(&g, mode).await,
        }
    });
    // Background tasks (connections) must not keep the process alive.
    rt.shutdown_timeout(std::time::Duration::from_millis(500));
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tradeterm: {}", one_line(&e));
            match e.downcast_ref::<app::trade_session::Exit>() {
                Some(x) => ExitCode::from(x.code),
                None => ExitCode::FAILURE,
            }
        }
    }
}

/// The error and its causes on one line.
fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in e.chain() {
        let s = c.to_string().replace('\n', " ");
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ")
}

fn config_cmd(g: &app::cli::GlobalOpts, default: bool) -> anyhow::Result<()> {
    if default {
        print!("{}", tradeterm::config::DEFAULT_TOML);
        return Ok(());
    }
    let layers = app::run::load_config(g, None)?;
    if let Some(p) = tradeterm::config::paths::user_config_file() {
        println!("# user config file: {}", p.display());
    }
    if let Some(p) = app::run::log_path(&layers.config) {
        println!("# log file: {}", p.display());
    }
    print!("{}", layers.describe());
    Ok(())
}
