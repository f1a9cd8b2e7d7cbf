//! Valid Rust never panics the tool: non-ASCII identifiers in every kind of item, through
//! snapshot, api, diff and check.

use crate::support::{single_crate, Project};

const LIB: &str = r#"
pub mod größen {
    pub struct Café { pub größe: u8, pub(crate) _intern: () }
    pub struct Paar(pub u8, pub u16);
    pub enum Ünit { Ä, Ö(u8), Ü { wert: u16 } }
    pub union Zahl { pub ganz: u32, pub bruch: f32 }
    pub trait Träit<Ť> { type Ausgabe; const GRÖSSE: usize; fn méthode(&self, t: Ť) -> Self::Ausgabe; }
    pub type Kürzel<'ä> = &'ä str;
    pub const ÇONST: u8 = 1;
    pub static STÄTIC: u16 = 2;
    impl Café { pub fn nëw(größe: u8) -> Café { Café { größe, _intern: () } } pub const NULL: u8 = 0; }
    impl Träit<u8> for Café { type Ausgabe = u8; const GRÖSSE: usize = 1; fn méthode(&self, t: u8) -> u8 { t } }
    pub fn größe<Ťype: Clone>(x: Ťype, αβ: u16) -> Ťype { let _ = αβ; x }
    #[export_name = "exportiert_ae"]
    pub extern "C" fn exportiert_ä(x: u32) -> u32 { x }
    #[macro_export]
    macro_rules! mäkro { () => {}; }
}
pub use größen::Café as Kaffee;
"#;

#[test]
fn non_ascii_identifiers_in_every_item_kind() {
    let p = single_crate(LIB);
    let run = p.atomic(&["snapshot", "-q"]);
    run.assert_code(0);
    let snapshot = p.read("atomic-api.txt");
    for line in [
        "pub struct demo::größen::Café { pub größe: u8, .. }",
        "pub fn demo::größen::größe<Ťype>(x: Ťype, αβ: u16) -> Ťype where Ťype: Clone",
        "pub demo::größen::Ünit::Ü { wert: u16 }",
        "pub trait demo::größen::Träit<Ť> // not dyn-compatible",
        "pub macro_rules! demo::mäkro",
        "pub union demo::größen::Zahl { pub ganz: u32, pub bruch: f32 }",
        "pub struct demo::größen::Paar(pub u8, pub u16);",
        "pub type demo::größen::Kürzel<'ä> = &'ä str",
        "pub static demo::größen::STÄTIC: u16",
        "export exportiert_ae = #[export_name = \"exportiert_ae\"] extern \"C\" fn demo::größen::exportiert_ä(x: u32) -> u32",
        "pub struct demo::Kaffee { pub größe: u8, .. }",
    ] {
        assert!(snapshot.lines().any(|l| l == line), "missing `{line}` in\n{snapshot}");
    }
    p.atomic(&["snapshot", "--check", "-q"]).assert_code(0);
    let api = p.atomic(&["api", "-q"]);
    api.assert_code(0);
    assert!(api.stdout.contains("pub fn demo::größen::Café::nëw(größe: u8) -> demo::größen::Café"), "{}", api.stdout);

    // Compared with itself: no finding.
    let base = Project::new();
    crate::support::copy_dir(p.root(), base.root());
    let same = p.atomic(&["diff", "-q", "--message-format", "json", "--baseline-path", base.root().to_str().unwrap()]);
    same.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&same.stdout).unwrap();
    assert_eq!(doc["crates"][0]["findings"], serde_json::json!([]), "{}", same.stdout);
    let check = p.atomic(&["check", "--baseline-path", base.root().to_str().unwrap()]);
    check.assert_code(0);

    // Changed: the findings name the items as written.
    p.file(
        "src/lib.rs",
        &LIB.replace("fn méthode(&self, t: Ť)", "fn méthode(&self, t: Ť, ü: u8)")
            .replace("fn méthode(&self, t: u8) -> u8 { t }", "fn méthode(&self, t: u8, ü: u8) -> u8 { t + ü }")
            .replace("pub fn größe<Ťype: Clone>(x: Ťype, αβ: u16)", "pub fn größe<Ťype: Clone>(x: Ťype, αβ: u32)")
            .replace("Ü { wert: u16 }", "Ü { wert: u16, neu: u8 }"),
    );
    let diff = p.atomic(&["diff", "-q", "--message-format", "json", "--baseline-path", base.root().to_str().unwrap()]);
    diff.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&diff.stdout).unwrap();
    let mut got: Vec<String> = doc["crates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["rule"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "enum-variant-fields-added demo::größen::Ünit::Ü",
            "fn-param-type-changed demo::größen::größe",
            "trait-item-signature-changed demo::größen::Träit::méthode",
        ],
        "{}",
        diff.stdout
    );
}
