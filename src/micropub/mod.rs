//! Micropub (W3C Recommendation, 2017) without the web: requests parsed from form and
//! JSON bodies into one [`Request`], posts turned into Markdown files and back (`file`),
//! and the content folder they live in (`folder`). The HTTP side is `web::micropub`.

mod deleted;
pub mod file;
pub(crate) mod folder;

use serde_json::{Map, Value};

/// Microformats properties: every value is an array.
pub type Props = Map<String, Value>;

/// What a client asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Create(Props),
    Update {
        url: String,
        replace: Props,
        add: Props,
        /// Values to take out of properties.
        remove_values: Props,
        /// Properties to take out whole.
        remove: Vec<String>,
    },
    Delete(String),
    Undelete(String),
}

impl Request {
    /// The scope a token needs for this request.
    pub fn scope(&self) -> &'static str {
        match self {
            Request::Create(_) => "create",
            Request::Update { .. } => "update",
            Request::Delete(_) => "delete",
            Request::Undelete(_) => "undelete",
        }
    }
}

/// A request the spec calls `invalid_request`, with a sentence that says why.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid(pub String);

fn invalid<T>(message: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid(message.into()))
}

/// A form-encoded (or multipart) body: `h=entry&content=…&category[]=…`, or
/// `action=delete&url=…`. `access_token` must already be taken out.
pub fn from_form(pairs: Vec<(String, String)>) -> Result<Request, Invalid> {
    let mut props = Props::new();
    let (mut h, mut action, mut url) = (None, None, None);
    for (key, value) in pairs {
        match key.as_str() {
            "h" => h = Some(value),
            "action" => action = Some(value),
            "url" => url = Some(value),
            _ => put_form_value(&mut props, &key, value)?,
        }
    }
    match action.as_deref() {
        None | Some("create") => {}
        Some(a @ ("delete" | "undelete")) => {
            let Some(url) = url else {
                return invalid(format!("`action={a}` needs the `url` of the post"));
            };
            return Ok(if a == "delete" {
                Request::Delete(url)
            } else {
                Request::Undelete(url)
            });
        }
        Some("update") => {
            return invalid("updates are sent as JSON (`Content-Type: application/json`)");
        }
        Some(a) => {
            return invalid(format!(
                "unknown action `{a}`; use create, update, delete or undelete"
            ));
        }
    }
    match h.as_deref() {
        Some("entry") => Ok(Request::Create(props)),
        Some(other) => invalid(format!(
            "only `h=entry` posts are supported, not `h={other}`"
        )),
        None => invalid("a new post needs `h=entry`"),
    }
}

/// Puts one form field into `props`: `k`, `k[]`, `k[0]` append a value; `k[html]`,
/// `k[value]`, `k[alt]` and `k[properties][p]` build one object (Microformats nesting).
fn put_form_value(props: &mut Props, key: &str, value: String) -> Result<(), Invalid> {
    let (base, rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    if base.is_empty() || base.len() > 100 {
        return invalid(format!(
            "`{}` is not a property name",
            key.chars().take(100).collect::<String>()
        ));
    }
    let mut segments = Vec::new();
    let mut r = rest;
    while let Some(s) = r.strip_prefix('[') {
        let Some(end) = s.find(']') else {
            return invalid(format!("`{key}`: a `[` without its `]`"));
        };
        segments.push(&s[..end]);
        r = &s[end + 1..];
    }
    let list = props
        .entry(base.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(list) = list else {
        unreachable!("every property is an array")
    };
    let named: Vec<&str> = segments
        .iter()
        .copied()
        .filter(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    if named.is_empty() {
        list.push(Value::String(value));
        return Ok(());
    }
    if !matches!(list.last(), Some(Value::Object(_))) {
        list.push(Value::Object(Map::new()));
    }
    let Some(Value::Object(mut at)) = list.last_mut().map(std::mem::take) else {
        unreachable!("just pushed")
    };
    insert_path(&mut at, &named, value, false);
    *list.last_mut().expect("just pushed") = Value::Object(at);
    Ok(())
}

/// `["properties", "num"]` → `{"properties": {"num": ["70.64"]}}`; `type` and anything under
/// `properties` are arrays, as Microformats objects have them; `value`, `alt`, `html` are text.
fn insert_path(obj: &mut Map<String, Value>, path: &[&str], value: String, in_props: bool) {
    let (first, rest) = (path[0], &path[1..]);
    if rest.is_empty() {
        let v = if in_props || first == "type" {
            Value::Array(vec![Value::String(value)])
        } else {
            Value::String(value)
        };
        obj.insert(first.to_string(), v);
        return;
    }
    let child = obj
        .entry(first.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(child) = child {
        insert_path(child, rest, value, first == "properties");
    }
}

/// A JSON body: `{"type": ["h-entry"], "properties": {…}}` or `{"action": …, "url": …}`.
pub fn from_json(body: Value) -> Result<Request, Invalid> {
    let Value::Object(mut body) = body else {
        return invalid("the JSON body must be an object");
    };
    if let Some(action) = body.remove("action") {
        let Some(action) = action.as_str().map(str::to_string) else {
            return invalid("`action` must be a string");
        };
        let Some(url) = body.get("url").and_then(Value::as_str).map(str::to_string) else {
            return invalid(format!(
                "`\"action\": \"{action}\"` needs the `url` of the post"
            ));
        };
        return match action.as_str() {
            "delete" => Ok(Request::Delete(url)),
            "undelete" => Ok(Request::Undelete(url)),
            "update" => update(url, body),
            a => invalid(format!(
                "unknown action `{a}`; use update, delete or undelete"
            )),
        };
    }
    let types = body.get("type").and_then(Value::as_array);
    if types.is_none_or(|t| t.first().and_then(Value::as_str) != Some("h-entry")) {
        return invalid("a new post needs `\"type\": [\"h-entry\"]`");
    }
    let props = match body.remove("properties") {
        Some(p) => props_of(p, "properties")?,
        None => return invalid("a new post needs its `properties`"),
    };
    Ok(Request::Create(props))
}

fn update(url: String, mut body: Map<String, Value>) -> Result<Request, Invalid> {
    let replace = match body.remove("replace") {
        Some(p) => props_of(p, "replace")?,
        None => Props::new(),
    };
    let add = match body.remove("add") {
        Some(p) => props_of(p, "add")?,
        None => Props::new(),
    };
    let (mut remove_values, mut remove) = (Props::new(), Vec::new());
    match body.remove("delete") {
        None => {}
        Some(Value::Array(names)) => {
            for n in names {
                let Value::String(n) = n else {
                    return invalid("`delete` as a list names properties: strings only");
                };
                remove.push(n);
            }
        }
        Some(p @ Value::Object(_)) => remove_values = props_of(p, "delete")?,
        Some(_) => {
            return invalid("`delete` must be a list of property names or an object of values");
        }
    }
    if replace.is_empty() && add.is_empty() && remove_values.is_empty() && remove.is_empty() {
        return invalid("an update needs `replace`, `add` or `delete`");
    }
    Ok(Request::Update {
        url,
        replace,
        add,
        remove_values,
        remove,
    })
}

/// An object whose every value is an array, as the spec requires.
fn props_of(v: Value, what: &str) -> Result<Props, Invalid> {
    let Value::Object(props) = v else {
        return invalid(format!("`{what}` must be an object of properties"));
    };
    for (k, v) in &props {
        if !v.is_array() {
            return invalid(format!("`{what}.{k}` must be an array of values"));
        }
    }
    Ok(props)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(s: &[(&str, &str)]) -> Request {
        from_form(
            s.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn form_fields_become_properties() {
        let Request::Create(p) = form(&[
            ("h", "entry"),
            ("category[]", "a"),
            ("category[]", "b"),
            ("content[html]", "<b>x</b>"),
            ("photo[value]", "https://e.org/a.jpg"),
            ("photo[alt]", "A"),
            ("x-weight[type]", "h-measure"),
            ("x-weight[properties][num]", "70"),
        ]) else {
            panic!()
        };
        assert_eq!(p["category"], json!(["a", "b"]));
        assert_eq!(p["content"], json!([{"html": "<b>x</b>"}]));
        assert_eq!(
            p["photo"],
            json!([{"value": "https://e.org/a.jpg", "alt": "A"}])
        );
        assert_eq!(
            p["x-weight"],
            json!([{"type": ["h-measure"], "properties": {"num": ["70"]}}])
        );
    }

    #[test]
    fn updates_must_use_arrays() {
        assert!(from_json(json!({"action": "update", "url": "u", "replace": "x"})).is_err());
        assert!(from_json(json!({"action": "update", "url": "u", "replace": {"a": "x"}})).is_err());
        assert!(from_json(json!({"action": "update", "url": "u", "delete": ["a"]})).is_ok());
    }
}
