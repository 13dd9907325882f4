//! CSV below the values: a push-fed record reader on `csv-core`, plus the structural checks
//! `csv-core` does not make (it prefers *a* parse to *no* parse): encoding sniffing, quotes,
//! blank lines and raw line capture.

mod batch;
mod reader;
mod scan;
mod sniff;
mod structure;

pub use batch::RecordBatch;
pub use reader::{Event, Record, RecordReader, MAX_FIELDS, MAX_RECORD_BYTES};
pub use sniff::{decode_windows_1252, sniff, Sniffed, SNIFF_LEN};
pub use structure::{scan_quotes, QuoteProblem};
