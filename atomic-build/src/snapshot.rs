//! Reading `cargo atomic`'s snapshot file: just enough to name each item and to hash what must
//! not change about it. (The full grammar belongs to `cargo-atomic`; this reader is kept small so
//! the crate stays dependency-free.)

/// The newest snapshot schema this crate reads; schema 1 files (a subset) are read too.
pub(crate) const SCHEMA: u32 = 2;
const OLDEST_SCHEMA: u32 = 1;

#[derive(Debug)]
pub(crate) struct Snapshot {
    pub package: String,
    /// `(key, declaration)` per item line.
    pub items: Vec<(String, String)>,
}

/// Parses a snapshot file; errors say what is wrong in a few words.
pub(crate) fn parse(text: &str) -> Result<Snapshot, String> {
    let mut lines = text.lines().filter(|l| !l.starts_with("# "));
    let mut header = |key: &str| -> Result<String, String> {
        let line = lines.next().ok_or_else(|| format!("the file ends before its `{key}` line"))?;
        line.strip_prefix(key)
            .and_then(|r| r.strip_prefix(' '))
            .map(str::to_string)
            .ok_or_else(|| format!("expected `{key} ...`, found `{line}`"))
    };
    let schema = header("schema")?;
    let schema: u32 = schema.parse().map_err(|_| format!("schema `{schema}` is not a number"))?;
    if schema > SCHEMA {
        return Err(format!(
            "it was written with snapshot schema {schema}, newer than this atomic-build reads (schema {SCHEMA}); \
             upgrade atomic-build"
        ));
    }
    if schema < OLDEST_SCHEMA {
        return Err(format!("it uses snapshot schema {schema}, which this atomic-build no longer reads"));
    }
    let package = header("package")?;
    header("lib")?;
    header("checked-features")?;
    let mut items = Vec::new();
    let mut end = None;
    for line in lines {
        // Features, exposed dependencies and exported symbols are not items: the identity covers
        // the Rust API a component is built against.
        if line.is_empty()
            || line.starts_with("feature ")
            || line.starts_with("dependency ")
            || line.starts_with("export ")
        {
            continue;
        }
        if end.is_some() {
            return Err("content after the `end` line".to_string());
        }
        if let Some(n) = line.strip_prefix("end ").and_then(|r| r.strip_suffix(" items")) {
            end = Some(n.parse::<usize>().map_err(|_| "malformed `end` line".to_string())?);
            continue;
        }
        items.push((key(line), line.to_string()));
    }
    match end {
        None => Err("it is truncated: its `end` line is missing".to_string()),
        Some(n) if n != items.len() => {
            Err(format!("it is corrupt: its `end` line counts {n} items, the file has {}", items.len()))
        }
        Some(_) => Ok(Snapshot { package, items }),
    }
}

/// Attributes at the start of a line removed.
fn strip_attrs(mut line: &str) -> &str {
    while line.starts_with("#[") {
        match close(line, 1) {
            Some(i) => line = line[i + 1..].trim_start(),
            None => break,
        }
    }
    line
}

/// The identity of an item: its kind and path (`fn core::execute_operation`), or for a trait
/// impl its head (`impl Clone for core::Error`).
pub(crate) fn key(line: &str) -> String {
    let line = strip_attrs(line);
    let line = line.split(" // ").next().unwrap_or(line);
    if let Some(head) = line.strip_prefix("unsafe impl").or_else(|| line.strip_prefix("impl")) {
        let head = head.split(" where ").next().unwrap_or(head);
        return format!("impl{}", head.split(" { ").next().unwrap_or(head));
    }
    let mut rest = line.strip_prefix("pub ").unwrap_or(line);
    let mut kind = "variant";
    loop {
        let word = rest.split(' ').next().unwrap_or("");
        let after = rest.get(word.len() + 1..).unwrap_or("");
        match word {
            "async" | "unsafe" | "auto" | "mut" => rest = after,
            "const" if ["fn ", "async ", "unsafe ", "extern "].iter().any(|w| after.starts_with(w)) => rest = after,
            "extern" => rest = after.split_once("\" ").map(|(_, r)| r).unwrap_or(after),
            "fn"
            | "struct"
            | "enum"
            | "union"
            | "trait"
            | "type"
            | "mod"
            | "const"
            | "static"
            | "macro_rules!"
            | "proc_macro"
            | "proc_macro_attribute"
            | "proc_macro_derive"
            | "use" => {
                kind = word;
                rest = after.strip_prefix("mut ").unwrap_or(after);
                break;
            }
            _ => break,
        }
    }
    let kind = match kind {
        "proc_macro" | "proc_macro_attribute" | "proc_macro_derive" | "macro_rules!" => "macro",
        k => k,
    };
    // The path, without the generic arguments some segments carry.
    let mut path = String::new();
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => match close(rest, i) {
                Some(j) => i = j + 1,
                None => break,
            },
            b':' if bytes.get(i + 1) == Some(&b':') => {
                path.push_str("::");
                i += 2;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'#' => {
                path.push(c as char);
                i += 1;
            }
            // Identifiers may be non-ASCII: take the whole character.
            c if c > 127 => match rest[i..].chars().next() {
                Some(ch) if ch.is_alphanumeric() => {
                    path.push(ch);
                    i += ch.len_utf8();
                }
                _ => break,
            },
            _ => break,
        }
    }
    format!("{kind} {path}")
}

/// What must not change about an item: its declaration, with parameter names left out (they are
/// not part of the API).
pub(crate) fn comparable(line: &str) -> String {
    let Some(fn_at) = find_fn(line) else { return line.to_string() };
    let Some(open) = line[fn_at..].find('(').map(|i| i + fn_at) else { return line.to_string() };
    // `(` of the parameter list: skip generic arguments in the path first.
    let open = match line[fn_at..open].find('<') {
        Some(lt) => match close(line, fn_at + lt).and_then(|gt| line[gt..].find('(').map(|i| i + gt)) {
            Some(o) => o,
            None => return line.to_string(),
        },
        None => open,
    };
    let Some(close_at) = close(line, open) else { return line.to_string() };
    let params: Vec<String> = split_top(&line[open + 1..close_at])
        .into_iter()
        .map(|p| match p {
            "self" | "&self" | "&mut self" | "..." => p.to_string(),
            _ if p.starts_with("&'") && p.ends_with(" self") => p.to_string(),
            _ => match find_top(p, ": ") {
                Some(i) => p[i + 2..].to_string(),
                None => p.to_string(),
            },
        })
        .collect();
    format!("{}{}{}", &line[..=open], params.join(", "), &line[close_at..])
}

fn find_fn(line: &str) -> Option<usize> {
    let body = strip_attrs(line);
    let offset = line.len() - body.len();
    let mut pos = 0;
    for word in body.split(' ') {
        match word {
            "pub" | "const" | "async" | "unsafe" => pos += word.len() + 1,
            "fn" => return Some(offset + pos + 3),
            w if w == "extern" || w.starts_with('"') => pos += word.len() + 1,
            _ => return None,
        }
    }
    None
}

/// Index of the bracket closing the one at `open` (`()[]{}<>`, `->` not a bracket).
fn close(s: &str, open: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0i32;
    for i in open..b.len() {
        match b[i] {
            b'(' | b'[' | b'{' | b'<' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'>' if i == 0 || b[i - 1] != b'-' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return Some(i);
        }
    }
    None
}

fn find_top(s: &str, pat: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0i32;
    for i in 0..b.len() {
        if depth == 0 && b[i..].starts_with(pat.as_bytes()) && s.is_char_boundary(i) {
            return Some(i);
        }
        match b[i] {
            b'(' | b'[' | b'{' | b'<' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'>' if i == 0 || b[i - 1] != b'-' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn split_top(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = s;
    while !rest.trim().is_empty() {
        match find_top(rest, ", ") {
            Some(i) => {
                parts.push(rest[..i].trim());
                rest = &rest[i + 2..];
            }
            None => {
                parts.push(rest.trim());
                break;
            }
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_kind_and_path() {
        assert_eq!(key("pub fn core::execute_operation(interface: &str) -> u8"), "fn core::execute_operation");
        assert_eq!(key("pub const unsafe extern \"C\" fn core::raw(p: *const u8)"), "fn core::raw");
        assert_eq!(key("pub fn core::Wrapper<T>::get(&self) -> &T where T: Clone"), "fn core::Wrapper::get");
        assert_eq!(key("#[non_exhaustive] pub struct core::Config { pub a: u8, .. }"), "struct core::Config");
        assert_eq!(key("pub const core::LIMIT: usize"), "const core::LIMIT");
        assert_eq!(key("pub core::Mode::Slow(u32) = 2"), "variant core::Mode::Slow");
        assert_eq!(key("impl<T> Send for core::W<T> where T: Send"), "impl<T> Send for core::W<T>");
        assert_eq!(key("pub fn core::Tr::f(&self) // required"), "fn core::Tr::f");
        assert_eq!(key("pub static mut core::COUNTER: u32"), "static core::COUNTER");
        assert_eq!(key("pub proc_macro_derive d::Describe(attributes(a))"), "macro d::Describe");
        assert_eq!(key("pub struct na::Café { pub größe: u8 }"), "struct na::Café");
        assert_eq!(key("pub fn na::größe<Ťype: Clone>(x: Ťype) -> Ťype"), "fn na::größe");
        assert_eq!(key("pub na::Ünit::Ö(u8)"), "variant na::Ünit::Ö");
        assert_eq!(comparable("pub fn na::größe(αβ: u16) -> u8"), "pub fn na::größe(u16) -> u8");
    }

    #[test]
    fn reads_items_and_checks_the_count() {
        let text = "# comment\nschema 1\npackage a\nlib a\nchecked-features default\n\nfeature default = []\n\
                    dependency serde 1\npub mod a\npub fn a::f(x: u8)\nend 2 items\n";
        let s = parse(text).unwrap();
        assert_eq!(s.package, "a");
        assert_eq!(s.items.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["mod a", "fn a::f"]);
        assert!(parse(&text.replace("end 2", "end 3")).unwrap_err().contains("counts 3 items, the file has 2"));
        assert!(parse(&text.replace("schema 1", "schema 3")).unwrap_err().contains("upgrade atomic-build"));
        assert!(parse(&text.replace("schema 1", "schema 0")).unwrap_err().contains("no longer reads"));
        let with_exports = text.replace(
            "\nfeature default = []\n",
            "\nfeature default = []\nexport a_init = #[no_mangle] extern \"C\" fn a::init()\n",
        );
        assert_eq!(parse(&with_exports).unwrap().items.len(), parse(text).unwrap().items.len());
        assert!(parse(&text[..text.len() - 12]).unwrap_err().contains("truncated"));
    }

    #[test]
    fn parameter_names_do_not_count() {
        let a = comparable("pub fn core::f(interface: &str, op: impl Fn(u8) -> u8) -> u8");
        let b = comparable("pub fn core::f(name: &str, callback: impl Fn(u8) -> u8) -> u8");
        assert_eq!(a, b);
        assert_eq!(a, "pub fn core::f(&str, impl Fn(u8) -> u8) -> u8");
        assert_eq!(
            comparable("pub fn core::W<T>::get(&self, i: usize) -> &T"),
            "pub fn core::W<T>::get(&self, usize) -> &T"
        );
        assert_ne!(comparable("pub fn core::f(a: u8)"), comparable("pub fn core::f(a: u16)"));
        assert_eq!(comparable("pub struct core::S { pub a: u8 }"), "pub struct core::S { pub a: u8 }");
    }
}
