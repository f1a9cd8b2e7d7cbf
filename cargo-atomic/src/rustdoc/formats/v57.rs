//! 56 → 57: `ExternalCrate::path` added: where the crate's files are. The normalizer reads it
//! only to tell the standard library's crates from other crates of the same name (a workspace
//! may well have a crate named `core`). Older documents do not say where a crate is, but the
//! standard library's crates name their documentation at doc.rust-lang.org
//! (`html_root_url`), which a crate of the workspace or of crates.io does not: such a crate,
//! named like a sysroot crate, gets a path through `rustlib`, as the sysroot's have; every
//! other crate an empty path.

use serde_json::Value;

use crate::rustdoc::std_paths::{STD_FAMILY, SYSROOT_OTHERS};

pub fn upgrade(value: &mut Value) {
    let Some(Value::Object(crates)) = value.get_mut("external_crates") else { return };
    for krate in crates.values_mut() {
        let Value::Object(map) = krate else { continue };
        let name = map.get("name").and_then(Value::as_str).unwrap_or_default();
        let named = STD_FAMILY.contains(&name) || SYSROOT_OTHERS.contains(&name);
        let docs = map.get("html_root_url").and_then(Value::as_str).unwrap_or_default();
        let sysroot = named && docs.starts_with("https://doc.rust-lang.org/");
        let path = if sysroot { format!("lib/rustlib/{name}") } else { String::new() };
        map.entry("path").or_insert(Value::from(path));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_standard_library_s_crates_are_the_sysroot_s() {
        let mut v = serde_json::json!({"external_crates": {
            "1": {"name": "core", "html_root_url": "https://doc.rust-lang.org/1.85.0/"},
            "20": {"name": "core", "html_root_url": null},
            "21": {"name": "serde", "html_root_url": "https://docs.rs/serde/1.0.0"}
        }});
        super::upgrade(&mut v);
        let path = |id: &str| v["external_crates"][id]["path"].as_str().unwrap().to_string();
        assert_eq!(path("1"), "lib/rustlib/core");
        assert_eq!(path("20"), "", "a workspace crate named `core`");
        assert_eq!(path("21"), "");
    }
}
