//! An author's TeX macros (`\def`, `\newcommand`, `\let` …), expanded here under a budget
//! before the TeX parser sees the formula. The parser expands macros by recursing, so a
//! macro that names itself overflows the stack (which aborts the whole process) and ten
//! copies of ten copies of … grow without bound. Here expansion works on an explicit
//! stack of tokens, counts every expansion and every token it makes, and stops at the
//! first bound passed; the parser only ever sees macro-free TeX.

use std::collections::HashMap;

/// Most macro expansions in one formula; a real one uses a handful.
pub(super) const MAX_EXPANSIONS: usize = 2_000;
/// Most tokens expansion may produce in one formula (the work it may do).
pub(super) const MAX_TOKENS: usize = 50_000;
/// Longest TeX expansion may hand on to the parser: as long as a formula may be.
pub(super) const MAX_EXPANDED_BYTES: usize = super::MAX_TEX_BYTES;

/// Why a formula's macros could not be expanded.
#[derive(Debug, PartialEq)]
pub enum Refused {
    /// The TeX is wrong or uses a form not supported here: the formula is shown as code.
    Invalid(String),
    /// Expansion passed a bound: the file asks too much and is refused.
    TooMuch(String),
}

impl Refused {
    /// What is wrong, for the author.
    pub fn why(&self) -> &str {
        match self {
            Refused::Invalid(why) | Refused::TooMuch(why) => why,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A control sequence; `literal` when it came from `\let` of a primitive and must
    /// not be looked up among the author's macros again.
    Cs {
        name: String,
        literal: bool,
    },
    Char(char),
    Begin,
    End,
    Param(u8),
}

#[derive(Debug, Clone)]
enum Meaning {
    Macro {
        params: u8,
        default: Option<Vec<Tok>>,
        body: Vec<Tok>,
    },
    Alias(Tok),
}

/// Commands that define macros, the parser's own included: none reaches the parser.
const DEFINING: [&str; 7] = [
    "def",
    "gdef",
    "let",
    "futurelet",
    "newcommand",
    "renewcommand",
    "providecommand",
];

/// Whether `tex` needs expanding at all: it defines macros or has comments.
pub(super) fn needed(tex: &str) -> bool {
    tex.contains('%') || DEFINING.iter().any(|d| tex.contains(&format!("\\{d}")))
}

/// `tex` with every macro the author defined in it expanded and every definition and
/// comment removed.
pub(super) fn expand(tex: &str) -> Result<String, Refused> {
    let mut pending = tokenize(tex);
    pending.reverse();
    let mut x = Expander {
        pending,
        meanings: HashMap::new(),
        expansions: 0,
        made: 0,
        out: Vec::new(),
    };
    x.run()?;
    let out = serialize(&x.out);
    if out.len() > MAX_EXPANDED_BYTES {
        return Err(too_much(format!(
            "its macros expand to more than {MAX_EXPANDED_BYTES} bytes"
        )));
    }
    Ok(out)
}

fn too_much(why: String) -> Refused {
    Refused::TooMuch(format!(
        "{why}; a macro that expands itself or grows at every level cannot be shown, simplify the formula"
    ))
}

fn invalid(why: &str) -> Refused {
    Refused::Invalid(why.to_string())
}

struct Expander {
    /// Tokens still to read, the next one last.
    pending: Vec<Tok>,
    meanings: HashMap<String, Meaning>,
    expansions: usize,
    made: usize,
    out: Vec<Tok>,
}

impl Expander {
    fn run(&mut self) -> Result<(), Refused> {
        while let Some(t) = self.pending.pop() {
            let Tok::Cs { name, literal } = &t else {
                self.out.push(t);
                continue;
            };
            if DEFINING.contains(&name.as_str()) {
                let name = name.clone();
                self.define(&name)?;
                continue;
            }
            match self.meanings.get(name).filter(|_| !literal).cloned() {
                Some(meaning) => self.expand_one(meaning)?,
                None => self.out.push(t),
            }
        }
        Ok(())
    }

    /// Puts `toks` back to be read next, counting them against the budget.
    fn unread(&mut self, toks: Vec<Tok>) -> Result<(), Refused> {
        self.made += toks.len();
        if self.made > MAX_TOKENS {
            return Err(too_much(format!(
                "its macros expand to more than {MAX_TOKENS} tokens"
            )));
        }
        self.pending.extend(toks.into_iter().rev());
        Ok(())
    }

    fn expand_one(&mut self, meaning: Meaning) -> Result<(), Refused> {
        self.expansions += 1;
        if self.expansions > MAX_EXPANSIONS {
            return Err(too_much(format!(
                "its macros expand more than {MAX_EXPANSIONS} times"
            )));
        }
        match meaning {
            Meaning::Alias(tok) => self.unread(vec![tok]),
            Meaning::Macro {
                params,
                default,
                body,
            } => {
                let mut args: Vec<Vec<Tok>> = Vec::with_capacity(params as usize);
                if let Some(default) = default {
                    args.push(self.optional()?.unwrap_or(default));
                }
                while args.len() < params as usize {
                    args.push(self.argument()?);
                }
                let mut made = Vec::with_capacity(body.len());
                for t in body {
                    match t {
                        Tok::Param(n) => {
                            let arg = args.get(n as usize - 1).ok_or_else(|| {
                                invalid("a macro uses a parameter it does not declare")
                            })?;
                            made.extend(arg.iter().cloned());
                            if made.len() > MAX_TOKENS {
                                return Err(too_much(format!(
                                    "its macros expand to more than {MAX_TOKENS} tokens"
                                )));
                            }
                        }
                        t => made.push(t),
                    }
                }
                self.unread(made)
            }
        }
    }

    fn skip_spaces(&mut self) {
        while self.pending.last() == Some(&Tok::Char(' ')) {
            self.pending.pop();
        }
    }

    /// One undelimited argument: a token, or a group without its braces.
    fn argument(&mut self) -> Result<Vec<Tok>, Refused> {
        self.skip_spaces();
        match self.pending.pop() {
            Some(Tok::Begin) => self.group_rest(),
            Some(Tok::End) | None => Err(invalid("a macro is missing an argument")),
            Some(t) => Ok(vec![t]),
        }
    }

    /// The rest of a group whose `{` was read, without its closing `}`.
    fn group_rest(&mut self) -> Result<Vec<Tok>, Refused> {
        self.until(|t| *t == Tok::End, "a group is not closed")
    }

    /// The tokens up to the first one that `closes` outside any group (not kept).
    fn until(&mut self, closes: fn(&Tok) -> bool, unclosed: &str) -> Result<Vec<Tok>, Refused> {
        let mut depth = 0usize;
        let mut toks = Vec::new();
        loop {
            let t = self.pending.pop().ok_or_else(|| invalid(unclosed))?;
            if depth == 0 && closes(&t) {
                return Ok(toks);
            }
            match t {
                Tok::Begin => depth += 1,
                Tok::End => depth = depth.saturating_sub(1),
                _ => {}
            }
            toks.push(t);
        }
    }

    /// An optional `[…]` argument, if one comes next.
    fn optional(&mut self) -> Result<Option<Vec<Tok>>, Refused> {
        self.skip_spaces();
        if self.pending.last() != Some(&Tok::Char('[')) {
            return Ok(None);
        }
        self.pending.pop();
        self.until(|t| *t == Tok::Char(']'), "a `[` is not closed")
            .map(Some)
    }

    /// The name a definition defines: `\name` or `{\name}`.
    fn name(&mut self) -> Result<String, Refused> {
        self.skip_spaces();
        let toks = match self.pending.pop() {
            Some(Tok::Begin) => self.group_rest()?,
            Some(t) => vec![t],
            None => vec![],
        };
        match toks.as_slice() {
            [Tok::Cs { name, .. }] => Ok(name.clone()),
            _ => Err(invalid("a macro definition does not name a command")),
        }
    }

    fn define(&mut self, command: &str) -> Result<(), Refused> {
        match command {
            "def" | "gdef" => self.def(),
            "let" => self.let_(),
            "futurelet" => Err(invalid("`\\futurelet` is not supported")),
            _ => self.new_command(command),
        }
    }

    /// `\def\name#1#2{body}`; delimited parameters are not supported.
    fn def(&mut self) -> Result<(), Refused> {
        let name = self.name()?;
        let mut params = 0u8;
        loop {
            match self.pending.pop() {
                Some(Tok::Begin) => break,
                Some(Tok::Param(n)) if n == params + 1 => params = n,
                _ => {
                    return Err(invalid(
                        "only `\\def\\name#1#2{…}` is supported (no delimited parameters)",
                    ));
                }
            }
        }
        let body = self.group_rest()?;
        self.meanings.insert(
            name,
            Meaning::Macro {
                params,
                default: None,
                body,
            },
        );
        Ok(())
    }

    /// `\let\name\other`, `\let\name=\other` or `\let\name=c`.
    fn let_(&mut self) -> Result<(), Refused> {
        let name = self.name()?;
        self.skip_spaces();
        if self.pending.last() == Some(&Tok::Char('=')) {
            self.pending.pop();
            if self.pending.last() == Some(&Tok::Char(' ')) {
                self.pending.pop();
            }
        }
        let target = self
            .pending
            .pop()
            .ok_or_else(|| invalid("`\\let` has nothing to copy"))?;
        let meaning = match &target {
            Tok::Cs { name, literal } if !literal && self.meanings.contains_key(name) => {
                self.meanings[name].clone()
            }
            Tok::Cs { name, .. } => Meaning::Alias(Tok::Cs {
                name: name.clone(),
                literal: true,
            }),
            _ => Meaning::Alias(target),
        };
        self.meanings.insert(name, meaning);
        Ok(())
    }

    /// `\newcommand{\name}[n][default]{body}`, and its `renew` and `provide` forms.
    fn new_command(&mut self, command: &str) -> Result<(), Refused> {
        self.skip_spaces();
        if self.pending.last() == Some(&Tok::Char('*')) {
            self.pending.pop();
        }
        let name = self.name()?;
        let params = match self.optional()? {
            None => 0,
            Some(n) => match serialize(&n).trim().parse::<u8>() {
                Ok(n @ 0..=9) => n,
                _ => return Err(invalid("a command takes 0 to 9 arguments")),
            },
        };
        let default = match params {
            0 => None,
            _ => self.optional()?,
        };
        let body = self.argument()?;
        if command != "providecommand" || !self.meanings.contains_key(&name) {
            self.meanings.insert(
                name,
                Meaning::Macro {
                    params,
                    default,
                    body,
                },
            );
        }
        Ok(())
    }
}

/// `tex` as tokens, comments dropped and the spaces after a control word skipped (as TeX
/// reads them).
fn tokenize(tex: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut chars = tex.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let mut name = String::new();
                while let Some(&l) = chars.peek().filter(|l| l.is_ascii_alphabetic()) {
                    name.push(l);
                    chars.next();
                }
                if name.is_empty() {
                    if let Some(symbol) = chars.next() {
                        name.push(symbol);
                    }
                } else {
                    while chars.next_if(|c| c.is_whitespace()).is_some() {}
                }
                toks.push(Tok::Cs {
                    name,
                    literal: false,
                });
            }
            '%' => while chars.next_if(|&c| c != '\n').is_some() {},
            '{' => toks.push(Tok::Begin),
            '}' => toks.push(Tok::End),
            '#' => match chars.peek().and_then(|d| d.to_digit(10)) {
                Some(d @ 1..=9) => {
                    chars.next();
                    toks.push(Tok::Param(d as u8));
                }
                _ => toks.push(Tok::Char('#')),
            },
            c if c.is_whitespace() => toks.push(Tok::Char(' ')),
            c => toks.push(Tok::Char(c)),
        }
    }
    toks
}

/// Tokens back to TeX, a space after a control word where a letter follows.
fn serialize(toks: &[Tok]) -> String {
    let mut out = String::new();
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Cs { name, .. } => {
                out.push('\\');
                out.push_str(name);
                let word = name.chars().all(|c| c.is_ascii_alphabetic()) && !name.is_empty();
                if word && matches!(toks.get(i + 1), Some(Tok::Char(c)) if c.is_ascii_alphabetic())
                {
                    out.push(' ');
                }
            }
            Tok::Char(c) => out.push(*c),
            Tok::Begin => out.push('{'),
            Tok::End => out.push('}'),
            Tok::Param(n) => {
                out.push('#');
                out.push(char::from(b'0' + n));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn too_much(tex: &str) -> bool {
        matches!(expand(tex), Err(Refused::TooMuch(_)))
    }

    #[test]
    fn macros_expand_and_their_definitions_go() {
        assert_eq!(
            expand(r"\def\R{\mathbb{R}}x\in\R").unwrap(),
            r"x\in\mathbb{R}"
        );
        assert_eq!(
            expand(r"\newcommand{\norm}[1]{\lVert #1\rVert}\norm{v}").unwrap(),
            r"\lVert v\rVert"
        );
        assert_eq!(
            expand(r"\newcommand\p[2][x]{#1^#2}\p{2}+\p[y]{3}").unwrap(),
            "x^2+y^3"
        );
        assert_eq!(
            expand(r"\let\f\frac\def\frac{\f}\frac12").unwrap(),
            r"\frac12"
        );
        assert_eq!(expand("a % note\nb").unwrap(), "a  b");
        assert_eq!(expand(r"\def\a{\alpha}\a b").unwrap(), r"\alpha b");
    }

    #[test]
    fn a_macro_that_expands_itself_is_refused_not_a_crash() {
        assert!(too_much(r"\def\x{\x}\x"));
        assert!(too_much(r"\def\a{\b}\def\b{\a}\a"));
        assert!(too_much(r"\def\x{\x\x}\x"));
        assert!(too_much(r"\newcommand{\x}{\x}\x"));
        assert!(too_much(r"\let\d\def\d\x{\x}\x"));
    }

    #[test]
    fn a_macro_that_grows_at_every_level_is_refused() {
        let mut tex = String::from(r"\def\a{xxxxxxxxxx}");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h"];
        for w in names.windows(2) {
            tex.push_str(&format!(
                "\\def\\{}{{{}}}",
                w[1],
                format!("\\{} ", w[0]).repeat(10)
            ));
        }
        tex.push_str(r"\h");
        assert!(too_much(&tex));
    }

    #[test]
    fn unsupported_definitions_are_shown_as_code() {
        assert!(matches!(
            expand(r"\def\x#1.{#1}\x a."),
            Err(Refused::Invalid(_))
        ));
        assert!(matches!(
            expand(r"\futurelet\x\y\z"),
            Err(Refused::Invalid(_))
        ));
    }
}
