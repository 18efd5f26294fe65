//! The mock's scenario parser: never a panic; a parsed scenario serves every request.
#![no_main]

use dataset_proxy::mock::scenario::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(scenario) = Scenario::parse(text) {
        assert!(!scenario.is_empty());
        for n in 0..scenario.len() + 3 {
            let _ = scenario.step(n);
        }
    }
});
