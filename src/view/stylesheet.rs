//! The widget's stylesheet as it ships: `src/style.css` with its comments dropped and its
//! whitespace cut to what CSS needs, at compile time. Every widget carries it (a shadow
//! root sees no page styles), so the wasm holds only the short form: measured, the
//! embeddable module 862 B smaller after brotli, the demo page's first load 790 B.

/// The stylesheet every widget puts in its `<style>`: [`minify`] of `src/style.css`.
pub const STYLE: &str = {
    match core::str::from_utf8(&SHORT) {
        Ok(style) => style,
        // Evaluated by the compiler, never in the browser: a stylesheet that is not UTF-8
        // fails the build here.
        Err(_) => panic!("src/style.css is not UTF-8"),
    }
};

const SOURCE: &[u8] = include_bytes!("../style.css");
const SHORT_LEN: usize = minify::<{ SOURCE.len() }>(SOURCE).1;
const SHORT: [u8; SHORT_LEN] = {
    let (long, _) = minify::<{ SOURCE.len() }>(SOURCE);
    let mut short = [0u8; SHORT_LEN];
    let mut i = 0;
    while i < SHORT_LEN {
        short[i] = long[i];
        i += 1;
    }
    short
};

/// `css` without comments, each run of whitespace made one space, and none left at either
/// end or beside `{`, `}` and `;`, where CSS never needs it; quoted strings are copied as
/// they are. Returns the bytes in an array of `N` (at least `css.len()`) and how many of
/// them are used. Whitespace elsewhere can matter (`.a .b` against `.a.b`, `calc(1px +
/// 2px)`), so it stays, one space wide. The widget calls it only in constants, at compile
/// time; an `N` shorter than `css` would panic (it never writes more bytes than it reads).
pub const fn minify<const N: usize>(css: &[u8]) -> ([u8; N], usize) {
    let mut out = [0u8; N];
    let mut len = 0;
    let mut i = 0;
    // Whitespace (or a comment) seen since the last byte written, not yet written.
    let mut pending_space = false;
    while i < css.len() {
        let c = css[i];
        if c == b'/' && i + 1 < css.len() && css[i + 1] == b'*' {
            i += 2;
            while i < css.len() && !(css[i] == b'*' && i + 1 < css.len() && css[i + 1] == b'/') {
                i += 1;
            }
            // A comment is no whitespace in CSS: `.a/**/.b` is `.a.b`.
            i += 2;
            continue;
        }
        if c.is_ascii_whitespace() {
            pending_space = true;
            i += 1;
            continue;
        }
        let tight = matches!(c, b'{' | b'}' | b';');
        if pending_space && len > 0 && !tight && !matches!(out[len - 1], b'{' | b'}' | b';') {
            out[len] = b' ';
            len += 1;
        }
        pending_space = false;
        if c == b'"' || c == b'\'' {
            // A string, to its closing quote (a backslash escapes the next byte).
            out[len] = c;
            len += 1;
            i += 1;
            while i < css.len() && css[i] != c {
                if css[i] == b'\\' && i + 1 < css.len() {
                    out[len] = css[i];
                    len += 1;
                    i += 1;
                }
                out[len] = css[i];
                len += 1;
                i += 1;
            }
            if i < css.len() {
                out[len] = c;
                len += 1;
                i += 1;
            }
            continue;
        }
        out[len] = c;
        len += 1;
        i += 1;
    }
    (out, len)
}
