//! 43 → 44: `Crate::target` added (the target triple and its features). Older documents do not
//! say which target they were built for: an empty triple with no features, which nothing here
//! reads.

use serde_json::Value;

pub fn upgrade(value: &mut Value) {
    if let Value::Object(root) = value {
        root.entry("target").or_insert_with(|| serde_json::json!({"triple": "", "target_features": []}));
    }
}
