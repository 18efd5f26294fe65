//! Where in a JSON document a decode error happened, as a path (`errors[3].reason`).
//!
//! serde_json reports a line and column; people want to know which field. A path-tracking
//! deserializer (serde_path_to_error) would say so too, but it doubles the decoding code
//! for every model in the bundle and slows every decode down; this scanner runs only
//! after a failure and is the same few hundred bytes for every model.

/// One open container on the way to the error.
enum Frame {
    /// An object, with the key whose value is being read (if one has been seen).
    Object { key: Option<String> },
    /// An array, with the index of the element being read.
    Array { index: usize },
}

/// The path of the value that byte `offset` of `json` belongs to, in the style
/// `imports[1].status`; `.` for the top level. A value's path is complete once its key
/// has been read; after a container closes, the path is the container's own.
pub fn json_path_at(json: &[u8], offset: usize) -> String {
    // serde_json reports the last byte it consumed; a container of the wrong type is only
    // peeked at, so the scan never enters it.
    let end = offset.min(json.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut expecting_key = false;
    let mut i = 0;
    while i < end {
        match json[i] {
            b'"' => {
                let start = i + 1;
                i = start;
                while i < json.len() && json[i] != b'"' {
                    // An escape covers the next byte, which may be a quote.
                    i += if json[i] == b'\\' { 2 } else { 1 };
                }
                if expecting_key {
                    if let Some(Frame::Object { key }) = stack.last_mut() {
                        let raw = &json[start..i.min(json.len())];
                        *key = Some(String::from_utf8_lossy(raw).into_owned());
                    }
                    expecting_key = false;
                }
            }
            b'{' => {
                stack.push(Frame::Object { key: None });
                expecting_key = true;
            }
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
                expecting_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { .. }) => expecting_key = true,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    render(&stack)
}

/// The byte offset just past `line`:`column` (both 1-based, columns counted in bytes,
/// as serde_json reports them).
pub fn offset_of(json: &[u8], line: usize, column: usize) -> usize {
    let line_start = json
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .nth(line.saturating_sub(2))
        .map_or(0, |(i, _)| i + 1);
    let line_start = if line <= 1 { 0 } else { line_start };
    line_start + column
}

fn render(stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object { key: Some(key) } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None } => {}
            Frame::Array { index } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    if path.is_empty() {
        ".".to_owned()
    } else {
        path
    }
}
