//! 38 → 39: `Path::name` renamed `Path::path` (and holding the path as written again).
//!
//! A `Path` is the only object with exactly the fields `name`, `id` and `args`.

use serde_json::Value;

pub fn upgrade(value: &mut Value) {
    super::each_object(value, &mut |map| {
        if map.len() == 3 && map.contains_key("id") && map.contains_key("args") {
            if let Some(name) = map.remove("name") {
                map.insert("path".to_string(), name);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_path_s_name_becomes_its_path_and_nothing_else_moves() {
        let mut v = serde_json::json!({
            "inner": {"resolved_path": {"name": "Vec", "id": 3, "args": null}},
            "item": {"name": "f", "id": 1, "args": null, "docs": null}
        });
        super::upgrade(&mut v);
        assert_eq!(v["inner"]["resolved_path"], serde_json::json!({"path": "Vec", "id": 3, "args": null}));
        assert_eq!(v["item"]["name"], "f");
    }
}
