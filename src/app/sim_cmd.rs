//! `tradeterm sim`: the simulator as a standalone server.

use super::cli::GlobalOpts;
use super::run::{init_logging, load_config};
use anyhow::{Context, Result};
use tradeterm::sim;

pub struct SimArgs {
    pub port: Option<u16>,
    pub seed: Option<u64>,
    pub speed: Option<f64>,
    pub faults: Option<String>,
}

pub async fn run(g: &GlobalOpts, a: SimArgs) -> Result<()> {
    let layers = load_config(g, None)?;
    let c = layers.config;
    let _logs = init_logging(&c, g.verbose, true);
    let mut cfg = sim::SimConfig::from_cfg(&c.sim);
    if let Some(p) = a.port {
        cfg.port = p;
    }
    if let Some(s) = a.seed {
        cfg.seed = s;
    }
    if let Some(s) = a.speed {
        anyhow::ensure!(
            s.is_finite() && s > 0.0 && s <= 1000.0,
            "--speed must be more than 0 and at most 1000, got {s}"
        );
        cfg.speed = s;
    }
    if let Some(k) = &g.keys {
        cfg.keys = Some(k.clone());
    }
    if let Some(f) = a.faults {
        sim::parse_faults(&f)?;
        cfg.faults = f;
    }
    let handle = sim::start(cfg)
        .await
        .context("cannot start the simulator")?;
    println!("{}", handle.banner());
    println!("Ctrl-C stops it.");
    wait_for_stop().await;
    handle.shutdown().await;
    Ok(())
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
