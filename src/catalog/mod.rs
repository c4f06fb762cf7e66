//! The catalog: a local mirror of upstream `dev`, an index of every connector in it, and the
//! duplicate search that runs before anything is written.

pub mod index;
pub mod mirror;
pub mod open;
pub mod open_prs;
pub mod published;
pub mod search;

pub use index::{Index, IndexStats, IndexedConnector};
pub use mirror::{cache_dir, Mirror, SyncOutcome, Upstream};
pub use open::{open, Freshness, OpenCatalog};
pub use search::{Candidate, Query, Source, Verdict};
