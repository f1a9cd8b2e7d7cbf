//! 54 → 55: `#[macro_export]` is `Attribute::MacroExport`, no longer `Attribute::Other`.

use serde_json::Value;

pub fn upgrade(value: &mut Value) {
    let Some(Value::Object(index)) = value.get_mut("index") else { return };
    for item in index.values_mut() {
        let Some(Value::Array(attrs)) = item.get_mut("attrs") else { continue };
        for a in attrs.iter_mut() {
            if a.get("other").and_then(Value::as_str).is_some_and(|s| s.starts_with("#[macro_export")) {
                *a = Value::from("macro_export");
            }
        }
    }
}
