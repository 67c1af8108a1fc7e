//! Property tests over the parsers that take input from strangers: the TeX path, front
//! matter, Micropub's form and JSON bodies and the multipart reader. Each generates
//! input from pieces of the syntax it reads, seeded with the attacks that once got
//! through (macros that expand themselves, markup in `\text{}`, uploads over the
//! limit), and checks what must hold for any input: no panic, no stack overflow (each
//! runs on a thread with a render thread's 2 MiB stack), bounded output, no live markup.
//! `cargo test` tries 64 cases of each; `PROPTEST_CASES=N` tries N.

use std::collections::HashSet;

use crate::common::Site;
use crate::common::micropub::*;
use axum::http::StatusCode;
use dispatches::content::{front_matter, markdown, math};
use dispatches::micropub::{self as mp, file};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// Runs `test` over the strategy `make` makes, on a thread with a render thread's stack.
fn run<S: Strategy + 'static>(make: fn() -> S, test: fn(S::Value) -> Result<(), TestCaseError>) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let strategy = make();
            let config = Config {
                cases: cases(),
                failure_persistence: None,
                ..Config::default()
            };
            // The same cases on every run, so a test run (CI's) cannot fail by chance;
            // PROPTEST_RANDOM=1 explores new ones.
            let mut runner = if std::env::var_os("PROPTEST_RANDOM").is_some() {
                TestRunner::new(config)
            } else {
                TestRunner::new_with_rng(
                    config,
                    proptest::test_runner::TestRng::deterministic_rng(
                        proptest::test_runner::RngAlgorithm::ChaCha,
                    ),
                )
            };
            if let Err(e) = runner.run(&strategy, test) {
                panic!("{e}");
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

/// Strings made of `pieces`, between 0 and `max` of them.
fn made_of(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(pieces).prop_map(str::to_string),
            1 => "[ -~]{0,3}",
        ],
        0..max,
    )
    .prop_map(|v| v.concat())
}

const TEX_SEEDS: &[&str] = &[
    r"\def\x{\x}\x",
    r"\def\a{\b}\def\b{\a}\a",
    r"\def\x{\x\x}\x",
    r"\newcommand{\y}[1]{\y{#1}}\y{1}",
    r"\let\d\def\d\x{\x}\x",
    r"\text{<img src=x onerror=alert(1)>}",
    r"\operatorname{<iframe srcdoc=x>}",
    r"\colorbox{red}{<a href='javascript:x'>c</a>}",
];

const TEX_PIECES: &[&str] = &[
    r"\def",
    r"\gdef",
    r"\let",
    r"\futurelet",
    r"\newcommand",
    r"\renewcommand",
    r"\providecommand",
    r"\x",
    r"\y",
    r"\a",
    "#1",
    "#2",
    "##",
    "{",
    "}",
    "[",
    "]",
    "[2]",
    r"\sqrt",
    r"\frac",
    r"\text{",
    r"\mathrm",
    r"\operatorname",
    r"\left(",
    r"\right)",
    r"\begin{matrix}",
    r"\end{matrix}",
    "&",
    r"\\",
    "^",
    "_",
    "%",
    "\n",
    " ",
    "x",
    "1",
    "<",
    ">",
    "\"",
    r"\lt",
    r"\colorbox{red}{",
    r"\hat",
    r"\not",
    "=",
];

fn tex() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => prop::sample::select(TEX_SEEDS).prop_map(str::to_string),
        1 => (prop::sample::select(TEX_SEEDS), made_of(TEX_PIECES, 12))
            .prop_map(|(seed, more)| format!("{more}{seed}{more}")),
        6 => made_of(TEX_PIECES, 60),
    ]
}

/// Every tag in `mathml` is one of MathML's (they all start with `m`), and every `<`
/// opens one: the author's text never becomes markup.
fn only_mathml(mathml: &str) -> Result<(), TestCaseError> {
    for (i, _) in mathml.match_indices('<') {
        let rest = &mathml[i + 1..];
        let name = rest.trim_start_matches('/');
        prop_assert!(name.starts_with('m'), "markup at {i}: {mathml}");
    }
    Ok(())
}

#[test]
fn any_formula_renders_or_is_refused_within_bounds() {
    run(tex, |tex| {
        for display in [false, true] {
            if let Ok(mathml) = math::to_mathml(&tex, display) {
                prop_assert!(
                    mathml.len() < 64 * 1024 + 64 * tex.len(),
                    "{}",
                    mathml.len()
                );
                only_mathml(&mathml)?;
            }
        }
        Ok(())
    });
}

#[test]
fn any_formula_in_a_post_renders_or_fails_that_post() {
    run(tex, |tex| {
        let body = format!("Before ${tex}$ and\n\n$${tex}$$\n\n<div>\\({tex}\\)</div>\n");
        let resolve = |_: &str| None;
        let opts = markdown::RenderOptions {
            id_prefix: "p",
            highlight_max_bytes: 1024,
            trust_html: false,
            resolve_url: &resolve,
            take_title: false,
            emoji: false,
        };
        if let Ok(r) = markdown::render(&body, &opts) {
            // Raw HTML around a formula is the author's, sanitised: an `<img>` may stay,
            // a script may not.
            for tag in r.html.split('<').skip(1) {
                let tag = tag.split('>').next().unwrap_or("").to_ascii_lowercase();
                for live in ["onerror", "javascript:", "iframe", "script"] {
                    prop_assert!(!tag.contains(live), "<{tag}> in {}", r.html);
                }
            }
        }
        Ok(())
    });
}

const FRONT_PIECES: &[&str] = &[
    "---\n",
    "+++\n",
    "\u{feff}",
    "title: ",
    "title = ",
    "date: ",
    "date = ",
    "2026-01-20",
    "0000-01-01",
    "2026-13-45T25:61:00Z",
    "slug: ",
    "tags: [",
    "]",
    "- ",
    "draft: true",
    "\"",
    "'",
    ":",
    "&a ",
    "*a",
    "!!binary ",
    "{",
    "}",
    "\n",
    "  ",
    "[[x]]\n",
    "= ",
    "#",
    "null",
    "~",
    "1e999",
    "-1",
    "<script>",
    "|\n",
    ">\n",
];

#[test]
fn any_front_matter_parses_or_says_why() {
    run(
        || made_of(FRONT_PIECES, 40),
        |text| {
            if let Ok(split) = front_matter::split(&text) {
                let _ = front_matter::parse(&split, time_tz::timezones::db::UTC);
                let _ = front_matter::to_map(&split);
            }
            Ok(())
        },
    );
}

const FORM_KEYS: &[&str] = &[
    "h",
    "content",
    "content[html]",
    "name",
    "category[]",
    "category[0]",
    "photo",
    "photo[]",
    "photo[alt]",
    "mp-slug",
    "action",
    "url",
    "replace[content][]",
    "add[category][]",
    "delete[]",
    "delete[category][]",
    "published",
    "post-status",
    "visibility",
    "summary",
    "access_token",
    "location",
    "in-reply-to",
    "[",
    "]",
    "x[y][z][]",
];
const FORM_VALUES: &[&str] = &[
    "entry",
    "update",
    "delete",
    "undelete",
    "draft",
    "private",
    "12345",
    "0000-01-01",
    "2026-01-20T10:00:00Z",
    "https://example.org/x",
    "../../etc/passwd",
    "<script>",
    "$\\def\\x{\\x}\\x$",
    "",
    "\u{0}",
    "\u{7f}",
    "\u{9f}\u{feff}",
    "ﬁrst",
];

fn form_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            prop_oneof![
                4 => prop::sample::select(FORM_KEYS).prop_map(str::to_string),
                1 => "[a-z\\[\\]-]{0,8}",
            ],
            prop_oneof![
                4 => prop::sample::select(FORM_VALUES).prop_map(str::to_string),
                1 => ".{0,12}",
            ],
        ),
        0..10,
    )
}

/// A post's properties, if the request creates one, written as a file and read back.
fn round_trip(request: mp::Request) -> Result<(), TestCaseError> {
    if let mp::Request::Create(props) = request
        && let Ok(text) = file::to_markdown(&props, &serde_json::Map::new(), "2026-01-20")
    {
        prop_assert!(file::from_markdown(&text).is_ok(), "{text}");
    }
    Ok(())
}

#[test]
fn any_form_body_is_a_request_or_says_why() {
    run(form_pairs, |pairs| match mp::from_form(pairs) {
        Ok(request) => round_trip(request),
        Err(_) => Ok(()),
    });
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        prop::sample::select(FORM_VALUES).prop_map(|s| json!(s)),
        prop::sample::select(FORM_KEYS).prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(FORM_KEYS).prop_map(str::to_string),
                        Just("type".to_string()),
                        Just("properties".to_string()),
                        Just("html".to_string()),
                        Just("value".to_string()),
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn json_bodies() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => json_value(),
        2 => (json_value(), json_value()).prop_map(|(props, action)| {
            json!({"type": ["h-entry"], "properties": props, "action": action})
        }),
    ]
}

#[test]
fn any_json_body_is_a_request_or_says_why() {
    run(json_bodies, |body| match mp::from_json(body) {
        Ok(request) => round_trip(request),
        Err(_) => Ok(()),
    });
}

const LIMIT: u64 = 2_048;

/// A multipart body built from parts that are each well or badly formed.
fn multipart_body() -> impl Strategy<Value = (String, Vec<u8>)> {
    let part = prop_oneof![
        (0usize..3 * LIMIT as usize).prop_map(|n| {
            let mut png = PNG.to_vec();
            png.resize(n.max(PNG.len()), 7);
            ("file", Some("x.png"), png)
        }),
        Just(("file", Some("x.jpg"), JPEG.to_vec())),
        Just(("file", Some("x.bin"), b"not an image".to_vec())),
        Just(("access_token", None, b"wrong".to_vec())),
        ".{0,40}".prop_map(|v| ("content", None, v.into_bytes())),
        prop::collection::vec(any::<u8>(), 0..64).prop_map(|b| ("junk", None, b)),
    ];
    (
        prop::collection::vec(part, 0..4),
        prop::sample::select(&["ok", "no end", "bad boundary", "cut"][..]),
    )
        .prop_map(|(parts, shape)| {
            let b = "XbOuNdArYx";
            let mut out = Vec::new();
            for (name, filename, bytes) in parts {
                let disposition = match filename {
                    Some(f) => format!("name=\"{name}\"; filename=\"{f}\""),
                    None => format!("name=\"{name}\""),
                };
                out.extend(
                    format!("--{b}\r\ncontent-disposition: form-data; {disposition}\r\n\r\n")
                        .bytes(),
                );
                out.extend(bytes);
                out.extend(b"\r\n");
            }
            match shape {
                "ok" => out.extend(format!("--{b}--\r\n").bytes()),
                "cut" => out.truncate(out.len() / 2),
                "bad boundary" => out.extend(b"--other--\r\n"),
                _ => {}
            }
            (format!("multipart/form-data; boundary={b}"), out)
        })
}

/// The names in `content/media`, hidden ones included.
fn media_names(site: &Site) -> HashSet<String> {
    std::fs::read_dir(site.content().join("media"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn any_multipart_upload_is_stored_whole_or_leaves_nothing_behind() {
    let site = Site::new()
        .with_config(|c| c.media_max_bytes = LIMIT)
        .publishing();
    site.file(
        "hello.md",
        "---\ntitle: Hello\ndate: 2026-01-01\n---\nHi.\n",
    )
    .republish();
    let token = add_token(&site, "all", "create,media");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&multipart_body(), |(ct, body)| {
        let before = media_names(&site);
        let p = rt.block_on(site.send(req("POST", "/micropub/media", Some(&token), &ct, body)));
        prop_assert!(p.status != StatusCode::INTERNAL_SERVER_ERROR, "{}", p.body);
        let after = media_names(&site);
        let new: Vec<&String> = after.difference(&before).collect();
        prop_assert!(
            new.iter().all(|n| !n.starts_with('.')),
            "left behind: {new:?}"
        );
        if p.status == StatusCode::CREATED {
            prop_assert_eq!(new.len(), 1, "{:?}", new);
        } else {
            prop_assert!(new.is_empty(), "{} left {new:?}", p.status);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
