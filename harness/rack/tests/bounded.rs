//! Rack-file reading is bounded and every refusal names a line: deep nesting and oversized
//! files are refused before the YAML parser runs, a byte-order mark is accepted, a second
//! document and bad UTF-8 are refused at their line, and a value found wanting after parsing
//! (e.g. by the lab) is located with `error_at`.

use std::io::Write;

use hil_rack::{MAX_BYTES, MAX_DEPTH, Step};

const GOOD: &str = "name: bench\nduts:\n  - name: dk-1\n    serial: /dev/ttyACM0\n";

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(bytes))
        .expect("write the rack file");
    path
}

/// The 400 KB file of the fault campaign: a tag list nested 200 000 levels deep in flow style.
fn deeply_nested(bytes: usize) -> String {
    let head = "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    tags: ";
    let n = (bytes - head.len()) / 2;
    format!("{head}{}{}\n", "[".repeat(n), "]".repeat(n))
}

#[test]
fn a_deeply_nested_400_kb_file_is_refused_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = deeply_nested(400_000);
    assert!(text.len() >= 400_000);
    let path = write(&dir, "deep.yaml", text.as_bytes());
    let err = hil_rack::load(&path).unwrap_err();
    let shown = err.to_string();
    assert_eq!(err.line, Some(5), "{shown}");
    assert!(
        shown.starts_with(&format!("{}:5:", path.display())),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("deeper than {MAX_DEPTH}")),
        "{shown}"
    );
}

#[test]
fn deep_block_nesting_is_refused_with_its_line() {
    let mut text = String::from("name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    x:\n");
    for level in 0..MAX_DEPTH {
        text.push_str(&format!("{}k:\n", " ".repeat(6 + 2 * level)));
    }
    let err = hil_rack::parse(&text, "rack.yaml").unwrap_err();
    assert!(err.message.contains("deeper than"), "{err}");
    assert!(err.line.is_some_and(|l| l > 5), "{err}");
}

#[test]
fn a_file_larger_than_the_limit_is_refused_unparsed_with_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = GOOD.to_string();
    while text.len() <= MAX_BYTES {
        text.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    let path = write(&dir, "big.yaml", text.as_bytes());
    let err = hil_rack::load(&path).unwrap_err();
    assert!(err.message.contains("larger than 1024 KiB"), "{err}");
    let line = err.line.expect("a line");
    assert!(line > 4, "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("{}:{line}:", path.display()))
    );
    let err = hil_rack::parse(&text, "rack.yaml").unwrap_err();
    assert!(err.message.contains("larger than"), "{err}");
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "bom.yaml", format!("\u{feff}{GOOD}").as_bytes());
    let rack = hil_rack::load(&path).expect("loads");
    assert_eq!(rack.name, "bench");
    // Lines are still counted from the first line.
    let text = "\u{feff}name: r\nduts:\n  - name: a\n    serail: /dev/x\n";
    assert_eq!(
        hil_rack::parse(text, "rack.yaml").unwrap_err().line,
        Some(4)
    );
}

#[test]
fn a_multi_document_file_is_refused_at_the_second_document() {
    let text = format!("{GOOD}---\n{GOOD}");
    let err = hil_rack::parse(&text, "rack.yaml").unwrap_err();
    assert_eq!(err.line, Some(5), "{err}");
    assert!(err.message.contains("second YAML document"), "{err}");
    assert!(err.to_string().starts_with("rack.yaml:5:"), "{err}");
    // An explicit start marker before the one document is fine.
    hil_rack::parse(&format!("---\n{GOOD}"), "rack.yaml").expect("one document");
}

#[test]
fn invalid_utf8_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = GOOD.as_bytes().to_vec();
    bytes.extend_from_slice(b"    tags: [caf\xe9]\n");
    let path = write(&dir, "latin1.yaml", &bytes);
    let err = hil_rack::load(&path).unwrap_err();
    assert_eq!((err.line, err.column), (Some(5), Some(15)), "{err}");
    assert!(err.message.contains("not UTF-8"), "{err}");
}

#[test]
fn an_empty_file_names_a_line() {
    let err = hil_rack::parse("", "rack.yaml").unwrap_err();
    assert_eq!(err.line, Some(1), "{err}");
}

#[test]
fn a_value_found_wanting_after_parsing_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{feff}name: r\nduts:\n  - name: a\n    serial: /dev/x\n  - name: s\n    simulated:\n      profile: mfw_nrf9160_9.9.9\n";
    let path = write(&dir, "rack.yaml", text.as_bytes());
    let field = [
        Step::Key("duts"),
        Step::Index(1),
        Step::Key("simulated"),
        Step::Key("profile"),
    ];
    let err = hil_rack::error_at(&path, &field, "unknown profile `mfw_nrf9160_9.9.9`");
    assert_eq!(
        err.to_string(),
        format!(
            "{}:7:16: duts[1].simulated.profile: unknown profile `mfw_nrf9160_9.9.9`",
            path.display()
        )
    );
}

/// A FIFO (or a directory) given as the rack file is refused before it is opened — opening a
/// FIFO blocks until a writer comes — in one line naming the file.
#[test]
fn anything_but_a_regular_file_is_refused_unopened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("rack.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (tx, rx) = std::sync::mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || tx.send(hil_rack::load(&path).map(|_| ())));
    let err = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("refused, not blocked on the FIFO")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "{}: not a regular file (a FIFO); a rack file is a regular file",
            fifo.display()
        )
    );
    let err = hil_rack::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("not a regular file (a directory)"), "{err}");
    assert!(!err.contains('\n'), "{err}");
}
