//! `tradeterm strategies`: the strategy catalog with every parameter's
//! default, range and meaning (the same table the TUI form and `--param`
//! validation use).

use tradeterm::strategy::{ParamKind, CATALOG};

pub fn run(markdown: bool) {
    for info in CATALOG {
        if markdown {
            println!("#### {}\n\n{}\n", info.name, info.description);
            println!("| parameter | default | range | meaning |\n|---|---|---|---|");
        } else {
            println!("{}: {}", info.name, info.description);
        }
        for p in info.params {
            // `|` would split a markdown table cell.
            let or = if markdown { " / " } else { " | " };
            let range = match (&p.kind, p.min, p.max) {
                (ParamKind::Choice(c), _, _) => c.join(or),
                (ParamKind::Bool, _, _) => format!("true{or}false"),
                (_, Some(lo), Some(hi)) => format!("{lo} .. {hi}"),
                (_, Some(lo), None) => format!(">= {lo}"),
                (_, None, Some(hi)) => format!("<= {hi}"),
                (_, None, None) => String::new(),
            };
            if markdown {
                println!(
                    "| `{}` | {} | {} | {} |",
                    p.name, p.default, range, p.description
                );
            } else {
                println!(
                    "  {:<16} {:<10} {:<22} {}",
                    p.name, p.default, range, p.description
                );
            }
        }
        println!();
    }
}
