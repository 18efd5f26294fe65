//! The proxy's allow-list: nothing but the two exact route shapes is ever accepted.
#![no_main]

use dataset_proxy::routes::{ApiRoute, PREFIX, is_uuid};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|path: &str| {
    let Ok(route) = ApiRoute::from_raw_path(path) else {
        return;
    };
    // Accepted: the path is exactly the route it names...
    assert_eq!(route.path(), path);
    // ...and has exactly one of the two shapes, with hyphenated UUIDs.
    let rest = path.strip_prefix(PREFIX).expect("the prefix");
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [dataset] => assert!(is_uuid(dataset)),
        [dataset, "imports", import] => assert!(is_uuid(dataset) && is_uuid(import)),
        other => panic!("accepted a path outside the allow-list: {other:?}"),
    }
    assert!(path.bytes().all(|b| b.is_ascii_hexdigit() || b"/-acdefilmnoprstuv".contains(&b)));
    assert!(!path.contains("..") && !path.contains("//") && !path.contains('%'));
});
