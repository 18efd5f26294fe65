//! The wire contract, end to end: every path the widget's client builds is accepted by
//! the proxy's gate as the route it meant, and an id the client refuses never makes a
//! path the gate accepts.

use dataset_monitor::api::{DatasetId, ImportId, dataset_path, import_path};
use dataset_proxy::routes::{ApiRoute, PREFIX, RouteError};
use dataset_wire::demo;

const VALID: &str = demo::REFERENCE_V3;

/// Valid ids: every demo id, upper case, and the edges of the hex range.
fn valid_ids() -> Vec<String> {
    let mut ids: Vec<String> = demo::DATASETS.iter().map(|s| s.to_string()).collect();
    ids.extend(demo::IMPORTS.iter().map(|(_, i)| i.to_string()));
    ids.push(VALID.to_ascii_uppercase());
    ids.push("00000000-0000-0000-0000-000000000000".into());
    ids.push("ffffffff-FFFF-ffff-FFFF-ffffffffffff".into());
    ids
}

/// Near misses: every position of a valid id replaced by characters that must not pass
/// there, and the other spellings of a UUID.
fn candidates() -> Vec<String> {
    let mut out = valid_ids();
    for i in 0..VALID.len() {
        for c in [
            '-', 'g', 'G', 'A', 'f', '0', '/', '.', '%', '?', '#', ' ', 'é', '\0',
        ] {
            let mut s: String = VALID[..i].to_owned();
            s.push(c);
            s.push_str(&VALID[i + 1..]);
            out.push(s);
        }
    }
    out.extend([
        String::new(),
        VALID[..35].to_owned(),
        format!("{VALID}0"),
        format!("{{{VALID}}}"),
        VALID.replace('-', ""),
        format!("urn:uuid:{VALID}"),
        "..".into(),
        "%2e%2e".into(),
        "abc".into(),
    ]);
    out
}

#[test]
fn every_path_the_client_builds_is_the_route_the_gate_accepts() {
    for id in valid_ids() {
        let dataset = DatasetId::parse(&id).expect("a valid id");
        let path = dataset_path(&dataset);
        let route = ApiRoute::from_raw_path(&path).expect(&path);
        assert_eq!(
            route,
            ApiRoute::Dataset {
                dataset_id: id.clone()
            }
        );
        assert_eq!(route.path(), path, "the gate's path is the client's");
        for import in valid_ids() {
            let import_id = ImportId::parse(&import).expect("a valid id");
            let path = import_path(&dataset, &import_id);
            let route = ApiRoute::from_raw_path(&path).expect(&path);
            assert_eq!(
                route,
                ApiRoute::Import {
                    dataset_id: id.clone(),
                    import_id: import.clone()
                }
            );
            assert_eq!(route.path(), path);
        }
    }
}

#[test]
fn the_client_and_the_gate_agree_on_every_id() {
    for candidate in candidates() {
        let client = DatasetId::parse(&candidate).is_ok();
        // The client trims surrounding whitespace before building a path; the gate
        // sees the path as sent.
        let sent = if client { candidate.trim() } else { &candidate };
        let gate = ApiRoute::from_raw_path(&format!("{PREFIX}{sent}"));
        assert_eq!(client, gate.is_ok(), "dataset id {candidate:?}: {gate:?}");
        if !client && !candidate.contains('/') {
            assert_eq!(gate, Err(RouteError::BadId("dataset id")), "{candidate:?}");
        }
        let import = ImportId::parse(&candidate).is_ok();
        let gate = ApiRoute::from_raw_path(&format!("{PREFIX}{VALID}/imports/{sent}"));
        assert_eq!(import, gate.is_ok(), "import id {candidate:?}: {gate:?}");
    }
}

#[test]
fn nothing_but_the_two_shapes_passes_the_gate() {
    for path in [
        format!("{PREFIX}{VALID}/"),
        format!("{PREFIX}{VALID}/imports"),
        format!("{PREFIX}{VALID}/imports/"),
        format!("{PREFIX}{VALID}/imports/{VALID}/"),
        format!("{PREFIX}{VALID}/exports/{VALID}"),
        format!("{PREFIX}{VALID}/imports/{VALID}/errors"),
        format!("/api/v1/data-collection/dataset/{VALID}"),
        format!("/api/v2/data-collection/datasets/{VALID}"),
        format!("{PREFIX}{VALID}?x=1"),
        PREFIX.to_owned(),
    ] {
        assert!(ApiRoute::from_raw_path(&path).is_err(), "{path}");
    }
}

#[test]
fn every_named_demo_id_has_its_scenario_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo/datasets");
    for dataset in demo::DATASETS {
        assert!(root.join(format!("{dataset}.json")).is_file(), "{dataset}");
    }
    for (dataset, import) in demo::IMPORTS {
        let file = root.join(format!("{dataset}/imports/{import}.json"));
        assert!(file.is_file(), "{}", file.display());
    }
}
