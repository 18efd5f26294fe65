//! Where the token comes from, and that it leaves the environment once read. Alone in
//! its test binary: changing the environment while another thread reads it is unsound.
#![allow(unsafe_code)]

use dataset_proxy::serve::token::{TOKEN_ENV, Token};

#[test]
fn the_token_is_read_from_a_file_first_and_then_removed_from_the_environment() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("token");
    std::fs::write(&file, "tok_from_the_file\n").expect("write");

    // SAFETY (every `unsafe` here): only this test of this binary touches the
    // environment; the other reads and writes none.
    unsafe { std::env::set_var(TOKEN_ENV, "tok_from_the_environment") };
    let token = unsafe { Token::load(Some(&file)) }.expect("token");
    assert!(token.is_in(b"Token tok_from_the_file"), "the file wins");
    assert!(!token.is_in(b"tok_from_the_environment"));
    assert!(std::env::var_os(TOKEN_ENV).is_none(), "removed once read");

    unsafe { std::env::set_var(TOKEN_ENV, " tok_from_the_environment \n") };
    let token = unsafe { Token::load(None) }.expect("token");
    assert!(token.is_in(b"tok_from_the_environment"));
    assert!(std::env::var_os(TOKEN_ENV).is_none(), "removed once read");

    // systemd's credentials directory.
    std::fs::write(dir.path().join("prolific-token"), "tok_credential").expect("write");
    unsafe { std::env::set_var("CREDENTIALS_DIRECTORY", dir.path()) };
    let token = unsafe { Token::load(None) }.expect("token");
    assert!(token.is_in(b"tok_credential"));

    std::fs::write(&file, "  \n").expect("write");
    assert!(
        unsafe { Token::load(Some(&file)) }.is_err(),
        "an empty file is refused"
    );
    unsafe { std::env::remove_var("CREDENTIALS_DIRECTORY") };
    let missing = unsafe { Token::load(None) }.expect_err("no token anywhere");
    assert!(missing.to_string().contains("--token-file"), "{missing}");
}

#[test]
fn a_token_too_short_to_be_real_is_refused() {
    assert!(Token::new("short".to_owned()).is_err());
    assert!(Token::new("  \n".to_owned()).is_err());
    assert!(Token::new("a-long-enough-token".to_owned()).is_ok());
}
