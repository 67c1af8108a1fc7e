//! mobiledoc
