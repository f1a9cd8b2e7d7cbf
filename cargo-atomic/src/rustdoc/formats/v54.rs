//! 53 → 54: `Item::attrs` is a list of `Attribute`s instead of strings.
//!
//! Formats 37 to 53 wrote attributes as strings, in three spellings over time: as written
//! (`#[repr(C, packed(2))]`, 37–39 and 43 on), as the compiler prints them
//! (`#[attr = Repr([ReprC, ReprPacked(Align(2 bytes))])]`, 40–42; `#[attr = MustUse {reason:
//! "..."}]` from 52), and `unsafe(...)` around the attributes that need it. Each becomes the
//! `Attribute` format 54 gives it; everything else stays `Other`, as in 54. `#[deprecated]`
//! goes (54 lists it in `Item::deprecation` only, where every format had it too), and the
//! `#[repr]`s of one item are one `Repr`, as 54 writes them.

use serde_json::{json, Map, Value};

use crate::api::text::split_top_level;

pub fn upgrade(value: &mut Value) {
    let Some(Value::Object(index)) = value.get_mut("index") else { return };
    for item in index.values_mut() {
        let Some(Value::Array(attrs)) = item.get_mut("attrs") else { continue };
        let strings: Vec<String> = attrs.iter().filter_map(|a| a.as_str().map(str::to_string)).collect();
        if strings.len() == attrs.len() {
            *attrs = convert(&strings);
        }
    }
}

/// The attributes of one item, as format 54 lists them.
fn convert(attrs: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut repr: Option<(usize, Map<String, Value>)> = None;
    for a in attrs {
        match parse(a) {
            Parsed::Drop => {}
            Parsed::Attr(v) => out.push(v),
            Parsed::Repr(parts) => {
                let (_, r) = repr.get_or_insert_with(|| {
                    out.push(Value::Null);
                    (out.len() - 1, Map::from_iter([("kind".to_string(), Value::from("rust"))]))
                });
                for (k, v) in parts {
                    // `#[repr(C)] #[repr(align(8))]`: one `Repr` with both.
                    if k != "kind" || v != "rust" {
                        r.insert(k, v);
                    }
                }
            }
        }
    }
    if let Some((at, mut r)) = repr {
        for key in ["align", "packed", "int"] {
            r.entry(key).or_insert(Value::Null);
        }
        out[at] = json!({ "repr": r });
    }
    out
}

enum Parsed {
    Attr(Value),
    /// Parts of a `Repr`: `kind`, `align`, `packed`, `int`.
    Repr(Vec<(String, Value)>),
    Drop,
}

fn parse(attr: &str) -> Parsed {
    let other = || Parsed::Attr(json!({ "other": attr }));
    let Some(inner) = attr.trim().strip_prefix("#[").and_then(|r| r.strip_suffix(']')) else { return other() };
    let inner = inner.trim();
    // `#[unsafe(no_mangle)]`, `#[unsafe(export_name = "x")]`.
    let inner = match inner.strip_prefix("unsafe(").and_then(|r| r.strip_suffix(')')) {
        Some(wrapped) => wrapped.trim(),
        None => inner,
    };
    if let Some(hir) = inner.strip_prefix("attr").map(str::trim_start).and_then(|r| r.strip_prefix('=')) {
        return parse_printed(hir.trim()).unwrap_or_else(other);
    }
    let (name, rest) = split_name(inner);
    match name {
        "non_exhaustive" if rest.is_empty() => Parsed::Attr(json!("non_exhaustive")),
        "automatically_derived" if rest.is_empty() => Parsed::Attr(json!("automatically_derived")),
        "no_mangle" if rest.is_empty() => Parsed::Attr(json!("no_mangle")),
        "deprecated" => Parsed::Drop,
        "must_use" => Parsed::Attr(json!({ "must_use": { "reason": assigned(rest) } })),
        "export_name" => match assigned(rest) {
            Some(name) => Parsed::Attr(json!({ "export_name": name })),
            None => other(),
        },
        "link_section" => match assigned(rest) {
            Some(section) => Parsed::Attr(json!({ "link_section": section })),
            None => other(),
        },
        "repr" => match rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            Some(list) => written_repr(list).map(Parsed::Repr).unwrap_or_else(other),
            None => other(),
        },
        "target_feature" => match rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            Some(list) => {
                let mut enable = Vec::new();
                for part in split_top_level(list, ",") {
                    let (key, value) = split_name(part.trim());
                    if let (Some(features), "enable") = (assigned(value), key) {
                        enable.extend(features.split(',').map(|f| f.trim().to_string()).filter(|f| !f.is_empty()));
                    }
                }
                Parsed::Attr(json!({ "target_feature": { "enable": enable } }))
            }
            None => other(),
        },
        _ => other(),
    }
}

/// `name` and what follows it: `repr(C)` → (`repr`, `(C)`); `must_use = "x"` → (`must_use`,
/// `= "x"`).
fn split_name(text: &str) -> (&str, &str) {
    let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len());
    (&text[..end], text[end..].trim())
}

/// The string of `= "value"`, unescaped; `None` when there is none.
fn assigned(rest: &str) -> Option<String> {
    let literal = rest.strip_prefix('=')?.trim();
    serde_json::from_str::<String>(literal).ok()
}

/// `C, packed(2)`, `u8`, `align(8)`, `transparent`.
fn written_repr(list: &str) -> Option<Vec<(String, Value)>> {
    let mut parts = Vec::new();
    for hint in split_top_level(list, ",") {
        let (name, rest) = split_name(hint.trim());
        let n = || rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')).and_then(|n| n.trim().parse::<u64>().ok());
        parts.push(match name {
            "C" => ("kind".to_string(), json!("c")),
            "Rust" => ("kind".to_string(), json!("rust")),
            "transparent" => ("kind".to_string(), json!("transparent")),
            "simd" => ("kind".to_string(), json!("simd")),
            "packed" => ("packed".to_string(), json!(if rest.is_empty() { Some(1) } else { n() })),
            "align" => ("align".to_string(), json!(n()?)),
            int if is_int(int) => ("int".to_string(), json!(int)),
            _ => return None,
        });
    }
    Some(parts)
}

fn is_int(name: &str) -> bool {
    matches!(name, "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128" | "isize")
}

/// The compiler's printing of an attribute (`Repr([ReprC, ReprInt(SignedInt(I8))])`,
/// `MustUse {reason: "x"}`); `None` for the ones that stay `Other`.
fn parse_printed(text: &str) -> Option<Parsed> {
    let (name, rest) = split_name(text);
    match name {
        "MustUse" => {
            let reason = rest
                .strip_prefix('{')
                .and_then(|r| r.strip_suffix('}'))
                .and_then(|fields| fields.trim().strip_prefix("reason"))
                .and_then(|r| r.trim_start().strip_prefix(':'))
                .and_then(|r| serde_json::from_str::<String>(r.trim()).ok());
            Some(Parsed::Attr(json!({ "must_use": { "reason": reason } })))
        }
        "Repr" => {
            let list = rest.strip_prefix("([")?.strip_suffix("])")?;
            let mut parts = Vec::new();
            for hint in split_top_level(list, ",") {
                let (name, arg) = split_name(hint.trim());
                let bytes = || {
                    let inner = arg.strip_prefix("(Align(")?.strip_suffix("))")?;
                    inner.trim().strip_suffix("bytes").unwrap_or(inner).trim().parse::<u64>().ok()
                };
                parts.push(match name {
                    "ReprC" => ("kind".to_string(), json!("c")),
                    "ReprRust" | "ReprEmpty" => ("kind".to_string(), json!("rust")),
                    "ReprTransparent" => ("kind".to_string(), json!("transparent")),
                    "ReprSimd" => ("kind".to_string(), json!("simd")),
                    "ReprPacked" => ("packed".to_string(), json!(bytes()?)),
                    "ReprAlign" => ("align".to_string(), json!(bytes()?)),
                    // `ReprInt(SignedInt(I8))`, `ReprInt(UnsignedInt(Usize))`.
                    "ReprInt" => {
                        let (_, ty) = arg.strip_prefix('(')?.strip_suffix(')')?.split_once('(')?;
                        let ty = ty.strip_suffix(')')?.to_lowercase();
                        is_int(&ty).then_some(())?;
                        ("int".to_string(), json!(ty))
                    }
                    _ => return None,
                });
            }
            Some(Parsed::Repr(parts))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(attrs: &[&str]) -> Value {
        Value::Array(convert(&attrs.iter().map(|a| a.to_string()).collect::<Vec<_>>()))
    }

    #[test]
    fn attributes_as_written_become_format_54_s() {
        assert_eq!(
            one(&["#[non_exhaustive]", "#[must_use]", "#[doc(hidden)]", "#[inline]"]),
            json!(["non_exhaustive", {"must_use": {"reason": null}}, {"other": "#[doc(hidden)]"}, {"other": "#[inline]"}])
        );
        assert_eq!(one(&["#[must_use = \"read it\"]"]), json!([{"must_use": {"reason": "read it"}}]));
        assert_eq!(
            one(&[
                "#[no_mangle]",
                "#[unsafe(no_mangle)]",
                "#[export_name = \"v1_init\"]",
                "#[unsafe(export_name = \"x\")]"
            ]),
            json!(["no_mangle", "no_mangle", {"export_name": "v1_init"}, {"export_name": "x"}])
        );
        assert_eq!(
            one(&["#[target_feature(enable = \"avx2,bmi1\")]"]),
            json!([{"target_feature": {"enable": ["avx2", "bmi1"]}}])
        );
        assert_eq!(
            one(&["#[deprecated(note = \"use `b`\")]", "#[automatically_derived]"]),
            json!(["automatically_derived"])
        );
    }

    #[test]
    fn repr_hints_of_every_spelling_are_one_repr() {
        let repr = |kind: &str, align: Value, packed: Value, int: Value| json!([{"repr": {"kind": kind, "align": align, "packed": packed, "int": int}}]);
        assert_eq!(one(&["#[repr(C, packed(2))]"]), repr("c", Value::Null, json!(2), Value::Null));
        assert_eq!(one(&["#[repr(u8)]"]), repr("rust", Value::Null, Value::Null, json!("u8")));
        assert_eq!(one(&["#[repr(C)]", "#[repr(align(8))]"]), repr("c", json!(8), Value::Null, Value::Null));
        assert_eq!(one(&["#[repr(transparent)]"]), repr("transparent", Value::Null, Value::Null, Value::Null));
        assert_eq!(one(&["#[repr(packed)]"]), repr("rust", Value::Null, json!(1), Value::Null));
        // As the compiler printed them in formats 40 to 42.
        assert_eq!(
            one(&["#[attr = Repr([ReprC, ReprPacked(Align(2 bytes))])]"]),
            repr("c", Value::Null, json!(2), Value::Null)
        );
        assert_eq!(
            one(&["#[attr = Repr([ReprInt(SignedInt(I8)), ReprAlign(Align(16 bytes))])]"]),
            repr("rust", json!(16), Value::Null, json!("i8"))
        );
        assert_eq!(one(&["#[attr = MustUse {reason: \"why\"}]"]), json!([{"must_use": {"reason": "why"}}]));
        assert_eq!(one(&["#[attr = Inline(Hint)]"]), json!([{"other": "#[attr = Inline(Hint)]"}]));
        // What it cannot read stays as written.
        assert_eq!(one(&["#[repr(weird)]"]), json!([{"other": "#[repr(weird)]"}]));
    }
}
