//! Every rustdoc JSON format a user's toolchain emits, read into the one model the normalizer
//! reads: the newest published `rustdoc-types` ([`rt`]).
//!
//! - Formats 57 to 61 (Rust 1.93 and later) are read straight into the model: 58 to 61 only
//!   added fields that are `Option`s (`Item::stability`, `Item::const_stability`,
//!   `default_unstable`), which serde reads as `None` where a format lacks them. This is the
//!   path today's toolchains take, and it costs nothing more than format 57 did alone.
//! - Older formats (37, Rust 1.85, to 56) are read through their own published definitions
//!   (`rustdoc-types` of that format, a dependency renamed `rustdoc_types_NN`), so a document
//!   that is not what its format says is refused as rustdoc's own types would refuse it; then
//!   the JSON value is upgraded one format at a time, each step what that format's changelog
//!   says changed ([`STEPS`]: a module per step that changed the JSON, a line per step that did
//!   not), up to 57, and read into the model.
//!
//! A format outside the range stops with an error naming the range and what to do; nothing
//! here parses a document whose format it does not know.

use anyhow::{bail, Context};
use rustdoc_types as rt;
use serde::Deserialize;
use serde_json::Value;

mod v39;
mod v41;
mod v44;
mod v45;
mod v51;
mod v54;
mod v55;
mod v57;

/// The oldest format read: Rust 1.85's.
pub const OLDEST: u32 = 37;
/// The newest format read: the newest `rustdoc-types` describes.
pub const NEWEST: u32 = rt::FORMAT_VERSION;
/// Formats from this one on are read straight into the model.
const DIRECT: u32 = 57;

/// One format: what changed from the previous one, and how a JSON value of the previous
/// format becomes one of this (`None`: the JSON's shape did not change; what changed in meaning
/// is read later, as the comment says).
pub struct Step {
    pub format: u32,
    pub changed: &'static str,
    pub upgrade: Option<fn(&mut Value)>,
}

/// The steps from [`OLDEST`] to [`DIRECT`], in order.
pub const STEPS: &[Step] = &[
    Step {
        format: 38,
        changed: "`Path::name` holds the item's name alone (37 held the path as written, which 39 restores)",
        upgrade: None,
    },
    Step { format: 39, changed: "`Path::name` renamed `Path::path`, the path as written", upgrade: Some(v39::upgrade) },
    Step {
        format: 40,
        changed: "attributes as the compiler prints them (`#[attr = Repr([ReprC])]`), read at step 54",
        upgrade: None,
    },
    Step {
        format: 41,
        changed: "`GenericBound::Use` holds `PreciseCapturingArg`s, not strings",
        upgrade: Some(v41::upgrade),
    },
    Step { format: 42, changed: "`GenericArgs::ReturnTypeNotation` added (older JSON has none)", upgrade: None },
    Step { format: 43, changed: "`#[repr]` attributes as written again, read at step 54", upgrade: None },
    Step { format: 44, changed: "`Crate::target` added", upgrade: Some(v44::upgrade) },
    Step { format: 45, changed: "span columns counted from 1, as lines are", upgrade: Some(v45::upgrade) },
    Step { format: 46, changed: "`#[repr]` listed on every item that has one", upgrade: None },
    Step { format: 48, changed: "`#[inline]` as `#[attr = Inline(Hint)]` (format 47 never existed)", upgrade: None },
    Step { format: 49, changed: "`#[optimize]` as `#[attr = Optimize(..)]`", upgrade: None },
    Step { format: 50, changed: "`#[cold]` as `#[attr = Cold]`", upgrade: None },
    Step {
        format: 51,
        changed: "`AssocItemConstraint::args` and `Type::QualifiedPath::args` optional, `null` when empty",
        upgrade: Some(v51::upgrade),
    },
    Step {
        format: 52,
        changed: "`#[must_use = \"..\"]` as `#[attr = MustUse {reason: ..}]`, read at step 54",
        upgrade: None,
    },
    Step { format: 53, changed: "nothing (the format version was bumped by mistake)", upgrade: None },
    Step { format: 54, changed: "`Item::attrs` is a list of `Attribute`s, not strings", upgrade: Some(v54::upgrade) },
    Step { format: 55, changed: "`Attribute::MacroExport` added", upgrade: Some(v55::upgrade) },
    Step { format: 56, changed: "`ItemKind::Attribute` added (older JSON has none)", upgrade: None },
    Step {
        format: 57,
        changed: "`ExternalCrate::path` added: where the crate's files are",
        upgrade: Some(v57::upgrade),
    },
];

/// The formats this build reads.
pub fn supported() -> impl Iterator<Item = u32> {
    std::iter::once(OLDEST).chain(STEPS.iter().map(|s| s.format)).chain(DIRECT + 1..=NEWEST)
}

/// The `format_version` of a rustdoc JSON document, read without parsing the rest (it is the
/// last key rustdoc writes; the whole text is searched if it is not near the end).
pub fn format_version(json: &[u8]) -> Option<u32> {
    const KEY: &[u8] = b"\"format_version\"";
    let tail_start = json.len().saturating_sub(256);
    let at = find_last(&json[tail_start..], KEY).map(|i| i + tail_start).or_else(|| find_last(json, KEY))?;
    let rest = &json[at + KEY.len()..];
    let rest = rest.iter().skip_while(|b| b.is_ascii_whitespace() || **b == b':').copied();
    let digits: String = rest.take_while(u8::is_ascii_digit).map(char::from).collect();
    digits.parse().ok()
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Why a format is not read, or `None` when it is.
pub fn unsupported(version: u32) -> Option<String> {
    let range = format!("formats {OLDEST} to {NEWEST}, from Rust 1.85 on");
    if version > NEWEST {
        return Some(format!(
            "is newer than this cargo-atomic reads ({range}): document with an older toolchain (one whose rustdoc \
             emits format {NEWEST} or older, `cargo +<toolchain> atomic ...`), or use a cargo-atomic release that \
             reads format {version}"
        ));
    }
    if version < OLDEST {
        return Some(format!(
            "is older than this cargo-atomic reads ({range}): document with Rust 1.85 or newer (`cargo +1.85 atomic ...`)"
        ));
    }
    if !supported().any(|f| f == version) {
        return Some(format!("is not a format rustdoc ever emitted (this cargo-atomic reads {range})"));
    }
    None
}

/// Reads a rustdoc JSON document of any supported format into the model.
pub fn read(json: &[u8]) -> anyhow::Result<rt::Crate> {
    let Some(version) = format_version(json) else { bail!("it is not rustdoc JSON: it has no `format_version`") };
    if let Some(why) = unsupported(version) {
        bail!("rustdoc JSON format {version} {why}");
    }
    if version >= DIRECT {
        return serde_json::from_slice(json).with_context(|| format!("cannot parse rustdoc JSON of format {version}"));
    }
    let mut value: Value =
        serde_json::from_slice(json).with_context(|| format!("cannot parse rustdoc JSON of format {version}"))?;
    validate(version, &value).with_context(|| format!("this is not rustdoc JSON of format {version}"))?;
    upgrade(&mut value, version);
    rt::Crate::deserialize(value).with_context(|| format!("cannot read rustdoc JSON of format {version}"))
}

/// Upgrades a JSON value of format `from` to format [`DIRECT`].
pub fn upgrade(value: &mut Value, from: u32) {
    for step in STEPS.iter().filter(|s| s.format > from) {
        if let Some(upgrade) = step.upgrade {
            upgrade(value);
        }
    }
    if let Some(v) = value.get_mut("format_version") {
        *v = Value::from(DIRECT);
    }
}

/// Reads `value` through the published definitions of format `version`.
pub fn validate(version: u32, value: &Value) -> anyhow::Result<()> {
    macro_rules! through {
        ($($format:literal => $krate:ident),* $(,)?) => {
            match version {
                $($format => {
                    $krate::Crate::deserialize(value)?;
                })*
                _ => bail!("no definitions of format {version} in this build"),
            }
        };
    }
    through! {
        37 => rustdoc_types_37, 38 => rustdoc_types_38, 39 => rustdoc_types_39, 40 => rustdoc_types_40,
        41 => rustdoc_types_41, 42 => rustdoc_types_42, 43 => rustdoc_types_43, 44 => rustdoc_types_44,
        45 => rustdoc_types_45, 46 => rustdoc_types_46, 48 => rustdoc_types_48, 49 => rustdoc_types_49,
        50 => rustdoc_types_50, 51 => rustdoc_types_51, 52 => rustdoc_types_52, 53 => rustdoc_types_53,
        54 => rustdoc_types_54, 55 => rustdoc_types_55, 56 => rustdoc_types_56,
    }
    Ok(())
}

/// Visits every JSON object under `value` (itself included), depth first.
pub(super) fn each_object(value: &mut Value, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    // An explicit stack: rustdoc JSON nests as deep as the types it describes.
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                f(map);
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_run_from_the_oldest_format_to_the_direct_one_without_gaps_but_47() {
        let mut expected: Vec<u32> = (OLDEST + 1..=DIRECT).filter(|f| *f != 47).collect();
        let formats: Vec<u32> = STEPS.iter().map(|s| s.format).collect();
        assert_eq!(formats, expected);
        expected.insert(0, OLDEST);
        expected.extend(DIRECT + 1..=NEWEST);
        assert_eq!(supported().collect::<Vec<_>>(), expected);
        assert_eq!(NEWEST, 61);
    }

    #[test]
    fn formats_outside_the_range_are_refused_with_what_to_do() {
        assert!(unsupported(62).unwrap().contains("newer than this cargo-atomic reads (formats 37 to 61"));
        assert!(unsupported(36).unwrap().contains("Rust 1.85 or newer"));
        assert!(unsupported(47).unwrap().contains("not a format rustdoc ever emitted"));
        for f in supported() {
            assert_eq!(unsupported(f), None, "{f}");
        }
        let err = read(br#"{"root": 0, "format_version": 62}"#).unwrap_err();
        assert!(format!("{err:#}").starts_with("rustdoc JSON format 62 is newer"), "{err:#}");
    }

    #[test]
    fn the_format_version_is_read_from_the_end() {
        assert_eq!(format_version(br#"{"index": {}, "format_version": 45}"#), Some(45));
        assert_eq!(format_version(br#"{"format_version":39,"index":{}}"#), Some(39));
        assert_eq!(format_version(b"{}"), None);
    }
}
