//! The web layer: router, handlers and views over the read-only pool.

use std::path::Path;

use crate::config::Config;

/// Runs the server until Ctrl-C or SIGTERM.
pub fn serve(
    _addr: &str,
    _content: &Path,
    _watch: bool,
    _config: Config,
    _db: &Path,
) -> anyhow::Result<()> {
    anyhow::bail!("serve is not built yet")
}
