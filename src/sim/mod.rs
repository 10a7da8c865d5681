//! The local Binance-compatible simulator (placeholder until the sim branch lands).
use crate::config::SimCfg;

#[derive(Debug, thiserror::Error)]
#[error("simulator not built yet")]
pub struct SimError;

pub struct SimConfig {
    pub port: u16,
    pub seed: u64,
    pub speed: f64,
    pub faults: String,
}
impl SimConfig {
    pub fn from_cfg(c: &SimCfg) -> Self {
        SimConfig {
            port: c.port,
            seed: c.seed,
            speed: c.speed,
            faults: c.faults.clone(),
        }
    }
}
pub struct SimHandle;
impl SimHandle {
    pub fn rest_url(&self) -> String {
        String::new()
    }
    pub fn ws_url(&self) -> String {
        String::new()
    }
    pub fn banner(&self) -> String {
        String::new()
    }
    pub async fn shutdown(self) {}
}
pub async fn start(_c: SimConfig) -> Result<SimHandle, SimError> {
    Err(SimError)
}
pub fn parse_faults(_s: &str) -> Result<(), SimError> {
    Ok(())
}
