//! The modem's OPEN-fact policies. They are defined in [`hil_model::policy`], so that rack
//! files can name them without depending on the simulator; the modem acts on them here.

pub use hil_model::policy::{
    ClearPolicy, OverwritePolicy, ParamErrorStyle, PofwarnBoot, Policy, SecretReadPolicy,
    WriteCheck,
};
