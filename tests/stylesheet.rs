//! `view::stylesheet`: the stylesheet as it ships keeps every token of `src/style.css`.

use dataset_monitor::view::stylesheet::{STYLE, minify};

const SOURCE: &str = include_str!("../src/style.css");

fn short(css: &str) -> String {
    let (bytes, len) = minify::<256>(css.as_bytes());
    String::from_utf8(bytes[..len].to_vec()).expect("minify keeps UTF-8 whole")
}

/// The source's tokens, its comments removed: what whitespace and `{`, `}`, `;` separate.
fn tokens(css: &str) -> Vec<String> {
    let mut text = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .split_once("*/")
            .map_or("", |(_, after)| after);
    }
    text.push_str(rest);
    text.replace('{', " { ")
        .replace('}', " } ")
        .replace(';', " ; ")
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_shipped_stylesheet_has_every_token_of_the_source_and_no_comment() {
    assert!(!STYLE.contains("/*"), "a comment is left");
    assert!(
        !STYLE.contains("  ") && !STYLE.contains('\n'),
        "spare whitespace is left"
    );
    assert_eq!(tokens(STYLE), tokens(SOURCE));
    assert!(
        STYLE.len() * 10 < SOURCE.len() * 9,
        "{} of {} bytes",
        STYLE.len(),
        SOURCE.len()
    );
}

#[test]
fn comments_go_and_whitespace_is_cut_where_css_never_needs_it() {
    assert_eq!(
        short("/* a */\n.pdm {\n  color: red;\n  margin: 0 auto;\n}\n\n.pdm a:hover { x: y }\n"),
        ".pdm{color: red;margin: 0 auto;}.pdm a:hover{x: y}"
    );
}

#[test]
fn whitespace_that_changes_the_meaning_stays_one_space_wide() {
    // A descendant, not the same element; an operator in calc(); a media query's words.
    assert_eq!(short(".a   .b{}"), ".a .b{}");
    assert_eq!(
        short("x{width:calc(1px\n  +   2px)}"),
        "x{width:calc(1px + 2px)}"
    );
    assert_eq!(
        short("@media (max-width: 40rem)  and  (hover: none) {a{b:c}}"),
        "@media (max-width: 40rem) and (hover: none){a{b:c}}"
    );
    // A comment is no whitespace: `.a/**/.b` is `.a.b`.
    assert_eq!(short(".a/* x */.b{}"), ".a.b{}");
}

#[test]
fn strings_are_copied_as_they_are() {
    assert_eq!(
        short("a::after { content: \"  ▲ /* not a comment */ {;}\"; }"),
        "a::after{content: \"  ▲ /* not a comment */ {;}\";}"
    );
    assert_eq!(short("a{content:'it\\'s  '}"), "a{content:'it\\'s  '}");
}

#[test]
fn an_unclosed_comment_or_string_ends_the_stylesheet_without_a_panic() {
    assert_eq!(short("a{b:c}/* never closed"), "a{b:c}");
    assert_eq!(short("a{content:\"open"), "a{content:\"open");
    assert_eq!(short("   \n"), "");
}
