//! Native tests of configuration parsing.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::config::{
    ConfigError, DEFAULT_POLL_INTERVAL_MS, MAX_POLL_INTERVAL_MS, MAX_REQUEST_TIMEOUT_MS,
    MIN_POLL_INTERVAL_MS, MIN_REQUEST_TIMEOUT_MS, MonitorConfig, NumberOrText, RawConfig,
    parse_poll_interval,
};
use dataset_wire::demo;

const DATASET: &str = demo::REFERENCE_V3;
const IMPORT: &str = demo::REFERENCE_IMPORT;

#[test]
fn full_query_string() {
    let c = MonitorConfig::from_pairs([
        ("dataset_id", DATASET),
        ("import_id", IMPORT),
        ("proxy_url", " http://127.0.0.1:8080 "),
        ("poll_interval", "3000"),
        ("utm_source", "ignored"),
    ])
    .expect("valid");
    assert_eq!(c.dataset_id.as_str(), DATASET);
    assert_eq!(c.import_id.as_ref().map(|i| i.as_str()), Some(IMPORT));
    assert_eq!(c.proxy_url, "http://127.0.0.1:8080");
    assert_eq!(c.poll_interval_ms, 3000);
}

#[test]
fn defaults() {
    let c = MonitorConfig::from_pairs([("dataset_id", DATASET), ("import_id", "")]).expect("valid");
    assert_eq!(c.import_id, None);
    assert_eq!(c.proxy_url, "");
    assert_eq!(c.poll_interval_ms, DEFAULT_POLL_INTERVAL_MS);
}

#[test]
fn missing_or_bad_ids_are_refused_with_a_message() {
    let err = MonitorConfig::from_pairs([]).expect_err("no dataset id");
    assert_eq!(err.to_string(), "the dataset id is missing");
    for bad in [
        "abc",
        "../../admin",
        &DATASET.replace('-', ""),
        &format!("{{{DATASET}}}"),
    ] {
        let err = MonitorConfig::from_pairs([("dataset_id", bad)]).expect_err(bad);
        assert!(matches!(err, ConfigError::Id(_)), "{bad}");
        assert!(err.to_string().contains("not a UUID"), "{err}");
    }
    let err = MonitorConfig::from_pairs([("dataset_id", DATASET), ("import_id", "x/y")])
        .expect_err("bad import id");
    assert!(err.to_string().starts_with("the import id"), "{err}");
}

#[test]
fn poll_interval_is_clamped_or_refused() {
    assert_eq!(parse_poll_interval("0"), Ok(MIN_POLL_INTERVAL_MS));
    assert_eq!(parse_poll_interval("-100"), Ok(MIN_POLL_INTERVAL_MS));
    assert_eq!(
        parse_poll_interval("999999999999"),
        Ok(MAX_POLL_INTERVAL_MS)
    );
    assert_eq!(parse_poll_interval("2500"), Ok(2500));
    assert!(matches!(
        parse_poll_interval("fast"),
        Err(ConfigError::PollInterval(_))
    ));
}

#[test]
fn mount_options_take_numbers_or_text_and_refuse_unknown_keys() {
    let options: RawConfig = serde_json::from_str(&format!(
        r#"{{"datasetId": "{DATASET}", "importId": "{IMPORT}", "pollInterval": 2500.4, "theme": "dark"}}"#
    ))
    .expect("options");
    let config = options.validate().expect("valid");
    assert_eq!(config.poll_interval_ms, 2500);
    assert_eq!(config.theme.as_str(), "dark");
    let text: RawConfig = serde_json::from_str(&format!(
        r#"{{"datasetId": "{DATASET}", "pollInterval": "-5", "requestTimeout": "999999999"}}"#
    ))
    .expect("options");
    let config = text.validate().expect("valid");
    assert_eq!(config.poll_interval_ms, MIN_POLL_INTERVAL_MS);
    assert_eq!(config.request_timeout_ms, 120_000);
    assert!(
        serde_json::from_str::<RawConfig>(r#"{"datasetId": "x", "pollIntervall": 1}"#).is_err()
    );
    assert!(serde_json::from_str::<RawConfig>(r#"{"importId": "x"}"#).is_err());
    let empty: RawConfig = serde_json::from_str(r#"{"datasetId": ""}"#).expect("options");
    assert_eq!(
        empty.validate().expect_err("no dataset").to_string(),
        "the dataset id is missing"
    );
}

#[test]
fn the_query_string_is_read_through_one_list_of_keys() {
    let asked = std::cell::RefCell::new(Vec::new());
    let c = RawConfig::from_query(|key| {
        asked.borrow_mut().push(key.to_owned());
        match key {
            "dataset_id" => Some(DATASET.to_owned()),
            "request_timeout" => Some("50".to_owned()),
            "theme" => Some("light".to_owned()),
            _ => None,
        }
    })
    .validate()
    .expect("valid");
    assert_eq!(
        *asked.borrow(),
        [
            "dataset_id",
            "import_id",
            "proxy_url",
            "poll_interval",
            "theme",
            "request_timeout",
            "notify"
        ]
    );
    assert_eq!(c.request_timeout_ms, MIN_REQUEST_TIMEOUT_MS);
    assert_eq!(c.theme.as_str(), "light");
    assert_eq!(c.import_id, None);
}

#[test]
fn numbers_are_rounded_and_clamped_and_non_finite_ones_refused() {
    let raw = |interval: f64, timeout: f64| RawConfig {
        dataset_id: DATASET.to_owned(),
        poll_interval: Some(NumberOrText::Number(interval)),
        request_timeout: Some(NumberOrText::Number(timeout)),
        ..RawConfig::default()
    };
    let c = raw(-0.4, 1e30).validate().expect("valid");
    assert_eq!(c.poll_interval_ms, MIN_POLL_INTERVAL_MS);
    assert_eq!(c.request_timeout_ms, MAX_REQUEST_TIMEOUT_MS);
    assert_eq!(
        raw(f64::NAN, 1.0).validate(),
        Err(ConfigError::PollInterval("NaN".into()))
    );
    assert_eq!(
        raw(1.0, f64::NEG_INFINITY).validate(),
        Err(ConfigError::RequestTimeout("-Infinity".into()))
    );
    assert_eq!(
        RawConfig::from_pairs([("dataset_id", DATASET), ("request_timeout", " soon ")]).validate(),
        Err(ConfigError::RequestTimeout(" soon ".into())),
        "as given"
    );
}

#[test]
fn notify_is_off_unless_given_and_reads_booleans_or_text() {
    let parse = |json: &str| -> bool {
        serde_json::from_str::<RawConfig>(&format!(r#"{{"datasetId": "{DATASET}"{json}}}"#))
            .expect("options")
            .validate()
            .expect("valid")
            .notify
    };
    assert!(!parse(""));
    assert!(parse(r#", "notify": true"#));
    assert!(!parse(r#", "notify": false"#));
    assert!(!parse(r#", "notify": null"#));
    // An attribute's presence is "", on; the usual words for off are off.
    for on in ["", "true", "notify", "1", "on", "yes"] {
        assert!(parse(&format!(r#", "notify": "{on}""#)), "{on:?}");
    }
    for off in ["false", " FALSE ", "0", "off", "no"] {
        assert!(!parse(&format!(r#", "notify": "{off}""#)), "{off:?}");
    }
    assert!(
        serde_json::from_str::<RawConfig>(&format!(r#"{{"datasetId": "{DATASET}", "notify": 1}}"#))
            .is_err()
    );
    // The query-string key.
    let from_query = MonitorConfig::from_pairs([("dataset_id", DATASET), ("notify", "false")]);
    assert!(!from_query.expect("valid").notify);
    let from_query = MonitorConfig::from_pairs([("dataset_id", DATASET), ("notify", "")]);
    assert!(from_query.expect("valid").notify);
}
