//! Renderers shared by the CLI, the wasm facade and the tests.

pub mod csv;
pub mod json;
pub mod text;
