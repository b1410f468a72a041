//! Simulator policies: the modem behaviours the reference leaves OPEN, as data.
//!
//! Every knob here stands for a fact that no source settles (tagged OPEN in
//! `shared/reference/nrf91-modem-keymgmt.md`, cited as "ref §n"). The defaults follow the
//! reference's INFERRED reading; a simulated DUT can override any of them (a rack file's
//! `simulated.policy`, a `hil sim --config` file) so the same simulator can mirror whatever the
//! HIL suite measures on hardware. Facts the reference CONFIRMS live in the simulator's
//! firmware profiles instead, never here. The simulated modem (`hil-sim`) acts on these; they
//! live here so the rack file can name them without depending on the simulator.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What clears an active power-off warning once it has fired (ref §4.4, OPEN (a)–(f)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ClearPolicy {
    /// (a) Clears by itself when VDD is back at or above threshold + hysteresis. Default: the
    /// PMIC indication is level-based [D8] and ref §4.4 infers the block follows a still-low
    /// supply rather than a stale latch.
    #[default]
    Level,
    /// (b)/(c) Clears on any `AT%XPOFWARN=` set command once VDD has recovered.
    ReArm,
    /// (d) Clears on any `AT+CFUN=` set command once VDD has recovered (Nordic's recipe, ref §4.4).
    CfunCycle,
    /// (e)/(f) Clears only on a modem reset (`Modem::reboot`) or power loss.
    Reset,
    /// (f) Clears only when the modem loses power (supply below [`Policy::power_loss_volts`]).
    PowerCycle,
}

/// What a `%CMNG` write to an existing `(sec_tag, type)` does (ref §1.4 "Overwrite", OPEN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OverwritePolicy {
    /// The new content replaces the old one.
    Replace,
    /// `+CME ERROR: 519` (already exists); only on firmware whose profile has 519.
    #[serde(rename = "already_exists_519")]
    AlreadyExists519,
}

/// What a `%CMNG` read of a secret type (private key, PSK) returns (ref §1.4, OPEN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SecretReadPolicy {
    /// `+CME ERROR: 514` "no access" (INFERRED, ref §1.4; matches NCS's documented `-EACCES`).
    #[default]
    #[serde(rename = "refuse_514")]
    Refuse514,
    /// The content is returned like any other type.
    Allow,
}

/// One step of the `%CMNG` write check sequence (ref §9, precedence OPEN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WriteCheck {
    /// 518 while the modem is active (CFUN 1, 2, 21; ref §3 [D1]).
    #[serde(rename = "active_mode_518")]
    ActiveMode518,
    /// 528 (or the silent drop on 1.3.0/1.3.1) while a power-off warning is active (ref §4.3).
    #[serde(rename = "power_off_warning_528")]
    PowerOffWarning528,
    /// 527 content validation on firmware that has it (ref §1.3).
    #[serde(rename = "invalid_content_527")]
    InvalidContent527,
    /// 519 when the item exists and may not be overwritten (ref §1.4).
    #[serde(rename = "already_exists_519")]
    AlreadyExists519,
    /// 515 when the store is full (ref §2.1).
    #[serde(rename = "memory_full_515")]
    MemoryFull515,
}

/// How a bad parameter value of a known command is reported (ref §9 step 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamErrorStyle {
    /// `+CME ERROR: 50` "incorrect parameters" when CMEE is on, `ERROR` otherwise (ref §2.1, §9).
    #[default]
    #[serde(rename = "cme_50")]
    Cme50,
    /// Always a plain `ERROR`.
    PlainError,
}

/// `%XPOFWARN` state at boot (ref §4.1: nRF91x1 default CONFIRMED; nRF9160 default OPEN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PofwarnBoot {
    /// Whatever the firmware profile says (`pofwarn.default_mv`).
    #[default]
    Profile,
    /// Off at boot.
    Disabled,
    /// On at boot with threshold [`Policy::pofwarn_boot_mv`] (firmware with `%XPOFWARN` only).
    Enabled,
}

/// The OPEN behaviours of one simulated modem. `Policy::default()` is the reference's
/// INFERRED reading; deserialising an empty map gives the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// What clears an active warning (ref §4.4). Default `level`.
    pub pofwarn_clear: ClearPolicy,
    /// Release voltage above the threshold, mV (ref §4.4 "hysteresis", OPEN). Default 0: Nordic's
    /// recipe releases once `%XVBAT` is at or above the threshold (ref §4.2).
    pub hysteresis_mv: u32,
    /// Whether an active warning also blocks `%CMNG` read/list with 528 (ref §4.3, CONFLICT →
    /// OPEN). Default false: the AT doc speaks only of "update".
    pub pofwarn_blocks_read: bool,
    /// Whether an active warning blocks `%KEYGEN` (it stores a key to NVM; not in the doc's 528
    /// command list, ref §2.1). Default true (INFERRED from "blocks storing to NVM", ref §4.1 [D7]).
    pub pofwarn_blocks_keygen: bool,
    /// `%XPOFWARN` at boot (ref §4.1). Default: the profile's value.
    pub pofwarn_boot: PofwarnBoot,
    /// Threshold for `pofwarn_boot: enabled`, mV. Default 3000 (the nRF91x1 default, ref §4.1).
    pub pofwarn_boot_mv: u32,
    /// Whether the built-in fixed 3000 mV check (ref §4.2 [F3]) also raises the blocking
    /// warning (528). Default false: it takes the modem offline and notifies, but 528 is
    /// documented for the `%XPOFWARN` warning (ref §4.3).
    pub builtin_check_sets_warning: bool,
    /// Overwrite of an existing user item (ref §1.4, OPEN). Default `replace` (INFERRED).
    pub overwrite: OverwritePolicy,
    /// Overwrite of a generated (`%KEYGEN`) or factory item. Default `already_exists_519`
    /// (ref §1.4 INFERRED: "519 is for protected or generated items").
    pub protected_overwrite: OverwritePolicy,
    /// Read of secret types (ref §1.4, OPEN). Default `refuse_514` (INFERRED).
    pub secret_read: SecretReadPolicy,
    /// Whether `+CMEE` survives `AT+CFUN=0` (ref §2.2, OPEN). Default false (INFERRED).
    pub cmee_survives_cfun: bool,
    /// `+CMEE` value after a reset or power-up (ref §2.2, OPEN). Default 0 (INFERRED).
    pub cmee_boot: u8,
    /// Precedence of the write checks (ref §9, OPEN). Default 518, 528, 527, 519, 515.
    pub check_order: Vec<WriteCheck>,
    /// Number of user items the store holds before 515 (ref §2.1; the real capacity is OPEN,
    /// this is a test value large enough for realistic provisioning).
    pub max_credentials: usize,
    /// Largest content one item may hold, bytes (ref §1.3, OPEN). Default 4096, the AT
    /// command cap of libmodem/at_host/SLM [X3][C6][C10]. Beyond it: 527 where the profile
    /// validates content, 515 elsewhere (INFERRED).
    pub max_content_bytes: usize,
    /// Whether 527 validation also parses each PEM block as an X.509 certificate (ref §1.3
    /// "invalid content"; depth OPEN). Default true.
    pub validate_der: bool,
    /// Parameter error rendering (ref §9 step 1). Default `cme_50`.
    pub param_error: ParamErrorStyle,
    /// Fault injection (ref §7.1, §7.3(a), §9): a command with an odd number of `"` gets no
    /// answer until a later command supplies the closing quote. Default false.
    pub modem_waits_for_quote: bool,
    /// Fault injection (ref §7.3(b)): the alpha credential-store hang; every `%CMNG` write
    /// gets no answer and stores nothing. Default false.
    pub store_write_hangs: bool,
    /// Fault injection: after this many commands the modem answers nothing and streams endless
    /// output, through resets and power cycles (a broken board; reports must stay bounded).
    /// Default none (and then not written out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub babble_after_commands: Option<u32>,
    /// Whether `AT%XPOFWARN?` answers `%XPOFWARN: <state>,<v>` (ref §4.1: no read form
    /// documented, OPEN). Default false → `ERROR`.
    pub xpofwarn_read_form: bool,
    /// Supply below which the modem is unpowered (volatile state lost, no answers), volts.
    /// Default 2.0, the nRF9160 brownout level (instruments-and-probes reference, supervisor).
    pub power_loss_volts: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            pofwarn_clear: ClearPolicy::Level,
            hysteresis_mv: 0,
            pofwarn_blocks_read: false,
            pofwarn_blocks_keygen: true,
            pofwarn_boot: PofwarnBoot::Profile,
            pofwarn_boot_mv: 3000,
            builtin_check_sets_warning: false,
            overwrite: OverwritePolicy::Replace,
            protected_overwrite: OverwritePolicy::AlreadyExists519,
            secret_read: SecretReadPolicy::Refuse514,
            cmee_survives_cfun: false,
            cmee_boot: 0,
            check_order: vec![
                WriteCheck::ActiveMode518,
                WriteCheck::PowerOffWarning528,
                WriteCheck::InvalidContent527,
                WriteCheck::AlreadyExists519,
                WriteCheck::MemoryFull515,
            ],
            max_credentials: 64,
            max_content_bytes: 4096,
            validate_der: true,
            param_error: ParamErrorStyle::Cme50,
            modem_waits_for_quote: false,
            store_write_hangs: false,
            babble_after_commands: None,
            xpofwarn_read_form: false,
            power_loss_volts: 2.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_yaml_gives_the_inferred_defaults() {
        let p: Policy = serde_yaml_ng::from_str("{}").unwrap();
        assert_eq!(p, Policy::default());
    }

    #[test]
    fn knobs_are_overridable_by_name() {
        let p: Policy = serde_yaml_ng::from_str(
            "pofwarn_clear: cfun-cycle\noverwrite: already_exists_519\nsecret_read: allow\n\
             check_order: [power_off_warning_528, active_mode_518]\npofwarn_boot: enabled\npofwarn_boot_mv: 3100\n",
        )
        .unwrap();
        assert_eq!(p.pofwarn_clear, ClearPolicy::CfunCycle);
        assert_eq!(p.overwrite, OverwritePolicy::AlreadyExists519);
        assert_eq!(p.secret_read, SecretReadPolicy::Allow);
        assert_eq!(p.check_order[0], WriteCheck::PowerOffWarning528);
        assert_eq!(p.pofwarn_boot, PofwarnBoot::Enabled);
        assert_eq!(p.pofwarn_boot_mv, 3100);
        assert!(serde_yaml_ng::from_str::<Policy>("no_such_knob: 1").is_err());
    }
}
