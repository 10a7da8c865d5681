//! Platform directories (via `directories`), overridable for tests and
//! portable installs with `TRADETERM_CONFIG_DIR` / `TRADETERM_DATA_DIR`.

use std::path::PathBuf;

fn project() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "tradeterm")
}

/// Directory of `config.toml` and (later) `keys.toml`.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("TRADETERM_CONFIG_DIR") {
        return Some(PathBuf::from(d));
    }
    project().map(|p| p.config_dir().to_path_buf())
}

/// The user's config file.
pub fn user_config_file() -> Option<PathBuf> {
    config_dir().map(|d| d.join("config.toml"))
}

/// Directory for the journal and other data.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("TRADETERM_DATA_DIR") {
        return Some(PathBuf::from(d));
    }
    project().map(|p| p.data_dir().to_path_buf())
}

/// Directory for logs: the state dir on Linux, the data dir elsewhere.
pub fn log_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("TRADETERM_DATA_DIR") {
        return Some(PathBuf::from(d));
    }
    project().map(|p| {
        p.state_dir()
            .map(|s| s.to_path_buf())
            .unwrap_or_else(|| p.data_dir().to_path_buf())
    })
}
