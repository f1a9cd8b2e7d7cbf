//! 40 → 41: `GenericBound::Use` (`impl Trait + use<'a, T>`) holds `PreciseCapturingArg`s:
//! `{"lifetime": "'a"}` or `{"param": "T"}` instead of the bare strings.

use serde_json::Value;

pub fn upgrade(value: &mut Value) {
    super::each_object(value, &mut |map| {
        if map.len() != 1 {
            return;
        }
        // `ItemEnum::Use` is an object; the bound's is a list of names.
        let Some(Value::Array(args)) = map.get_mut("use") else { return };
        for arg in args.iter_mut() {
            if let Value::String(name) = arg {
                let kind = if name.starts_with('\'') { "lifetime" } else { "param" };
                *arg = serde_json::json!({ kind: name.clone() });
            }
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn captured_names_become_lifetimes_and_params() {
        let mut v = serde_json::json!({"bounds": [{"use": ["'a", "T"]}], "inner": {"use": {"source": "x"}}});
        super::upgrade(&mut v);
        assert_eq!(v["bounds"][0]["use"], serde_json::json!([{"lifetime": "'a"}, {"param": "T"}]));
        assert_eq!(v["inner"]["use"]["source"], "x");
    }
}
