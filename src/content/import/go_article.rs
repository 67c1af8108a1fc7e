//! The Go blog's `.article` directives (its posts with `template: true` are Go templates):
//! `{{raw `…`}}` as a code block, `{{code}}`/`{{play}}` as the named file's lines,
//! `{{image}}` as an image and `{{video}}` as a link card.

use super::{Args, Scan, code_block, inline_code, link_card};

/// `{{raw "x"}}` anywhere, code included, becomes `x`: the template printed it there.
pub(super) fn unquote_raw_strings(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find("{{raw \"") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "{{raw ".len()..];
        match after.find("\"}}") {
            Some(end) if !after[..end].contains('\n') => {
                let args = Args::parse(&after[..=end]);
                out.push_str(args.positional.first().map_or("", String::as_str));
                rest = &after[end + "\"}}".len()..];
            }
            _ => {
                out.push_str("{{raw \"");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The directive starting at `at` (`{{name …}}`), translated; its end.
pub(super) fn at(s: &mut Scan<'_>, at: usize) -> Option<usize> {
    let rest = &s.src[at + 2..];
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    if name == "raw" && rest[name_len..].trim_start().starts_with('`') {
        return raw(s, at);
    }
    let end = rest.find("}}")?;
    let args = Args::parse(&rest[name_len..end]);
    let after = at + 2 + end + 2;
    match name {
        "image" => image(s, &args),
        "video" => match args.get("", 0) {
            Some(url) => s
                .out
                .push_str(&link_card("video", &watch_url(url), "Video")),
            None => s.warn(at, "`{{video}}` names no URL; it was left out".into()),
        },
        "code" | "play" => code(s, at, name, &args),
        // `{{raw (file "t.html")}}`: a file's HTML, shown as it was (and sanitised).
        "raw" if rest[name_len..].trim_start().starts_with("(file ") => {
            let file = Args::parse(
                rest[name_len..end]
                    .trim()
                    .trim_start_matches("(file")
                    .trim_end_matches(')'),
            );
            match file.positional.first().and_then(|f| beside(s, f)) {
                Some(html) => {
                    s.out.push_str("\n\n");
                    s.out.push_str(&html);
                    s.out.push_str("\n\n");
                }
                None => s.warn(at, format!("`{{{{raw (file {:?})}}}}` shows a file that is not beside the post; it was left out", file.positional.first().map_or("", String::as_str))),
            }
        }
        _ => s.warn(
            at,
            format!(
                "Go template directive `{{{{{name}}}}}` has no meaning outside the Go blog's \
                 templates; it was left out"
            ),
        ),
    }
    Some(after)
}

/// `{{raw `…`}}`: the text between the backquotes, as code.
fn raw(s: &mut Scan<'_>, at: usize) -> Option<usize> {
    let open = at + s.src[at..].find('`')?;
    let close = open + 1 + s.src[open + 1..].find("`}}")?;
    let code = &s.src[open + 1..close];
    if code.contains('\n') {
        s.out.push_str(&code_block("", &dedent(code)));
    } else {
        s.out.push_str(&inline_code(code));
    }
    Some(close + 3)
}

/// Go's samples are indented one tab inside `{{raw}}`; the code block shows them flush.
fn dedent(code: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let common = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches('\t').len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(code.len());
    for line in lines {
        out.push_str(line.get(common..).unwrap_or(line.trim_start_matches('\t')));
        out.push('\n');
    }
    out
}

fn image(s: &mut Scan<'_>, args: &Args) {
    let Some(src) = args.get("", 0) else { return };
    // The file name is all Go's directive gives; the missing description is reported by
    // the renderer's check for images without one.
    s.out.push_str(&format!("![]({})", src.replace(' ', "%20")));
}

/// An embed address (`youtube.com/embed/ID`) as the page a reader can open.
fn watch_url(url: &str) -> String {
    match url.split_once("youtube.com/embed/") {
        Some((_, id)) => format!(
            "https://www.youtube.com/watch?v={}",
            id.split('?').next().unwrap_or(id)
        ),
        None => url.to_string(),
    }
}

/// `{{code "f.go" /START/ /END/}}`: the file's lines from the first address to the second
/// (marker lines ending in `OMIT` left out), as Go's present tool showed them.
fn code(s: &mut Scan<'_>, at: usize, name: &str, args: &Args) {
    let Some(file) = args.positional.first() else {
        s.warn(
            at,
            format!("`{{{{{name}}}}}` names no file; it was left out"),
        );
        return;
    };
    let Some(text) = beside(s, file) else {
        s.warn(
            at,
            format!("`{{{{{name} \"{file}\"}}}}` shows a file that is not beside the post; it was left out"),
        );
        return;
    };
    let addresses: Vec<&str> = args.positional[1..]
        .iter()
        .map(|a| a.trim_matches('/'))
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let start = addresses
        .first()
        .and_then(|a| lines.iter().position(|l| l.contains(a)))
        .unwrap_or(0);
    let end = addresses
        .get(1)
        .and_then(|a| lines[start..].iter().position(|l| l.contains(a)))
        .map_or(lines.len(), |i| start + i + 1);
    let picked: String = lines[start..end]
        .iter()
        .filter(|l| !l.trim_end().ends_with("OMIT"))
        .map(|l| format!("{l}\n"))
        .collect();
    let lang = file.rsplit_once('.').map_or("", |(_, ext)| ext);
    s.out.push_str(&code_block(lang, &picked));
}

/// The text of the file `name` beside the post, if the publish found it.
fn beside(s: &Scan<'_>, name: &str) -> Option<String> {
    let path = if s.cx.dir.is_empty() {
        name.to_string()
    } else {
        format!("{}/{name}", s.cx.dir)
    };
    s.cx.read_file.and_then(|read| read(&path))
}
