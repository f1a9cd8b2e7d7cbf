//! 44 → 45: span columns counted from 1, as lines always were (`begin` and `end` are
//! `[line, column]`).

use serde_json::Value;

pub fn upgrade(value: &mut Value) {
    super::each_object(value, &mut |map| {
        if !map.contains_key("filename") {
            return;
        }
        for key in ["begin", "end"] {
            if let Some(Value::Array(at)) = map.get_mut(key) {
                if let Some(column) = at.get_mut(1).and_then(|c| c.as_u64()) {
                    at[1] = Value::from(column + 1);
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_move_by_one_lines_stay() {
        let mut v = serde_json::json!({"span": {"filename": "src/lib.rs", "begin": [3, 0], "end": [3, 12]}});
        super::upgrade(&mut v);
        assert_eq!(v["span"], serde_json::json!({"filename": "src/lib.rs", "begin": [3, 1], "end": [3, 13]}));
    }
}
