//! Logging: `tracing` to stderr, filtered by `RUST_LOG` when set, else by `-v` (warnings by
//! default, `-v` info, `-vv` debug, `-vvv` trace). probe-rs's USB enumeration complaints on
//! machines without USB are kept quiet below `-vv`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// The filter `-v` given `verbose` times selects.
fn directives(verbose: u8) -> &'static str {
    match verbose {
        0 => "warn,probe_rs=error,nusb=error",
        1 => "info,probe_rs=error,nusb=error",
        2 => "debug",
        _ => "trace",
    }
}

pub fn init(verbose: u8) {
    let filter = match std::env::var("RUST_LOG") {
        Ok(v) if !v.trim().is_empty() => EnvFilter::try_new(v.trim()).unwrap_or_else(|e| {
            eprintln!("warning: ignoring RUST_LOG: {e}");
            EnvFilter::new(directives(verbose))
        }),
        _ => EnvFilter::new(directives(verbose)),
    };
    // Only fails if a subscriber is already set, which cannot happen in `main`.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(verbose >= 2)
        .try_init();
}
