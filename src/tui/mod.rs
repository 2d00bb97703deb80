//! The terminal browser (ratatui + crossterm).

use std::path::Path;

/// Opens the browser on an archive and its index.
pub fn run(_archive: &Path, _index: &Path) -> anyhow::Result<()> {
    anyhow::bail!("the terminal browser is not built yet; use `chatlore search`")
}
