//! The shared Telex / VNI vectors (`telex_vectors.json`), also read by the kiosk keyboard's
//! TypeScript tests.

use motcua_core::telex::{compose_with, Mode};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    input: String,
    mode: Mode,
    output: String,
}

#[test]
fn every_vector_composes() {
    let text = include_str!("telex_vectors.json");
    let vectors: Vec<Vector> = serde_json::from_str(text).unwrap();
    assert!(vectors.len() >= 40, "{} vectors", vectors.len());
    let mut failures = Vec::new();
    for v in &vectors {
        let got = compose_with(&v.input, v.mode);
        if got != v.output {
            failures.push(format!(
                "{:?} {:?}: got {got:?}, want {:?}",
                v.mode, v.input, v.output
            ));
        }
        assert_eq!(got, motcua_core::text::nfc(&got), "output is NFC");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
