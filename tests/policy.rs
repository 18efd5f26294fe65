//! Native tests of the polling policy with a fake clock and injected randomness.
#![cfg(not(target_arch = "wasm32"))]

use dataset_monitor::api::{ClientError, Dataset, ImportStatus, RetryAfter, decode};
use dataset_monitor::live::{
    Activity, Decision, HIDDEN_MIN_MS, Observation, PollHistory, PollPolicy, StopReason, WaitReason,
};

const NOW: u64 = 1_700_000_000_000;

fn policy() -> PollPolicy {
    PollPolicy::default()
}

fn answer(status: &str) -> Observation {
    Observation::Answer(Activity::of_import(&ImportStatus::from(status)))
}

fn http(status: u16, retry_after: Option<RetryAfter>) -> Observation {
    Observation::Failure(ClientError::Http {
        status,
        body: None,
        retry_after,
    })
}

fn network() -> Observation {
    Observation::Failure(ClientError::Network("Failed to fetch".into()))
}

fn decide(history: &mut PollHistory, observation: &Observation, random: f64) -> Decision {
    policy().decide(history, observation, NOW, random)
}

#[test]
fn running_statuses_poll_at_the_running_rate() {
    for status in ["uninitialised", "queued", "processing"] {
        let d = decide(&mut PollHistory::default(), &answer(status), 0.5);
        assert_eq!(
            d,
            Decision::PollAfter {
                delay_ms: 2_000,
                reason: WaitReason::Running
            },
            "{status}"
        );
    }
    let custom = PollPolicy {
        running_ms: 500,
        ..PollPolicy::default()
    };
    assert!(matches!(
        custom.decide(&mut PollHistory::default(), &answer("queued"), NOW, 0.0),
        Decision::PollAfter { delay_ms: 500, .. }
    ));
}

#[test]
fn final_statuses_stop_and_never_poll_again() {
    for status in ["complete", "partial", "failed"] {
        let mut history = PollHistory::default();
        for _ in 0..3 {
            assert_eq!(
                decide(&mut history, &answer(status), 0.5),
                Decision::Stop(StopReason::Finished),
                "{status}"
            );
        }
    }
}

#[test]
fn pending_schema_and_unknown_statuses_poll_slowly() {
    for status in ["pending_schema", "validating_v2"] {
        assert_eq!(
            decide(&mut PollHistory::default(), &answer(status), 0.5),
            Decision::PollAfter {
                delay_ms: 30_000,
                reason: WaitReason::Waiting
            },
            "{status}"
        );
    }
}

#[test]
fn failures_back_off_exponentially_with_full_jitter_within_bounds() {
    let p = policy();
    for random in [0.0, 0.1, 0.5, 0.9, 0.999_999] {
        let mut history = PollHistory::default();
        for attempt in 1..=12u32 {
            let observation = if attempt % 2 == 0 {
                network()
            } else {
                http(502, None)
            };
            let Decision::PollAfter { delay_ms, reason } =
                p.decide(&mut history, &observation, NOW, random)
            else {
                panic!("a failure never stops polling");
            };
            assert_eq!(reason, WaitReason::Backoff { attempt });
            let cap = (1_000u64 << (attempt - 1)).min(60_000);
            assert!(
                (1_000..=60_000).contains(&delay_ms),
                "attempt {attempt}: {delay_ms}"
            );
            assert!(
                u64::from(delay_ms) <= cap,
                "attempt {attempt}: {delay_ms} > {cap}"
            );
            let expected = ((cap as f64 * random) as u64).max(1_000);
            assert_eq!(
                u64::from(delay_ms),
                expected,
                "full jitter draws below the cap"
            );
        }
    }
}

#[test]
fn jitter_spreads_over_its_whole_range() {
    let mut delays: Vec<u32> = (0..100)
        .map(|i| {
            let mut history = PollHistory { failures: 9 };
            match decide(&mut history, &network(), f64::from(i) / 100.0) {
                Decision::PollAfter { delay_ms, .. } => delay_ms,
                Decision::Stop(_) => panic!("no stop"),
            }
        })
        .collect();
    delays.sort_unstable();
    assert_eq!(delays[0], 1_000);
    assert!(*delays.last().expect("some") >= 59_000);
    delays.dedup();
    assert!(delays.len() > 90, "distinct delays: {}", delays.len());
}

#[test]
fn out_of_range_randomness_is_clamped() {
    for random in [-1.0, 2.0, f64::NAN, f64::INFINITY] {
        let mut history = PollHistory { failures: 20 };
        let Decision::PollAfter { delay_ms, .. } = decide(&mut history, &network(), random) else {
            panic!("no stop");
        };
        assert!((1_000..=60_000).contains(&delay_ms), "{random}: {delay_ms}");
    }
}

#[test]
fn back_off_resets_after_a_success() {
    let mut history = PollHistory::default();
    for _ in 0..5 {
        decide(&mut history, &network(), 0.99);
    }
    assert_eq!(history.failures, 5);
    decide(&mut history, &answer("processing"), 0.99);
    assert_eq!(history.failures, 0);
    assert_eq!(
        decide(&mut history, &network(), 0.99),
        Decision::PollAfter {
            delay_ms: 1_000,
            reason: WaitReason::Backoff { attempt: 1 }
        }
    );
}

#[test]
fn retry_after_is_honoured_exactly_in_both_forms() {
    for status in [429, 503] {
        let d = decide(
            &mut PollHistory::default(),
            &http(status, Some(RetryAfter::Seconds(7))),
            0.0,
        );
        assert_eq!(
            d,
            Decision::PollAfter {
                delay_ms: 7_000,
                reason: WaitReason::RetryAfter { attempt: 1 }
            }
        );
        let at = RetryAfter::At {
            epoch_ms: NOW + 12_500,
        };
        let d = decide(&mut PollHistory::default(), &http(status, Some(at)), 0.0);
        assert!(
            matches!(
                d,
                Decision::PollAfter {
                    delay_ms: 12_500,
                    ..
                }
            ),
            "{d:?}"
        );
    }
    // A date in the past (clock skew) still waits the minimum back-off.
    let past = RetryAfter::At {
        epoch_ms: NOW - 5_000,
    };
    assert!(matches!(
        decide(&mut PollHistory::default(), &http(429, Some(past)), 0.0),
        Decision::PollAfter {
            delay_ms: 1_000,
            ..
        }
    ));
    // `Retry-After: 0` too: never an instant retry.
    assert!(matches!(
        decide(
            &mut PollHistory::default(),
            &http(503, Some(RetryAfter::Seconds(0))),
            0.0
        ),
        Decision::PollAfter {
            delay_ms: 1_000,
            ..
        }
    ));
    let huge = RetryAfter::Seconds(u64::MAX);
    assert!(matches!(
        decide(&mut PollHistory::default(), &http(429, Some(huge)), 0.0),
        Decision::PollAfter {
            delay_ms: 3_600_000,
            ..
        }
    ));
}

#[test]
fn a_429_without_retry_after_backs_off() {
    assert!(matches!(
        decide(&mut PollHistory::default(), &http(429, None), 0.0),
        Decision::PollAfter {
            reason: WaitReason::Backoff { attempt: 1 },
            ..
        }
    ));
}

#[test]
fn refusals_stop_and_say_why() {
    for status in [400, 401, 403, 404, 410] {
        assert_eq!(
            decide(&mut PollHistory::default(), &http(status, None), 0.5),
            Decision::Stop(StopReason::Refused(status))
        );
    }
    assert_eq!(
        decide(
            &mut PollHistory::default(),
            &Observation::Failure(ClientError::InvalidConfig("bad".into())),
            0.5
        ),
        Decision::Stop(StopReason::InvalidConfig)
    );
}

#[test]
fn timeouts_and_decode_failures_back_off() {
    for error in [
        ClientError::Timeout { after_ms: 15_000 },
        ClientError::Decode {
            path: ".".into(),
            message: "x".into(),
        },
    ] {
        assert!(matches!(
            decide(
                &mut PollHistory::default(),
                &Observation::Failure(error),
                0.5
            ),
            Decision::PollAfter {
                reason: WaitReason::Backoff { .. },
                ..
            }
        ));
    }
}

/// A whole lifecycle on a fake clock: polls stop at the final status and not one more.
#[test]
fn a_simulated_lifecycle_polls_once_per_step_and_stops() {
    let steps = [
        "uninitialised",
        "queued",
        "processing",
        "processing",
        "partial",
    ];
    let mut clock = 0u64;
    let mut polls = 0;
    let mut history = PollHistory::default();
    let mut step = 0;
    loop {
        polls += 1;
        let status = steps[step.min(steps.len() - 1)];
        step += 1;
        match policy().decide(&mut history, &answer(status), clock, 0.3) {
            Decision::PollAfter { delay_ms, .. } => clock += u64::from(delay_ms),
            Decision::Stop(reason) => {
                assert_eq!(reason, StopReason::Finished);
                break;
            }
        }
        assert!(polls < 100, "runaway");
    }
    assert_eq!(polls, steps.len());
    assert_eq!(clock, 4 * 2_000);
}

#[test]
fn a_dataset_is_as_lively_as_its_liveliest_import() {
    let dataset = |imports: &str| -> Dataset {
        decode(format!(
            r#"{{"id": "d", "name": "n", "schema_version": "4", "imports": [{imports}]}}"#
        ))
        .expect("dataset")
    };
    let job = |s: &str| format!(r#"{{"import_id": "{s}", "status": "{s}"}}"#);
    assert_eq!(Activity::of_dataset(&dataset("")), Activity::Finished);
    assert_eq!(
        Activity::of_dataset(&dataset(&[job("complete"), job("failed")].join(","))),
        Activity::Finished
    );
    assert_eq!(
        Activity::of_dataset(&dataset(
            &[job("complete"), job("pending_schema")].join(",")
        )),
        Activity::Waiting
    );
    assert_eq!(
        Activity::of_dataset(&dataset(&[job("pending_schema"), job("queued")].join(","))),
        Activity::Running
    );
    let v3 = |status: &str| -> Dataset {
        decode(format!(
            r#"{{"id": "d", "name": "n", "schema_version": 3, "status": "{status}"}}"#
        ))
        .expect("v3")
    };
    assert_eq!(Activity::of_dataset(&v3("PROCESSING")), Activity::Running);
    assert_eq!(Activity::of_dataset(&v3("READY")), Activity::Finished);
    assert_eq!(Activity::of_dataset(&v3("MIGRATING")), Activity::Waiting);
}

/// The delay a hidden page that opted in waits after `observation`.
fn hidden(policy: PollPolicy, observation: &Observation, random: f64) -> u32 {
    match policy.decide(&mut PollHistory::default(), observation, NOW, random) {
        Decision::PollAfter { delay_ms, .. } => policy.hidden_delay(delay_ms),
        other => panic!("expected a poll, got {other:?}"),
    }
}

#[test]
fn a_hidden_page_that_opted_in_polls_every_15_s_or_slower() {
    assert_eq!(HIDDEN_MIN_MS, 15_000);
    // The running pace of 2 s becomes 15 s.
    assert_eq!(hidden(policy(), &answer("processing"), 0.5), 15_000);
    // Never faster than the configured interval.
    let slow = PollPolicy {
        running_ms: 40_000,
        ..policy()
    };
    assert_eq!(hidden(slow, &answer("queued"), 0.5), 40_000);
    // pending_schema's slow pace (30 s) stays.
    assert_eq!(hidden(policy(), &answer("pending_schema"), 0.5), 30_000);
    // Retry-After and a long back-off still hold.
    let retry = http(429, RetryAfter::parse("120"));
    assert_eq!(hidden(policy(), &retry, 0.5), 120_000);
    let mut history = PollHistory { failures: 9 };
    let Decision::PollAfter { delay_ms, .. } = decide(&mut history, &network(), 0.99) else {
        panic!("a back-off");
    };
    assert!(delay_ms > 15_000, "{delay_ms}");
    assert_eq!(policy().hidden_delay(delay_ms), delay_ms);
    // A short back-off is lengthened to the hidden pace.
    assert_eq!(hidden(policy(), &network(), 0.0), 15_000);
}
