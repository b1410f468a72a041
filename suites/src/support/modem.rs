//! The modem's modes through hil-at's typed helpers: functional mode (`+CFUN`, ref §3), error
//! reporting (`+CMEE`, ref §2.2), the offline state provisioning uses, and any other command.

use hil_at::Response;
use hil_runner::Problem;

use super::problems::at_problem;
use super::{CaseResult, Ctx, Reply};

impl Ctx<'_> {
    /// Puts the modem offline with numeric errors: the state provisioning tools use
    /// (`AT+CFUN=4`, `AT+CMEE=1`; ref §3 [P1][F4]). Both must answer `OK`.
    pub fn offline(&mut self) -> CaseResult {
        self.set_cfun(4)?.expect_ok("AT+CFUN=4")?;
        self.set_cmee(1)?.expect_ok("AT+CMEE=1")
    }

    /// `AT+CFUN=<mode>`.
    pub fn set_cfun(&mut self, mode: u8) -> Result<Reply<()>, Problem> {
        Ok(Reply::from_at(self.at()?.set_cfun(mode))?.map(|_| ()))
    }

    /// `AT+CFUN?` → the functional mode; a refusal or malformed answer is a deviation.
    pub fn cfun(&mut self) -> Result<u8, Problem> {
        self.at()?.cfun().map_err(at_problem)
    }

    /// `AT+CMEE=<mode>`.
    pub fn set_cmee(&mut self, mode: u8) -> Result<Reply<()>, Problem> {
        Ok(Reply::from_at(self.at()?.set_cmee(mode))?.map(|_| ()))
    }

    /// `AT+CMEE?` → the error reporting mode; a refusal or malformed answer is a deviation.
    pub fn cmee(&mut self) -> Result<u8, Problem> {
        self.at()?.cmee().map_err(at_problem)
    }

    /// Any command without a typed helper (`AT+CGEREP=1`, `AT%MDMEV=1`), with its response.
    /// Credential commands have typed methods: use those.
    pub fn command(&mut self, cmd: &str) -> Result<Reply<Response>, Problem> {
        let response = self.at()?.exchange(cmd).map_err(at_problem)?;
        Ok(if response.is_ok() {
            Reply::Ok(response)
        } else {
            Reply::Refused(response.result)
        })
    }
}
