//! Ghost's JSON export.
use super::{Export, ImportError};
use std::path::Path;
pub fn read(path: &Path) -> Result<Export, ImportError> {
    Err(ImportError::Unreadable {
        path: path.display().to_string(),
        message: "todo".into(),
    })
}
