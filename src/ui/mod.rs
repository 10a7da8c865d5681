//! The terminal user interface (placeholder until the ui branch lands).
use crate::engine::{Command, View};
use crate::logging::LogBuffer;
pub struct UiOptions {
    pub cfg: crate::config::UiCfg,
    pub read_only: bool,
}
pub async fn run(
    _o: UiOptions,
    _v: tokio::sync::watch::Receiver<View>,
    _c: tokio::sync::mpsc::Sender<Command>,
    _l: LogBuffer,
) -> std::io::Result<()> {
    Ok(())
}
