//! Command-line interface (clap). The names here are stable: scripts and
//! docs rely on them.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use tradeterm::config::{Mode, Overrides};

#[derive(Parser, Debug)]
#[command(
    name = "tradeterm",
    version,
    about = "Terminal trading client for Binance Spot",
    long_about = "Terminal trading client for Binance Spot.\n\nWithout a command it opens the terminal UI in paper mode (live public market data, local fills). `--sim` runs against the built-in offline exchange."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    Paper,
    Sim,
    Testnet,
    Demo,
    Live,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Mode {
        match m {
            ModeArg::Paper => Mode::Paper,
            ModeArg::Sim => Mode::Sim,
            ModeArg::Testnet => Mode::Testnet,
            ModeArg::Demo => Mode::Demo,
            ModeArg::Live => Mode::Live,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Truecolor,
    #[value(name = "256")]
    C256,
    #[value(name = "16")]
    C16,
    Never,
}

impl ColorArg {
    fn as_str(self) -> &'static str {
        match self {
            ColorArg::Auto => "auto",
            ColorArg::Truecolor => "truecolor",
            ColorArg::C256 => "256",
            ColorArg::C16 => "16",
            ColorArg::Never => "never",
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum SideArg {
    Buy,
    Sell,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum OrderTypeArg {
    Market,
    Limit,
    LimitMaker,
    StopLossLimit,
    TakeProfitLimit,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum TifArg {
    Gtc,
    Ioc,
    Fok,
}

#[derive(Args, Debug, Clone, Default)]
pub struct GlobalOpts {
    /// Config file layered over the defaults and the user config file.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Symbol to open, e.g. ETHUSDT.
    #[arg(long, global = true, value_name = "SYM")]
    pub symbol: Option<String>,
    /// paper (default) | sim | testnet | demo | live.
    #[arg(long, global = true, value_enum, value_name = "MODE")]
    pub mode: Option<ModeArg>,
    /// Shortcut for --mode sim (built-in offline exchange).
    #[arg(long, global = true, conflicts_with_all = ["mode", "testnet", "demo", "live"])]
    pub sim: bool,
    /// Shortcut for --mode testnet.
    #[arg(long, global = true, conflicts_with_all = ["mode", "demo", "live"])]
    pub testnet: bool,
    /// Shortcut for --mode demo.
    #[arg(long, global = true, conflicts_with_all = ["mode", "live"])]
    pub demo: bool,
    /// Shortcut for --mode live (real money; every order confirmed by typing the symbol).
    #[arg(long, global = true, conflicts_with = "mode")]
    pub live: bool,
    /// REST base URL for the chosen mode (e.g. http://127.0.0.1:9000).
    #[arg(long, global = true, value_name = "URL")]
    pub rest_url: Option<String>,
    /// WebSocket stream base URL (e.g. wss://stream.binance.com:9443); /stream?streams=... is appended.
    #[arg(long, global = true, value_name = "URL")]
    pub ws_url: Option<String>,
    /// WebSocket API URL (orders and the user data stream).
    #[arg(long, global = true, value_name = "URL")]
    pub ws_api_url: Option<String>,
    /// Maximum redraws per second (1-60).
    #[arg(long, global = true, value_name = "N")]
    pub fps: Option<u32>,
    /// Colour output.
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<ColorArg>,
    /// Log file (default: <state dir>/tradeterm.log).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// Route orders to the local paper venue whatever the mode's market data.
    #[arg(long, global = true)]
    pub paper: bool,
    /// API keys file (default: <config dir>/keys.toml; see keys.example.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub keys: Option<PathBuf>,
    /// Hide all order entry (for keys without trading permission, or to watch).
    #[arg(long, global = true)]
    pub read_only: bool,
    /// More logging (-v debug, -vv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

impl GlobalOpts {
    pub fn mode(&self) -> Option<Mode> {
        if self.sim {
            Some(Mode::Sim)
        } else if self.testnet {
            Some(Mode::Testnet)
        } else if self.demo {
            Some(Mode::Demo)
        } else if self.live {
            Some(Mode::Live)
        } else {
            self.mode.map(Mode::from)
        }
    }

    pub fn overrides(&self, symbol: Option<&str>) -> Overrides {
        Overrides {
            mode: self.mode(),
            symbol: symbol
                .map(|s| s.to_string())
                .or_else(|| self.symbol.clone())
                .map(|s| s.trim().to_uppercase()),
            rest_url: self.rest_url.clone(),
            ws_url: self.ws_url.clone(),
            ws_api_url: self.ws_api_url.clone(),
            fps: self.fps,
            color: self.color.map(|c| c.as_str().to_string()),
            log_file: self.log_file.as_ref().map(|p| p.display().to_string()),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Bring up the order book as the TUI does (stream + snapshot), then print it.
    Book {
        /// Symbol, e.g. BTCUSDT.
        symbol: String,
        /// Levels per side to print (0 = all known levels).
        #[arg(long, default_value_t = 20)]
        depth: usize,
        /// Print JSON: {"symbol","last_update_id","bids":[[price,qty],...],"asks":[...]}.
        #[arg(long)]
        json: bool,
        /// Keep the book live this many seconds before printing (default: print once synced).
        #[arg(long, value_name = "SECS")]
        duration: Option<f64>,
        /// Give up if the book is not live after this many seconds.
        #[arg(long, value_name = "SECS", default_value_t = 60.0)]
        timeout: f64,
    },
    /// Print 24 h statistics and the best bid/ask, then exit.
    Ticker {
        /// Symbol, e.g. BTCUSDT.
        symbol: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run the Binance-compatible simulator on 127.0.0.1 until Ctrl-C.
    Sim {
        /// Port (0 = any free port).
        #[arg(long)]
        port: Option<u16>,
        /// Seed of the market model that continues after the recording.
        #[arg(long)]
        seed: Option<u64>,
        /// Replay speed (1.0 = real time).
        #[arg(long)]
        speed: Option<f64>,
        /// Fault injection spec, e.g. "drop@30s,gap@45s,rest-429@60s:7".
        #[arg(long, value_name = "SPEC")]
        faults: Option<String>,
    },
    /// Compute indicators over a kline file and print one row per kline.
    Indicators {
        /// Kline file: named-column CSV (timestamp/open/high/low/close/volume) or Binance's
        /// 12-column public-data CSV (ms or us times); .gz accepted.
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// Indicators, e.g. sma:20,ema:20,rsi:14,macd:12:26:9,bb:20:2,atr:14,vwap:14 (vwap alone = session VWAP).
        #[arg(long, value_name = "LIST")]
        ind: Option<String>,
        /// CSV output (the default).
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        /// JSON Lines output: one object per kline.
        #[arg(long)]
        json: bool,
    },
    /// Place one order through the same engine, journal and risk limits as
    /// the TUI, wait for its outcome and print it.
    ///
    /// Exit status: 0 placed (filled, resting, or expired as IOC/FOK asks),
    /// 1 refused (filters, risk, halt, Binance's code and message),
    /// 3 outcome unknown (the journal keeps the order; the next start
    /// resolves it with the exchange, it is never resent).
    Order {
        /// buy | sell.
        #[arg(value_enum)]
        side: SideArg,
        /// Symbol, e.g. BTCUSDT.
        symbol: String,
        /// Base quantity (omit with --quote-qty).
        #[arg(required_unless_present = "quote_qty")]
        qty: Option<rust_decimal::Decimal>,
        /// Limit price (makes the order LIMIT unless --type says otherwise).
        #[arg(long, value_name = "PRICE")]
        limit: Option<rust_decimal::Decimal>,
        /// Spend (buy) or receive (sell) this quote amount: MARKET only.
        #[arg(long, value_name = "Q", conflicts_with_all = ["qty", "limit"])]
        quote_qty: Option<rust_decimal::Decimal>,
        /// Order type (default: limit with --limit, else market).
        #[arg(long = "type", value_enum, value_name = "TYPE")]
        kind: Option<OrderTypeArg>,
        /// Time in force of a limit order.
        #[arg(long, value_enum, default_value = "gtc")]
        tif: TifArg,
        /// Trigger price of stop-loss-limit / take-profit-limit.
        #[arg(long, value_name = "PRICE")]
        stop: Option<rust_decimal::Decimal>,
        /// Send without asking (testnet, demo; live only with --live given).
        #[arg(long)]
        yes: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Give up waiting (for the venue, the book, the outcome) after this long.
        #[arg(long, value_name = "SECS", default_value_t = 30.0)]
        timeout: f64,
    },
    /// Place an OCO (one-cancels-the-other): a LIMIT_MAKER take-profit leg
    /// at --limit and a STOP_LOSS_LIMIT leg triggered at --stop. SELL: limit
    /// above the market, stop below; BUY: the reverse. Exit status as `order`.
    Oco {
        /// buy | sell.
        #[arg(value_enum)]
        side: SideArg,
        /// Symbol, e.g. BTCUSDT.
        symbol: String,
        /// Base quantity of both legs.
        qty: rust_decimal::Decimal,
        /// Price of the LIMIT_MAKER leg.
        #[arg(long, value_name = "PRICE")]
        limit: rust_decimal::Decimal,
        /// Trigger price of the stop leg.
        #[arg(long, value_name = "PRICE")]
        stop: rust_decimal::Decimal,
        /// Limit price of the stop leg once triggered (default: the trigger).
        #[arg(long, value_name = "PRICE")]
        stop_limit: Option<rust_decimal::Decimal>,
        /// Send without asking (testnet, demo; live only with --live given).
        #[arg(long)]
        yes: bool,
        /// Print JSON (an array of the two legs).
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "SECS", default_value_t = 30.0)]
        timeout: f64,
    },
    /// List orders: open ones and the latest finished ones.
    Orders {
        /// Open orders only.
        #[arg(long)]
        open: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "SECS", default_value_t = 30.0)]
        timeout: f64,
    },
    /// Cancel one open order (exchange order id or client order id), or all
    /// of a symbol's.
    Cancel {
        /// Symbol, e.g. BTCUSDT.
        symbol: String,
        /// Exchange order id or client order id.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        order_id: Option<String>,
        /// Cancel every open order of the symbol.
        #[arg(long)]
        all: bool,
        /// Cancel all without asking.
        #[arg(long)]
        yes: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "SECS", default_value_t = 30.0)]
        timeout: f64,
    },
    /// Balances (free, locked) and positions with P&L.
    Balance {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "SECS", default_value_t = 30.0)]
        timeout: f64,
    },
    /// Kill switch: refuse new orders, cancel open ones; latched across
    /// restarts until `tradeterm resume`.
    Halt {
        /// Why (kept in the journal).
        #[arg(long, default_value = "halted from the command line")]
        reason: String,
        #[arg(long, value_name = "SECS", default_value_t = 30.0)]
        timeout: f64,
    },
    /// Clear a halt (kill switch or daily loss limit).
    Resume {
        #[arg(long, value_name = "SECS", default_value_t = 30.0)]
        timeout: f64,
    },
    /// Run one strategy without the TUI (servers, systemd): same engine,
    /// journal, risk limits and venue; logs to the log file and stdout;
    /// SIGTERM or Ctrl-C stops it cleanly. Symbol and mode come from the
    /// global --symbol and --mode flags.
    Run {
        /// swing | scalping | grid | dca (see the README for parameters).
        #[arg(long, value_name = "NAME")]
        strategy: String,
        /// A parameter over its default, e.g. --param levels=8 (repeatable).
        #[arg(long = "param", value_name = "K=V")]
        params: Vec<String>,
        /// Kline interval the strategy trades on (default: market.interval).
        #[arg(long, value_name = "IV")]
        interval: Option<String>,
        /// Start without asking (testnet, demo; live only with --live given).
        #[arg(long)]
        yes: bool,
        /// Give up starting (venue, book) or stopping after this long.
        #[arg(long, value_name = "SECS", default_value_t = 30.0)]
        timeout: f64,
    },
    /// List the built-in strategies and their parameters (defaults, ranges).
    Strategies {
        /// Markdown tables (as in the README).
        #[arg(long)]
        markdown: bool,
    },
    /// Print the effective configuration and where each value came from.
    Config {
        /// Print the built-in defaults instead.
        #[arg(long)]
        default: bool,
    },
    /// API keys: check that they work before trading with them.
    Keys {
        #[command(subcommand)]
        cmd: KeysCmd,
    },
}

/// `tradeterm keys ...`.
#[derive(Subcommand, Debug)]
pub enum KeysCmd {
    /// Load the mode's keys as the TUI does (--keys FILE or <config dir>/keys.toml,
    /// TRADETERM_<MODE>_API_KEY/_SECRET override), sync the clock, call the signed
    /// account endpoint and print the key's permissions, commission rates and
    /// non-zero balances. Exit 0 when the keys work, 1 otherwise. The secret is
    /// never printed.
    ///
    /// paper has no keys (exit 1). sim without --rest-url starts the in-process
    /// simulator as the TUI does and checks the pair it generates (a self-test of
    /// the signing path, not of your keys); with --rest-url it checks
    /// TRADETERM_SIM_API_KEY/_SECRET against that simulator.
    Check {
        /// testnet | demo | live | sim (default: the configured mode).
        #[arg(long, value_enum, value_name = "MODE")]
        mode: Option<ModeArg>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn shortcuts_set_the_mode() {
        let c = Cli::parse_from(["tradeterm", "--sim"]);
        assert_eq!(c.global.mode(), Some(Mode::Sim));
        let c = Cli::parse_from(["tradeterm", "book", "btcusdt", "--json", "--testnet"]);
        assert_eq!(c.global.mode(), Some(Mode::Testnet));
        assert!(Cli::try_parse_from(["tradeterm", "--sim", "--live"]).is_err());
    }
}
