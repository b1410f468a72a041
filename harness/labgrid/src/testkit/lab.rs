//! [`LabgridLab`]: a coordinator and exporters on 127.0.0.1 exporting simulated boards, one
//! tagged place per board.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::Command;
use std::time::Duration;

use hil_sim::rack::{SimDut, SimDutConfig, SimRack, SimRackConfig};
use hil_sim::timing::Timing;

use super::processes::{Group, free_port, wait_listening};
use crate::board::tags::*;
use crate::{Address, Coordinator};

/// One place of the lab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabPlace {
    /// Place name (also the simulated board's and the resource group's name).
    pub name: String,
    /// The exporter it is on.
    pub exporter: String,
}

/// Which `ser2net` the exporters start for an acquired place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Ser2net {
    /// The one on `PATH`, with labgrid's arguments only (ser2net's defaults: `chardelay`).
    #[default]
    Stock,
    /// `harness/rfc2217/ser2net-lowlatency` ahead of it on the exporters' `PATH`, as the README
    /// tells an exporter host to install it.
    LowLatency,
}

/// How a lab is set up beyond its hosts and boards.
#[derive(Debug, Clone)]
pub struct LabSetup {
    /// The exporters' ser2net.
    pub ser2net: Ser2net,
    /// The simulated boards' timing.
    pub timing: Timing,
    /// An `ssh` service and a probe tag on every place, for flashing over SSH.
    pub ssh: Option<SshPlaces>,
}

impl Default for LabSetup {
    fn default() -> Self {
        LabSetup {
            ser2net: Ser2net::Stock,
            timing: Timing::Fast,
            ssh: None,
        }
    }
}

/// An `ssh` `NetworkService` on every place (all on one sshd) and a `hil-probe` tag naming the
/// board's simulated probe endpoint, so the places can be flashed over SSH.
#[derive(Debug, Clone, Default)]
pub struct SshPlaces {
    /// The sshd port (on 127.0.0.1).
    pub port: u16,
    /// The login name.
    pub user: String,
    /// The `hil-remote-hil` tag (the `hil` binary under test).
    pub remote_hil: String,
    /// Per place: another login name (e.g. one sshd refuses).
    pub users: BTreeMap<String, String>,
    /// Per place: another `hil-probe` tag (e.g. a USB probe that is not attached).
    pub probes: BTreeMap<String, String>,
}

/// A labgrid lab on loopback with simulated boards.
pub struct LabgridLab {
    /// The coordinator's address.
    pub address: Address,
    /// The places, exporter by exporter.
    pub places: Vec<LabPlace>,
    // Drop order: exporters (and their ser2net) first, then the coordinator, then the boards.
    exporters: Vec<Group>,
    coordinator: Option<Group>,
    ssh: Option<SshPlaces>,
    sim: SimRack,
    dir: tempfile::TempDir,
}

impl LabgridLab {
    /// Starts a coordinator, one exporter per name in `hosts` with `per_host` simulated boards
    /// each (modem firmware from `profiles`, in turn), and one place per board tagged
    /// `hil=nrf91` plus the board's `hil-*` tags.
    pub fn start(hosts: &[&str], per_host: usize, profiles: &[&str]) -> LabgridLab {
        LabgridLab::start_with(hosts, per_host, profiles, LabSetup::default())
    }

    /// [`LabgridLab::start`], set up as `setup` says.
    pub fn start_with(
        hosts: &[&str],
        per_host: usize,
        profiles: &[&str],
        setup: LabSetup,
    ) -> LabgridLab {
        let dir = tempfile::tempdir().expect("lab directory");
        let sim = start_boards(hosts, per_host, profiles, setup.timing);
        let port = free_port();
        let mut cmd = Command::new("labgrid-coordinator");
        cmd.args(["-l", &format!("127.0.0.1:{port}")])
            .current_dir(dir.path());
        let mut coordinator = Group::spawn(
            "labgrid-coordinator",
            cmd,
            &dir.path().join("coordinator.log"),
        );
        wait_listening(port, &mut coordinator, Duration::from_secs(30));
        let address = Address::parse(&format!("127.0.0.1:{port}")).expect("address");
        let mut lab = LabgridLab {
            address,
            places: Vec::new(),
            exporters: Vec::new(),
            coordinator: Some(coordinator),
            ssh: setup.ssh.clone(),
            sim,
            dir,
        };
        for (i, host) in hosts.iter().enumerate() {
            let boards: Vec<SimDut> = lab.sim.duts()[i * per_host..(i + 1) * per_host].to_vec();
            lab.start_exporter(host, &boards, setup.ser2net);
        }
        lab.create_places();
        lab
    }

    fn start_exporter(&mut self, host: &str, boards: &[SimDut], ser2net: Ser2net) {
        let mut config = String::new();
        for b in boards {
            let psu = b.psu.strip_prefix("tcp://").unwrap_or(&b.psu);
            let (psu_host, psu_port) = psu.rsplit_once(':').expect("sim supply host:port");
            let _ = writeln!(
                config,
                "{}:\n  console: {{ cls: RawSerialPort, port: \"{}\", speed: {} }}\n  supply: {{ cls: PyVISADevice, type: TCPIP, url: \"{psu_host}::{psu_port}::SOCKET\" }}",
                b.name,
                b.serial.display(),
                b.baud
            );
            if let Some(ssh) = &self.ssh {
                let user = ssh.users.get(&b.name).unwrap_or(&ssh.user);
                let _ = writeln!(
                    config,
                    "  ssh: {{ cls: NetworkService, address: 127.0.0.1, username: \"{user}\", port: {} }}",
                    ssh.port
                );
            }
            self.places.push(LabPlace {
                name: b.name.clone(),
                exporter: host.to_string(),
            });
        }
        let path = self.dir.path().join(format!("exporter-{host}.yaml"));
        std::fs::write(&path, config).expect("exporter config");
        let mut cmd = Command::new("labgrid-exporter");
        cmd.args([
            "-c",
            &self.address.to_string(),
            "-n",
            host,
            "--hostname",
            "127.0.0.1",
        ])
        .arg(&path)
        .current_dir(self.dir.path());
        if ser2net == Ser2net::LowLatency {
            cmd.env("PATH", self.low_latency_path());
        }
        let log = self.dir.path().join(format!("exporter-{host}.log"));
        self.exporters
            .push(Group::spawn(&format!("labgrid-exporter {host}"), cmd, &log));
    }

    /// `PATH` with a directory whose `ser2net` is the low-latency wrapper in front.
    fn low_latency_path(&self) -> std::ffi::OsString {
        let bin = self.dir.path().join("ser2net-lowlatency-bin");
        std::fs::create_dir_all(&bin).expect("wrapper directory");
        let wrapper =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rfc2217/ser2net-lowlatency");
        let link = bin.join("ser2net");
        if !link.exists() {
            std::os::unix::fs::symlink(&wrapper, &link).expect("wrapper link");
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        let dirs = std::iter::once(bin).chain(std::env::split_paths(&path));
        std::env::join_paths(dirs).expect("PATH")
    }

    /// A client session named `name`.
    pub fn client(&self, name: &str) -> Coordinator {
        Coordinator::connect(&self.address, name, Duration::from_secs(10))
            .expect("coordinator session")
    }

    fn create_places(&self) {
        let client = self.client("fixture/setup");
        let per_place = if self.ssh.is_some() { 3 } else { 2 };
        let want = self.places.len() * per_place;
        client
            .wait_view("the exporters' resources", Duration::from_secs(60), |v| {
                v.resources.len() >= want
            })
            .unwrap_or_else(|e| panic!("{e}\n{}", self.logs()));
        for place in &self.places {
            let dut = self.sim.dut(&place.name).expect("board");
            client.add_place(&place.name).expect("AddPlace");
            client
                .add_place_match(&place.name, &format!("{}/{}/*", place.exporter, place.name))
                .expect("AddPlaceMatch");
            client
                .set_place_tags(&place.name, &self.tags(dut))
                .expect("SetPlaceTags");
        }
    }

    /// The tags of a board's place: [`board_tags`], and the probe and remote `hil` with ssh.
    fn tags(&self, dut: &SimDut) -> BTreeMap<String, String> {
        let mut tags = board_tags(dut);
        if let Some(ssh) = &self.ssh {
            let probe = ssh.probes.get(&dut.name).unwrap_or(&dut.probe);
            tags.insert(TAG_PROBE.to_string(), probe.clone());
            tags.insert(TAG_REMOTE_HIL.to_string(), ssh.remote_hil.clone());
        }
        tags
    }

    /// The simulated boards.
    pub fn sim(&self) -> &SimRack {
        &self.sim
    }

    /// Kills exporter `host` and its ser2net processes at once, as if the host died.
    pub fn kill_exporter(&mut self, host: &str) {
        let name = format!("labgrid-exporter {host}");
        if let Some(e) = self.exporters.iter_mut().find(|e| e.name() == name) {
            e.kill();
        }
    }

    /// Stops the coordinator.
    pub fn stop_coordinator(&mut self) {
        if let Some(mut c) = self.coordinator.take() {
            c.stop();
        }
    }

    /// The same boards as a local rack file (consoles and supplies reached directly).
    pub fn rack_yaml(&self, name: &str) -> String {
        let mut yaml = format!("name: {name}\nduts:\n");
        for p in &self.places {
            let b = self.sim.dut(&p.name).expect("board");
            let _ = write!(
                yaml,
                "  - name: {}\n    serial: {{ port: \"{}\", baud: {} }}\n    supply: {{ driver: scpi-tcp, address: \"{}\" }}\n    expected_mfw: {}\n    expected_imei: \"{}\"\n    limits: {{ min_volts: 0.0, max_volts: 5.5, max_amps: 1.0 }}\n",
                b.name,
                b.serial.display(),
                b.baud,
                b.psu,
                b.profile,
                b.imei
            );
        }
        yaml
    }

    /// The labgrid processes' output so far, for failure messages.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        if let Ok(entries) = std::fs::read_dir(self.dir.path()) {
            for e in entries
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
            {
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                let tail: String = text
                    .chars()
                    .rev()
                    .take(6000)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let _ = writeln!(out, "--- {}\n{tail}", e.path().display());
            }
        }
        out
    }
}

impl Drop for LabgridLab {
    fn drop(&mut self) {
        for e in &mut self.exporters {
            e.stop();
        }
        self.stop_coordinator();
    }
}

fn start_boards(hosts: &[&str], per_host: usize, profiles: &[&str], timing: Timing) -> SimRack {
    let duts = (0..hosts.len() * per_host)
        .map(|i| {
            let host = hosts[i / per_host].to_ascii_lowercase();
            let name = format!("{host}-dut{}", i % per_host + 1);
            SimDutConfig::new(name, profiles[i % profiles.len()])
        })
        .collect();
    let cfg = SimRackConfig {
        duts,
        timing,
        profile_dirs: Vec::new(),
        link_dir: None,
    };
    SimRack::start(cfg).expect("simulated boards")
}

/// The tags of a simulated board's place.
fn board_tags(dut: &SimDut) -> BTreeMap<String, String> {
    [
        ("hil", "nrf91"),
        (TAG_SUPPLY_MODEL, dut.psu_model.as_str()),
        (TAG_MFW, dut.profile.as_str()),
        (TAG_IMEI, dut.imei.as_str()),
        (TAG_MIN_VOLTS, "0.0"),
        (TAG_MAX_VOLTS, "5.5"),
        (TAG_MAX_AMPS, "1.0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}
