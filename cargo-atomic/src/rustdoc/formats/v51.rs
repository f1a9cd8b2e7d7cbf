//! 50 → 51: `AssocItemConstraint::args` and `Type::QualifiedPath::args` became optional, as
//! `Path::args` is: `null` where nothing was written, instead of empty angle brackets.

use serde_json::Value;

pub fn upgrade(value: &mut Value) {
    let empty = serde_json::json!({"angle_bracketed": {"args": [], "constraints": []}});
    super::each_object(value, &mut |map| {
        // A qualified path (`<T as Tr>::Name`), or a constraint (`Item = u8`, `Item: Clone`).
        let constraint = map.contains_key("name") && map.contains_key("binding");
        let qualified = map.contains_key("self_type") && map.contains_key("trait");
        if (constraint || qualified) && map.get("args") == Some(&empty) {
            map.insert("args".to_string(), Value::Null);
        }
    });
}
