//! API identity for separately built parts.
//!
//! Inside one binary the compiler catches a signature mismatch; across separately built parts —
//! a host and its plugins, services exchanging messages defined in a shared crate — it does not.
//! `atomic-build` lets such parts check each other before they talk.
//!
//! The crate whose API matters (say `interface`) embeds its identity at build time, from the API
//! snapshot `cargo atomic snapshot` keeps committed in its package directory:
//!
//! ```no_run
//! // interface/build.rs
//! fn main() {
//!     atomic_build::embed();
//! }
//! ```
//!
//! ```ignore
//! // interface/src/lib.rs
//! include!(concat!(env!("OUT_DIR"), "/atomic_identity.rs"));
//! // defines `pub static ATOMIC_IDENTITY: atomic_build::EmbeddedIdentity`
//! ```
//!
//! Each part built against `interface` carries the identity of the `interface` it was built
//! against. Parts exchange identities (as bytes or a string) and check them:
//!
//! ```
//! use atomic_build::{check_compatible, Identity};
//!
//! # let mine = Identity::from_items("interface", "1.0.0", &[("fn interface::call", "pub fn interface::call(&str)")]);
//! # let theirs_text = mine.to_string();
//! let theirs: Identity = theirs_text.parse().expect("a valid identity");
//! match check_compatible(&mine, &theirs) {
//!     Ok(()) => println!("compatible"),
//!     Err(e) => eprintln!("refusing to talk: {e}"),
//! }
//! ```
//!
//! Compatible means: the crate names match and every item the first side was built against is
//! present, unchanged, on the other (additions are fine). Parameter names are not part of an
//! item's identity; their types are.
//!
//! The crate has no dependencies, runs no tools and needs no network: building it costs next to
//! nothing.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// The examples show `build.rs`, whose `main` is the point.
#![allow(clippy::needless_doctest_main)]

mod embed;
mod encoding;
mod hash;
mod snapshot;

use std::fmt;

pub use embed::{embed, Embed, MissingSnapshot};
pub use hash::fnv1a64;

/// The API identity of one version of a crate: its name, version, a fingerprint of the whole API
/// and a compact digest per public item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    crate_name: String,
    version: String,
    fingerprint: u64,
    /// Sorted by key.
    items: Vec<ItemDigest>,
}

/// One public item: a hash of its identity (kind and path) and a hash of its declaration.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ItemDigest {
    key: u32,
    digest: u32,
    /// The item's readable name (`fn interface::call`), when known.
    name: Option<String>,
}

/// An identity embedded by [`embed`]: static data, turned into an [`Identity`] with
/// [`EmbeddedIdentity::identity`].
#[derive(Debug)]
pub struct EmbeddedIdentity {
    /// Package name.
    pub crate_name: &'static str,
    /// Package version (`CARGO_PKG_VERSION` at build time).
    pub version: &'static str,
    /// Fingerprint of the whole API.
    pub fingerprint: u64,
    /// `(key, digest)` per item, sorted by key.
    pub items: &'static [(u32, u32)],
    /// Item names, in the order of `items`.
    pub names: &'static [&'static str],
}

impl EmbeddedIdentity {
    /// The identity as a value that can be exchanged and compared.
    pub fn identity(&self) -> Identity {
        let items = self
            .items
            .iter()
            .enumerate()
            .map(|(i, (key, digest))| ItemDigest {
                key: *key,
                digest: *digest,
                name: self.names.get(i).map(|n| n.to_string()),
            })
            .collect();
        Identity {
            crate_name: self.crate_name.to_string(),
            version: self.version.to_string(),
            fingerprint: self.fingerprint,
            items,
        }
    }
}

impl Identity {
    /// Builds an identity from `(key, declaration)` pairs, as [`embed`] does from a snapshot:
    /// `key` names the item (`fn interface::call`), `declaration` is what must not change.
    ///
    /// ```
    /// let id = atomic_build::Identity::from_items("interface", "1.0.0", &[
    ///     ("fn interface::call", "pub fn interface::call(operation: &str)"),
    /// ]);
    /// assert_eq!(id.len(), 1);
    /// ```
    pub fn from_items(crate_name: &str, version: &str, items: &[(&str, &str)]) -> Identity {
        let mut digests: Vec<ItemDigest> = items
            .iter()
            .map(|(key, decl)| ItemDigest {
                key: truncate(fnv1a64(key.as_bytes())),
                digest: truncate(fnv1a64(snapshot::comparable(decl).as_bytes())),
                name: Some(key.to_string()),
            })
            .collect();
        digests.sort();
        digests.dedup_by(|a, b| a.key == b.key && a.digest == b.digest);
        let fingerprint = fingerprint(&digests);
        Identity { crate_name: crate_name.to_string(), version: version.to_string(), fingerprint, items: digests }
    }

    /// The crate's package name.
    pub fn crate_name(&self) -> &str {
        &self.crate_name
    }

    /// The crate's version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// A hash of the whole API: equal fingerprints, equal APIs.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the identity lists no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The identity in a compact binary form; [`Identity::from_bytes`] reads it back.
    ///
    /// ```
    /// let id = atomic_build::Identity::from_items("interface", "1.0.0", &[("fn interface::f", "pub fn interface::f()")]);
    /// assert_eq!(atomic_build::Identity::from_bytes(&id.to_bytes()).unwrap(), id);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::encode(self)
    }

    /// Reads the binary form. Corrupt or truncated input is an error, never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<Identity, DecodeError> {
        encoding::decode(bytes)
    }
}

/// The identity as a string (`atomic-id1.` followed by the base64url of [`Identity::to_bytes`]),
/// for handshakes over text protocols. [`str::parse`] reads it back.
impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", encoding::TEXT_PREFIX, encoding::base64url(&self.to_bytes()))
    }
}

impl std::str::FromStr for Identity {
    type Err = DecodeError;

    fn from_str(s: &str) -> Result<Identity, DecodeError> {
        let body = s.trim().strip_prefix(encoding::TEXT_PREFIX).ok_or(DecodeError("not an atomic-build identity"))?;
        Identity::from_bytes(&encoding::from_base64url(body)?)
    }
}

/// An identity that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(&'static str);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid API identity: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

/// Why two identities are not compatible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incompatible {
    /// Crate and version the checking side was built against.
    pub built_against: (String, String),
    /// Crate and version found on the other side.
    pub found: (String, String),
    /// Items of `built_against` that `found` does not have.
    pub missing: Vec<String>,
    /// Items of `built_against` whose declaration differs in `found`.
    pub changed: Vec<String>,
}

impl fmt::Display for Incompatible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, av) = &self.built_against;
        let (b, bv) = &self.found;
        if a != b {
            return write!(f, "built against {a} {av}, but found {b} {bv}: a different crate");
        }
        write!(f, "built against {a} {av}, but found {b} {bv}, which is not compatible")?;
        if !self.changed.is_empty() {
            write!(f, "; changed: {}", self.changed.join(", "))?;
        }
        if !self.missing.is_empty() {
            write!(f, "; missing: {}", self.missing.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for Incompatible {}

/// Whether a part built against `built_against` can work with a part that provides `found`:
/// the crate names match and every item of `built_against` is present and unchanged in `found`
/// (items only `found` has are fine).
///
/// ```
/// use atomic_build::{check_compatible, Identity};
/// let v1 = Identity::from_items("interface", "1.0.0", &[("fn interface::call", "pub fn interface::call(op: &str)")]);
/// let v2 = Identity::from_items("interface", "2.0.0", &[("fn interface::call", "pub fn interface::call(op: &str, timeout: u64)")]);
/// let err = check_compatible(&v1, &v2).unwrap_err();
/// assert_eq!(err.changed, ["fn interface::call"]);
/// ```
// The error carries the names a message needs; it is built once per handshake.
#[allow(clippy::result_large_err)]
pub fn check_compatible(built_against: &Identity, found: &Identity) -> Result<(), Incompatible> {
    let mut missing = Vec::new();
    let mut changed = Vec::new();
    if built_against.crate_name == found.crate_name && built_against.fingerprint != found.fingerprint {
        for item in &built_against.items {
            let name = |i: &ItemDigest| i.name.clone().unwrap_or_else(|| format!("item #{:08x}", i.key));
            let there: Vec<&ItemDigest> = found.items.iter().filter(|o| o.key == item.key).collect();
            if there.is_empty() {
                missing.push(name(item));
            } else if !there.iter().any(|o| o.digest == item.digest) {
                changed.push(name(item));
            }
        }
    }
    if built_against.crate_name == found.crate_name && missing.is_empty() && changed.is_empty() {
        return Ok(());
    }
    Err(Incompatible {
        built_against: (built_against.crate_name.clone(), built_against.version.clone()),
        found: (found.crate_name.clone(), found.version.clone()),
        missing,
        changed,
    })
}

fn truncate(h: u64) -> u32 {
    (h ^ (h >> 32)) as u32
}

fn fingerprint(items: &[ItemDigest]) -> u64 {
    let mut bytes = Vec::with_capacity(items.len() * 8);
    for i in items {
        bytes.extend_from_slice(&i.key.to_le_bytes());
        bytes.extend_from_slice(&i.digest.to_le_bytes());
    }
    fnv1a64(&bytes)
}
