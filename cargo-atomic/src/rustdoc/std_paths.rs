//! Standard library paths as users write them, independent of the rustdoc format: the adapter
//! maps definition paths (`core::fmt::builders::DebugList`) through [`std_path`].

/// Crates whose items are rendered with `std` paths (`core::fmt::Debug` → `std::fmt::Debug`).
pub(crate) const STD_FAMILY: [&str; 3] = ["std", "core", "alloc"];
/// Sysroot crates kept under their own name.
pub(crate) const SYSROOT_OTHERS: [&str; 2] = ["proc_macro", "test"];
/// Compiler-internal traits that derives implement; not API.
pub(crate) const INTERNAL_TRAITS: [&str; 4] = [
    "std::marker::StructuralPartialEq",
    "std::marker::Freeze",
    "std::marker::UnsafeUnpin",
    "std::marker::ConstParamTy_",
];

/// The path users write for a standard library item, from its definition path: prelude items by
/// name (`Option`, `Clone`), others under `std` with private modules dropped
/// (`core::fmt::builders::DebugList` → `std::fmt::DebugList`), so snapshots survive the standard
/// library moving things around between toolchains.
pub(crate) fn std_path(def: &[String]) -> String {
    let krate = def.first().map(String::as_str).unwrap_or("std");
    if SYSROOT_OTHERS.contains(&krate) || def.len() < 2 {
        return def.join("::");
    }
    let name = def.last().expect("checked above").as_str();
    let modules: Vec<&str> = def[1..def.len() - 1].iter().map(String::as_str).collect();
    let first = modules.first().copied().unwrap_or("");
    const PRELUDE: [(&str, &[&str]); 12] = [
        ("option", &["Option"]),
        ("result", &["Result"]),
        ("vec", &["Vec"]),
        ("string", &["String", "ToString"]),
        ("boxed", &["Box"]),
        ("clone", &["Clone"]),
        ("marker", &["Copy", "Send", "Sized", "Sync", "Unpin"]),
        ("ops", &["Drop", "Fn", "FnMut", "FnOnce"]),
        ("borrow", &["ToOwned"]),
        ("cmp", &["PartialEq", "PartialOrd", "Eq", "Ord"]),
        ("convert", &["AsRef", "AsMut", "Into", "From", "TryFrom", "TryInto"]),
        ("iter", &["Iterator", "Extend", "IntoIterator", "DoubleEndedIterator", "ExactSizeIterator", "FromIterator"]),
    ];
    if PRELUDE.iter().any(|(m, names)| *m == first && names.contains(&name))
        || (first == "default" && name == "Default")
    {
        return name.to_string();
    }
    let public_modules: Vec<&str> = match first {
        "" => Vec::new(),
        "os" | "arch" | "core_arch" | "simd" | "intrinsics" | "prelude" | "primitive" => modules.clone(),
        "collections" => {
            const TOP: [&str; 8] = [
                "HashMap",
                "HashSet",
                "BTreeMap",
                "BTreeSet",
                "VecDeque",
                "BinaryHeap",
                "LinkedList",
                "TryReserveError",
            ];
            let sub = match (modules.get(1).copied(), modules.get(2).copied()) {
                _ if TOP.contains(&name) => None,
                (Some("hash"), Some("map")) => Some("hash_map"),
                (Some("hash"), Some("set")) => Some("hash_set"),
                (Some("btree"), Some("map")) => Some("btree_map"),
                (Some("btree"), Some("set")) => Some("btree_set"),
                (Some(other), _) => Some(other),
                (None, _) => None,
            };
            std::iter::once("collections").chain(sub).collect()
        }
        "sync" => match modules.get(1).copied() {
            Some(sub @ ("atomic" | "mpsc")) => vec!["sync", sub],
            Some("mpmc") => vec!["sync", "mpsc"],
            _ => vec!["sync"],
        },
        "str" if modules.get(1) == Some(&"pattern") => vec!["str", "pattern"],
        _ => vec![first],
    };
    let mut out = String::from("std");
    for m in public_modules {
        out.push_str("::");
        out.push_str(m);
    }
    out.push_str("::");
    out.push_str(name);
    out
}

#[cfg(test)]
mod tests {
    use super::std_path;

    fn p(s: &str) -> String {
        std_path(&s.split("::").map(str::to_string).collect::<Vec<_>>())
    }

    #[test]
    fn std_paths_are_the_public_ones() {
        assert_eq!(p("core::option::Option"), "Option");
        assert_eq!(p("core::fmt::Result"), "std::fmt::Result");
        assert_eq!(p("core::result::Result"), "Result");
        assert_eq!(p("std::collections::hash::map::HashMap"), "std::collections::HashMap");
        assert_eq!(p("std::collections::hash::map::Entry"), "std::collections::hash_map::Entry");
        assert_eq!(p("std::io::error::Error"), "std::io::Error");
        assert_eq!(p("core::iter::traits::iterator::Iterator"), "Iterator");
        assert_eq!(p("core::sync::atomic::AtomicUsize"), "std::sync::atomic::AtomicUsize");
        assert_eq!(p("std::sync::poison::mutex::Mutex"), "std::sync::Mutex");
        assert_eq!(p("core::time::Duration"), "std::time::Duration");
        assert_eq!(p("std::os::unix::fs::OpenOptionsExt"), "std::os::unix::fs::OpenOptionsExt");
        assert_eq!(p("proc_macro::TokenStream"), "proc_macro::TokenStream");
        assert_eq!(p("core::panic::unwind_safe::UnwindSafe"), "std::panic::UnwindSafe");
        assert_eq!(p("core::marker::Send"), "Send");
    }
}
