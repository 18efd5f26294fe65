//! Native tests of query strings read and written without a browser (`config::query`),
//! as `URLSearchParams` reads them.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::config::query::{encode, escape_component, parse};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn query_strings_are_read_as_url_search_params_reads_them() {
    assert_eq!(parse(""), pairs(&[]));
    assert_eq!(parse("?"), pairs(&[]));
    assert_eq!(
        parse("?a=1&b=two+words&c=%C3%A9%2F%26&d&=e&&f=%zz%4&g=%+1"),
        pairs(&[
            ("a", "1"),
            ("b", "two words"),
            ("c", "é/&"),
            ("d", ""),
            ("", "e"),
            ("f", "%zz%4"),
            ("g", "% 1")
        ])
    );
    // Invalid UTF-8 is replaced, not refused.
    assert_eq!(parse("x=%FF"), pairs(&[("x", "\u{fffd}")]));
}

#[test]
fn query_strings_round_trip() {
    let list = pairs(&[
        ("filter", "whole record, \"quoted\" & more+"),
        ("proxy_url", "https://p.example:8443/prefix?x"),
        ("emoji", "✓ ↻"),
        ("empty", ""),
    ]);
    let text = encode(&list);
    assert!(
        text.starts_with("?filter=whole%20record%2C%20%22quoted%22%20%26%20more%2B&"),
        "{text}"
    );
    assert!(
        !text[1..].contains(['?', ' ', '/', '"', '+', '#']),
        "{text}"
    );
    assert_eq!(parse(&text), list);
    assert_eq!(encode::<&str, &str>(&[]), "");
    assert_eq!(escape_component("a b#"), "a%20b%23");
}
