//! Scanning rendered declarations: top-level splitting and the crates a type mentions.

use std::collections::BTreeSet;

/// Byte offset of the first occurrence of `pat` at bracket depth 0, at or after `from`.
///
/// Brackets are `()`, `[]`, `{}` and `<>`; the `>` of `->` is not a bracket; string literals
/// (ABIs, const expressions) are skipped.
pub fn find_top_level(s: &str, pat: &str, from: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth: i32 = 0;
    let mut in_str = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if in_str {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == b'"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        // Byte-wise: `i` may sit inside a multi-byte character (non-ASCII identifiers); a match
        // of the (ASCII-led) pattern starts on a character boundary.
        if depth == 0 && i >= from && bytes[i..].starts_with(pat.as_bytes()) && s.is_char_boundary(i) {
            return Some(i);
        }
        match c {
            b'"' => in_str = true,
            b'(' | b'[' | b'{' | b'<' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'>' if i == 0 || bytes[i - 1] != b'-' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Splits at every top-level `sep`; an empty input gives no parts.
pub fn split_top_level<'a>(s: &'a str, sep: &str) -> Vec<&'a str> {
    let mut parts = Vec::new();
    if s.trim().is_empty() {
        return parts;
    }
    let mut start = 0;
    while let Some(i) = find_top_level(s, sep, start) {
        parts.push(s[start..i].trim());
        start = i + sep.len();
    }
    parts.push(s[start..].trim());
    parts
}

/// Byte offset of the bracket closing the one opened at `open` (which must be a bracket).
pub fn matching_close(s: &str, open: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0i32;
    let mut in_str = false;
    let mut i = open;
    while i < bytes.len() {
        let c = bytes[i];
        if in_str {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == b'"' {
                in_str = false;
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'(' | b'[' | b'{' | b'<' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b'>' if i == 0 || bytes[i - 1] != b'-' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// The first segment of every path in a rendered type or declaration: the crates it mentions
/// (`Result<(), core::Error>` → `{core}`). `std` is included when present; generic parameters and
/// prelude names are not paths and are not reported.
pub fn mentioned_crates(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let starts_ident = (c.is_ascii_alphabetic() || c == b'_')
            && (i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == b'_'
                    || bytes[i - 1] == b':'
                    || bytes[i - 1] == b'\''));
        if starts_ident {
            let mut j = i;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                j += 1;
            }
            if text[j..].starts_with("::") {
                found.insert(text[i..j].to_string());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    found
}

/// Replaces the word `Self` (not `Self` inside another identifier) with `with`.
pub fn replace_self(text: &str, with: &str) -> String {
    replace_word(text, "Self", with)
}

/// Replaces the identifier `word` (not inside another identifier) with `with`.
pub fn replace_word(text: &str, word: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || !c.is_ascii();
    let mut i = 0;
    while i < text.len() {
        let is_word = text[i..].starts_with(word)
            && (i == 0 || !is_ident(bytes[i - 1]))
            && bytes.get(i + word.len()).is_none_or(|c| !is_ident(*c));
        if is_word {
            out.push_str(with);
            i += word.len();
        } else {
            let c = text[i..].chars().next().expect("in bounds");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Where the path that goes on at byte `from` of `tail` ends: it runs over identifiers joined by
/// `::`; a lone `:` (`T: Bound`) ends it, as does `::<` (turbofish).
fn path_end(tail: &str, from: usize) -> usize {
    let mut end = from;
    loop {
        end += tail[end..].find(|c: char| !ident(c)).unwrap_or(tail.len() - end);
        match tail[end..].strip_prefix("::") {
            Some(next) if next.starts_with(ident) => end += 2,
            _ => return end,
        }
    }
}

/// `text` with every path that starts with `root` at an identifier boundary rewritten by `f`,
/// which gets the whole path (`root::a::B`, without generic arguments).
pub fn rewrite_paths(text: &str, root: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(root) {
        let bounded = !rest[..i].chars().next_back().is_some_and(|c| ident(c) || c == ':');
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = path_end(tail, root.len());
        let path = &tail[..end];
        out.push_str(&if bounded { f(path) } else { path.to_string() });
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// `text` with every path in it (any run of identifiers joined by `::`, one identifier too)
/// replaced by `f` of it.
pub fn map_paths(text: &str, f: impl Fn(&str) -> &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(ident) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = path_end(tail, 0);
        out.push_str(f(&tail[..end]));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_outside_brackets_only() {
        assert_eq!(
            split_top_level("a: Result<(), E>, b: fn(u8, u8) -> u8, c: [u8; 4]", ", "),
            vec!["a: Result<(), E>", "b: fn(u8, u8) -> u8", "c: [u8; 4]"]
        );
        assert_eq!(split_top_level("", ", "), Vec::<&str>::new());
    }

    #[test]
    fn arrow_is_not_a_bracket() {
        let s = "f: impl Fn(u8) -> Vec<u8>, g: u8";
        assert_eq!(split_top_level(s, ", ").len(), 2);
        assert_eq!(find_top_level("fn x() -> u8 where T: A", " where ", 0), Some(12));
    }

    #[test]
    fn a_path_ends_at_a_lone_colon() {
        let marked = |p: &str| format!("<{p}>");
        assert_eq!(rewrite_paths("pub trait k::Sl: k::Ix", "k::Sl", marked), "pub trait <k::Sl>: k::Ix");
        assert_eq!(rewrite_paths("k::a::B::c(x: k::D)", "k::", marked), "<k::a::B::c>(x: <k::D>)");
        assert_eq!(rewrite_paths("k::A::<u8>", "k::", marked), "<k::A>::<u8>");
    }

    #[test]
    fn replaces_self_as_a_word() {
        assert_eq!(replace_self("Option<Self>", "a::B<T>"), "Option<a::B<T>>");
        assert_eq!(replace_self("SelfRef", "X"), "SelfRef");
    }

    #[test]
    fn finds_crates_in_paths() {
        let crates = mentioned_crates("Result<(), core::Error> where T: interface::Handler<'a, std::fmt::Error>");
        assert_eq!(crates.into_iter().collect::<Vec<_>>(), vec!["core", "interface", "std"]);
        assert!(mentioned_crates("<T as Trait>::Item").is_empty());
    }
}
