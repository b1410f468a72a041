//! What ser2net runs with: our YAML config (ser2net's latency-costing defaults turned off), the
//! command line a labgrid exporter uses (ser2net's defaults in force), and the wrapper script
//! that gives a labgrid exporter our defaults.

use std::path::Path;

use super::Accepter;

/// ser2net options that cost a request/response console latency, and our values. ser2net's
/// defaults: `chardelay: true` holds device output until at least 1 ms (`chardelay-min`) after
/// its last byte, which measured 3.2–3.4 ms per AT exchange on loopback instead of ~22 µs; 64-byte
/// transfer buffers move a 2 KB certificate in 32 pieces each way (32 writes to the device, 32
/// TCP segments back), 90 ser2net system calls per write+list+delete instead of 59.
pub const TUNED_DEFAULTS: [(&str, &str); 3] = [
    ("chardelay", "false"),
    ("dev-to-net-bufsize", "4096"),
    ("net-to-dev-bufsize", "4096"),
];

/// The wrapper script for a labgrid exporter host (`harness/rfc2217/ser2net-lowlatency`):
/// installed as `ser2net` ahead of the real one on the exporter's PATH, it sets
/// [`TUNED_DEFAULTS`] as ser2net defaults before labgrid's own `-Y` lines.
pub const WRAPPER: &str = include_str!("../../ser2net-lowlatency");

/// Environment variable naming the real ser2net for [`WRAPPER`].
pub const WRAPPER_REAL_ENV: &str = "HIL_SER2NET_REAL";

/// Our ser2net 4.x YAML for one connection on 127.0.0.1:`port`, [`TUNED_DEFAULTS`] as options.
pub fn config_yaml(
    device: &Path,
    baud: u32,
    accepter: Accepter,
    port: u16,
    kick_old_user: bool,
) -> String {
    let accepter = match accepter {
        Accepter::Rfc2217 => "telnet(rfc2217),tcp",
        Accepter::Raw => "tcp",
    };
    let mut yaml = format!(
        "connection: &con0\n  accepter: {accepter},127.0.0.1,{port}\n  connector: serialdev,{},{baud}n81,local\n  options:\n    kickolduser: {kick_old_user}\n",
        device.display()
    );
    for (name, value) in TUNED_DEFAULTS {
        yaml.push_str(&format!("    {name}: {value}\n"));
    }
    yaml
}

/// The arguments a labgrid exporter (23.0 to 26.0, ser2net ≥ 4.2) starts ser2net with for an
/// acquired serial port (`labgrid/remote/exporter.py`, read for facts): RFC 2217 accepter,
/// `nouucplock`, `max-connections: 10` (a second client is let in, not turned away), nothing
/// else. Labgrid binds every interface; this binds 127.0.0.1 only.
pub fn labgrid_args(device: &Path, baud: u32, port: u16) -> Vec<String> {
    let lines = [
        format!("connection: &con01#  accepter: telnet(rfc2217,mode=server),tcp,127.0.0.1,{port}"),
        format!(
            "  connector: serialdev(nouucplock=true),{},{baud}n81,local",
            device.display()
        ),
        "  options:".to_owned(),
        "    max-connections: 10".to_owned(),
    ];
    let mut args = vec!["-d".to_owned(), "-n".to_owned()];
    for line in lines {
        args.push("-Y".to_owned());
        args.push(line);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_is_ser2net4_yaml_with_the_tuned_options() {
        let y = config_yaml(
            Path::new("/dev/pts/3"),
            115_200,
            Accepter::Rfc2217,
            4001,
            true,
        );
        assert!(
            y.contains("accepter: telnet(rfc2217),tcp,127.0.0.1,4001"),
            "{y}"
        );
        assert!(
            y.contains("connector: serialdev,/dev/pts/3,115200n81,local"),
            "{y}"
        );
        assert!(y.contains("    kickolduser: true\n"), "{y}");
        for (name, value) in TUNED_DEFAULTS {
            assert!(y.contains(&format!("\n    {name}: {value}\n")), "{y}");
        }
        let raw = config_yaml(Path::new("/dev/pts/3"), 9600, Accepter::Raw, 4002, false);
        assert!(raw.contains("accepter: tcp,127.0.0.1,4002"), "{raw}");
        assert!(raw.contains("kickolduser: false"), "{raw}");
    }

    #[test]
    fn the_wrapper_sets_every_tuned_default_before_the_callers_arguments() {
        for (name, value) in TUNED_DEFAULTS {
            let line = format!("-Y 'default:#  name: {name}#  value: {value}'");
            assert!(WRAPPER.contains(&line), "missing {line}");
        }
        let exec = WRAPPER
            .find("exec \"$real\"")
            .expect("execs the real ser2net");
        let pass = WRAPPER.rfind("\"$@\"").expect("passes the arguments on");
        assert!(exec < pass);
        assert!(WRAPPER.contains(WRAPPER_REAL_ENV));
    }

    #[test]
    fn labgrid_args_are_yaml_lines_in_order() {
        let a = labgrid_args(Path::new("/dev/pts/9"), 115_200, 5000);
        assert_eq!(&a[..2], ["-d", "-n"]);
        assert_eq!(a.iter().filter(|x| *x == "-Y").count(), 4);
        assert!(a[3].ends_with("telnet(rfc2217,mode=server),tcp,127.0.0.1,5000"));
        assert!(a[5].contains("serialdev(nouucplock=true),/dev/pts/9,115200n81,local"));
        assert_eq!(a[9], "    max-connections: 10");
    }
}
