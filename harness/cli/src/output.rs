//! Small output helpers shared by subcommands: whether to draw for a person or a log, and the
//! table style.

use std::io::IsTerminal;

use comfy_table::{ContentArrangement, Table, presets};

/// True when stderr is a terminal and `CI` is not set: draw progress bars, not lines.
pub fn interactive() -> bool {
    hil_app::Env::capture().interactive()
}

/// A table with `header`, UTF-8 borders on a terminal and plain ASCII otherwise.
pub fn table<const N: usize>(header: [&str; N]) -> Table {
    let mut table = Table::new();
    if std::io::stdout().is_terminal() {
        table.load_preset(presets::UTF8_FULL_CONDENSED);
    } else {
        table.load_preset(presets::ASCII_FULL_CONDENSED);
    }
    // Wrap to the terminal only when its width is known and usable (a pty without a size
    // reports 0 columns, which would squeeze every cell to one character).
    if table.width().is_some_and(|w| w >= 60) {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    }
    table.set_header(header);
    table
}
