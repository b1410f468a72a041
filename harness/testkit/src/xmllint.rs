//! JUnit files checked against the project's JUnit schema (`harness/report/schema/junit.xsd`)
//! with xmllint, the validator CI installs.

use std::path::Path;
use std::process::Command;

/// `xmllint --schema` of the project's JUnit schema on `file`: whether it validates and
/// xmllint's messages. `None` when xmllint cannot run — a panic instead with
/// `HIL_REQUIRE_XMLLINT=1`, as in CI, so a missing validator never passes a test silently.
pub fn validates_junit_schema(file: &Path) -> Option<(bool, String)> {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../report/schema/junit.xsd");
    match Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(file)
        .output()
    {
        Ok(o) => Some((
            o.status.success(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )),
        Err(e) if std::env::var("HIL_REQUIRE_XMLLINT").as_deref() == Ok("1") => panic!(
            "HIL_REQUIRE_XMLLINT=1 but xmllint cannot run ({e}); \
             install it with `apt-get install -y libxml2-utils`"
        ),
        Err(e) => {
            eprintln!("skipping JUnit schema validation: xmllint not available ({e})");
            None
        }
    }
}
