//! 56 → 57: `ExternalCrate::path` added: where the crate's files are. The normalizer reads it
//! only to tell the standard library's crates from crates.io ones of the same name. Older
//! documents do not say, so a crate named like a sysroot crate is taken to be it (given a path
//! through `rustlib`, as the sysroot's are), and every other crate gets an empty path.

use serde_json::Value;

use crate::rustdoc::std_paths::{STD_FAMILY, SYSROOT_OTHERS};

pub fn upgrade(value: &mut Value) {
    let Some(Value::Object(crates)) = value.get_mut("external_crates") else { return };
    for krate in crates.values_mut() {
        let Value::Object(map) = krate else { continue };
        let name = map.get("name").and_then(Value::as_str).unwrap_or_default();
        let sysroot = STD_FAMILY.contains(&name) || SYSROOT_OTHERS.contains(&name);
        let path = if sysroot { format!("lib/rustlib/{name}") } else { String::new() };
        map.entry("path").or_insert(Value::from(path));
    }
}
