//! Findings → a profile the simulator loads: measured facts over the base profile (or the
//! schema's defaults), the measured policies in its `policy` block, and the provenance of
//! every field.

use std::collections::BTreeMap;

use hil_model::MfwVersion;
use hil_model::policy::Policy;
use hil_sim::profile::{
    Cmng, Commands, ContentCheck, CurrentFigures, IdentityStrings, Latency, ListDigest,
    Measurement, Pofwarn, Profile, Provenance, Source, Xpmng,
};

use crate::error::Error;
use crate::findings::Findings;

/// A characterized profile.
#[derive(Debug, Clone)]
pub struct Emitted {
    /// The simulator profile built from the findings.
    pub profile: Profile,
}

impl Emitted {
    /// The YAML text of the profile file.
    pub fn to_yaml(&self) -> Result<String, Error> {
        let body = serde_yaml_ng::to_string(&self.profile)
            .map_err(|e| Error::Unexpected(format!("profile does not serialize: {e}")))?;
        Ok(format!(
            "# Characterized by `hil characterize` ({}): see `provenance` for where each field comes from.\n{body}",
            self.profile.name()
        ))
    }
}

/// Records sources while fields are filled in.
struct Fill {
    fields: BTreeMap<String, Source>,
    carried: Source,
}

impl Fill {
    fn set<T>(&mut self, path: &str, slot: &mut T, measured: Option<T>) {
        match measured {
            Some(v) => {
                *slot = v;
                self.fields.insert(path.to_string(), Source::Measured);
            }
            None => {
                self.fields.insert(path.to_string(), self.carried);
            }
        }
    }
}

/// The profile from `f`, over `base` where something was not measured.
pub fn emit(f: &Findings, base: Option<&Profile>, run: Measurement) -> Result<Emitted, Error> {
    let identity = f
        .identity
        .clone()
        .ok_or_else(|| Error::Unexpected("identity not measured".into()))?;
    let mfw = MfwVersion::parse(&identity.cgmr).map_err(|e| {
        Error::Unexpected(format!(
            "`+CGMR: {}` is not a modem firmware name: {e}",
            identity.cgmr
        ))
    })?;
    let mut p = base.cloned().unwrap_or_else(|| skeleton(&identity));
    let mut fill = Fill {
        fields: BTreeMap::new(),
        carried: if base.is_some() {
            Source::Carried
        } else {
            Source::Default
        },
    };
    p.mfw = mfw;
    p.description = format!(
        "Characterized on board `{}` ({}) by hil {}.",
        run.board, run.date, run.harness_version
    );
    identity_fields(&mut fill, &mut p.identity, identity);
    fill.set("cfun_modes", &mut p.cfun_modes, f.cfun_modes.clone());
    cmng_fields(&mut fill, &mut p.cmng, f);
    xpmng_fields(&mut fill, &mut p, f);
    pofwarn_fields(&mut fill, &mut p.pofwarn, f);
    command_fields(&mut fill, &mut p.commands, f);
    fill.set("preinstalled", &mut p.preinstalled, None);
    latency_fields(&mut fill, &mut p.latency, f);
    fill.set("current", &mut p.current, None);
    let mut policy = p.policy.clone().unwrap_or_default();
    policy_fields(&mut fill, &mut policy, f);
    p.policy = Some(policy);
    let mut unmeasured = f.unmeasured.clone();
    for (path, source) in &fill.fields {
        if *source != Source::Measured && !unmeasured.keys().any(|k| path.starts_with(k.as_str())) {
            unmeasured.insert(path.clone(), "not measurable through the console".into());
        }
    }
    let mut observed = f.observed.clone();
    if let Some(refused) = &f.refused_types {
        observed.insert("refused (reserved) types".into(), format!("{refused:?}"));
    }
    p.provenance = Some(Provenance {
        measured: run,
        base: base.map(Profile::name),
        fields: fill.fields,
        unmeasured,
        observed,
    });
    p.validate()
        .map_err(|e| Error::Unexpected(format!("the emitted profile is not valid: {e}")))?;
    Ok(Emitted { profile: p })
}

/// A profile with nothing but the identity, for a firmware with no base.
fn skeleton(identity: &IdentityStrings) -> Profile {
    Profile {
        mfw: MfwVersion::parse(&identity.cgmr)
            .unwrap_or_else(|_| MfwVersion::parse("mfw_nrf9160_0.0.0").expect("literal")),
        description: String::new(),
        identity: identity.clone(),
        cfun_modes: vec![0],
        cmng: Cmng {
            types: vec![],
            delete_only_types: vec![],
            secret_types: vec![],
            active_cfun: vec![],
            list_digest: ListDigest::Sha256,
            content_check: None,
            has_519: false,
            cite: String::new(),
        },
        xpmng: None,
        pofwarn: Pofwarn {
            command: false,
            levels: BTreeMap::new(),
            default_mv: None,
            one_shot: false,
            nvm: None,
            builtin_check_mv: None,
            cite: String::new(),
        },
        commands: Commands {
            mdmev: false,
            keygen: false,
            attesttoken: false,
            cite: String::new(),
        },
        preinstalled: vec![],
        latency: Latency {
            default_ms: 0,
            commands: BTreeMap::new(),
        },
        current: CurrentFigures::default(),
        policy: None,
        provenance: None,
    }
}

fn identity_fields(fill: &mut Fill, id: &mut IdentityStrings, m: IdentityStrings) {
    fill.set("identity.cgmr", &mut id.cgmr, Some(m.cgmr));
    fill.set(
        "identity.shortswver",
        &mut id.shortswver,
        Some(m.shortswver),
    );
    fill.set("identity.hwversion", &mut id.hwversion, Some(m.hwversion));
    fill.set("identity.cgmm", &mut id.cgmm, Some(m.cgmm));
    fill.set("identity.cgmi", &mut id.cgmi, Some(m.cgmi));
    fill.set(
        "identity.attest_device_type",
        &mut id.attest_device_type,
        None,
    );
}

fn cmng_fields(fill: &mut Fill, c: &mut Cmng, f: &Findings) {
    fill.set("cmng.types", &mut c.types, f.cmng_types.clone());
    fill.set(
        "cmng.delete_only_types",
        &mut c.delete_only_types,
        f.delete_only_types.clone(),
    );
    fill.set(
        "cmng.secret_types",
        &mut c.secret_types,
        f.secret_types.clone(),
    );
    fill.set(
        "cmng.active_cfun",
        &mut c.active_cfun,
        f.active_cfun.clone(),
    );
    fill.set("cmng.list_digest", &mut c.list_digest, f.list_digest);
    let check = f.content_check.clone().map(|types| {
        (!types.is_empty()).then(|| ContentCheck {
            types,
            cite: "measured: invalid content answered 527".into(),
        })
    });
    fill.set("cmng.content_check", &mut c.content_check, check);
    fill.set("cmng.has_519", &mut c.has_519, f.has_519);
}

fn xpmng_fields(fill: &mut Fill, p: &mut Profile, f: &Findings) {
    match f.xpmng {
        Some(false) => fill.set("xpmng", &mut p.xpmng, Some(None)),
        Some(true) => {
            let x = p.xpmng.get_or_insert_with(|| Xpmng {
                max_sec_tag: 9,
                factory_keys: BTreeMap::new(),
                exists_code: 519,
                cite: String::new(),
            });
            let keys = f.xpmng_factory_key.clone().map(|k| match k {
                Some(pem) => BTreeMap::from([(0, pem)]),
                None => BTreeMap::new(),
            });
            fill.set("xpmng.factory_keys", &mut x.factory_keys, keys);
            fill.set("xpmng.max_sec_tag", &mut x.max_sec_tag, None);
            fill.set("xpmng.exists_code", &mut x.exists_code, None);
        }
        None => fill.set("xpmng", &mut p.xpmng, None),
    }
}

fn pofwarn_fields(fill: &mut Fill, w: &mut Pofwarn, f: &Findings) {
    fill.set("pofwarn.command", &mut w.command, f.pofwarn_command);
    fill.set("pofwarn.levels", &mut w.levels, f.pofwarn_levels.clone());
    fill.set(
        "pofwarn.default_mv",
        &mut w.default_mv,
        f.pofwarn_default_mv,
    );
    fill.set("pofwarn.one_shot", &mut w.one_shot, f.pofwarn_one_shot);
    fill.set("pofwarn.nvm", &mut w.nvm, f.pofwarn_nvm);
    fill.set(
        "pofwarn.builtin_check_mv",
        &mut w.builtin_check_mv,
        f.builtin_check_mv,
    );
}

fn command_fields(fill: &mut Fill, c: &mut Commands, f: &Findings) {
    fill.set("commands.mdmev", &mut c.mdmev, f.mdmev);
    fill.set("commands.keygen", &mut c.keygen, f.keygen);
    fill.set("commands.attesttoken", &mut c.attesttoken, f.attesttoken);
}

fn latency_fields(fill: &mut Fill, l: &mut Latency, f: &Findings) {
    let measured = f.latency_default_ms.map(|default_ms| Latency {
        default_ms,
        commands: f.latency.clone(),
    });
    fill.set("latency", l, measured);
}

fn policy_fields(fill: &mut Fill, p: &mut Policy, f: &Findings) {
    fill.set(
        "policy.pofwarn_clear",
        &mut p.pofwarn_clear,
        f.pofwarn_clear,
    );
    fill.set(
        "policy.hysteresis_mv",
        &mut p.hysteresis_mv,
        f.hysteresis_mv,
    );
    fill.set(
        "policy.pofwarn_blocks_read",
        &mut p.pofwarn_blocks_read,
        f.pofwarn_blocks_read,
    );
    fill.set(
        "policy.pofwarn_blocks_keygen",
        &mut p.pofwarn_blocks_keygen,
        f.pofwarn_blocks_keygen,
    );
    fill.set(
        "policy.builtin_check_sets_warning",
        &mut p.builtin_check_sets_warning,
        f.builtin_check_sets_warning,
    );
    fill.set("policy.overwrite", &mut p.overwrite, f.overwrite);
    fill.set(
        "policy.protected_overwrite",
        &mut p.protected_overwrite,
        f.protected_overwrite,
    );
    fill.set("policy.secret_read", &mut p.secret_read, f.secret_read);
    fill.set(
        "policy.cmee_survives_cfun",
        &mut p.cmee_survives_cfun,
        f.cmee_survives_cfun,
    );
    fill.set("policy.cmee_boot", &mut p.cmee_boot, f.cmee_boot);
    fill.set("policy.param_error", &mut p.param_error, f.param_error);
    fill.set(
        "policy.xpofwarn_read_form",
        &mut p.xpofwarn_read_form,
        f.xpofwarn_read_form,
    );
    fill.set(
        "policy.max_credentials",
        &mut p.max_credentials,
        f.max_credentials,
    );
    // `pofwarn.default_mv` is the boot state; the policy then follows the profile.
    let boot = f
        .pofwarn_default_mv
        .map(|_| hil_model::policy::PofwarnBoot::Profile);
    fill.set("policy.pofwarn_boot", &mut p.pofwarn_boot, boot);
    for path in [
        "policy.pofwarn_boot_mv",
        "policy.check_order",
        "policy.max_content_bytes",
        "policy.validate_der",
        "policy.modem_waits_for_quote",
        "policy.store_write_hangs",
        "policy.power_loss_volts",
    ] {
        fill.fields.insert(path.to_string(), fill.carried);
    }
}

/// `t` as an RFC 3339 UTC date and time (whole seconds).
pub fn rfc3339(t: std::time::SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
