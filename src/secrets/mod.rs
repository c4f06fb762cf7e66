//! Secrets, as infrastructure every layer shares: what a credential looks like (`formats`), where
//! one hides in a file's bytes (`reading`), and the one mask for everything printed or written,
//! with its registry (`mask`). The gate (`check::secrets`) turns hits into findings; the
//! connector (`package::secrets`) knows which of its JSON values are secrets and registers its
//! mask when it is loaded; `output` masks every printed byte with what is registered.

mod formats;
mod mask;
mod reading;

pub use formats::{
    in_argument, is_placeholder, looks_like_client_id, looks_random, mask, prewarm, scan_binary, scan_text, Hit, SecretKind,
};
pub use mask::{register, registered, Masker};
pub use reading::{file_hits, json_escaped_hits, key_file_name, wide_encoding, wide_text, FileHit, Reading};
