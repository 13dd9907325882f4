//! Reading packages from disk for the `rostercheck` command: folders, zip exports and loose
//! CSV files, streamed in chunks into a validation session.

pub mod input;

#[doc(hidden)]
pub mod fuzzing;
