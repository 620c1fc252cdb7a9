//! `grammars/deployment.schema.json` is generated from the deployment types and every
//! sample's deployment validates against it. Regenerate with
//! `MRALINT_WRITE_SCHEMA=1 cargo test --test schema`.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_schema_file_is_current() {
    let path = root().join("grammars/deployment.schema.json");
    let generated = mralint::deployment::file::schema();
    if std::env::var_os("MRALINT_WRITE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "grammars/deployment.schema.json is stale: run MRALINT_WRITE_SCHEMA=1 cargo test --test schema");
}

#[test]
fn every_sample_deployment_validates() {
    let schema: serde_json::Value =
        serde_json::from_str(&mralint::deployment::file::schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("samples")).unwrap().flatten() {
        let path = entry.path().join("deployment.yaml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let value: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{}: {}",
            path.display(),
            errors.join("; ")
        );
        checked += 1;
    }
    assert!(checked >= 10);
    // And the schema rejects what the loader rejects.
    let bad: serde_json::Value =
        serde_saphyr::from_str("version: 1\nfirewalls: []\ncolour: blue\n").unwrap();
    assert!(!validator.is_valid(&bad));
    // Each Expressway is described by hand, by its dumps, or both, never by neither.
    let neither: serde_json::Value = serde_saphyr::from_str(
        "version: 1\nfirewalls: []\nexpressway_c: {}\nexpressway_e: { xconfig: [expe1.txt] }\n",
    )
    .unwrap();
    assert!(!validator.is_valid(&neither));
    let dumps: serde_json::Value = serde_saphyr::from_str(
        "version: 1\nfirewalls: []\nexpressway_c: { xconfig: [c.txt] }\nexpressway_e: { xconfig: [e.txt] }\n",
    )
    .unwrap();
    assert!(validator.is_valid(&dumps));
}
