//! `%XPMNG` (ref §5 [D4][D5]): the public key of authenticated AT commands.
//! `AT%XPMNG=0,"<PEM public key>"[,<sec_tag>]` writes it, `AT%XPMNG=2[,<sec_tag>]` reads it
//! back as `%XPMNG: "<content>"`. Deleting goes through `%CMNG` type 5 (ref §5, INFERRED).

use crate::{AtClient, AtError, Response};

/// The write command for `pem` in slot `tag` (the modem's default slot when `None`), refusing
/// content the quoted syntax cannot carry: empty, or holding a `"`.
pub fn write_command(pem: &str, tag: Option<u32>) -> Result<String, AtError> {
    if pem.is_empty() {
        return Err(AtError::InvalidRequest(
            "%XPMNG write with empty content".to_string(),
        ));
    }
    if pem.contains('"') {
        return Err(AtError::InvalidRequest(
            "%XPMNG content contains a `\"`, which cannot be quoted".to_string(),
        ));
    }
    Ok(match tag {
        Some(tag) => format!("AT%XPMNG=0,\"{pem}\",{tag}"),
        None => format!("AT%XPMNG=0,\"{pem}\""),
    })
}

/// Parses a read response from its raw text: what lies between the quotes after `%XPMNG:`,
/// line endings as received.
pub fn parse_read(raw: &str) -> Result<String, String> {
    let start = raw.find("%XPMNG:").ok_or("no `%XPMNG:` line")?;
    let rest = &raw[start..];
    let open = rest.find('"').ok_or("the content is not quoted")?;
    let body = &rest[open + 1..];
    let close = body
        .find('"')
        .ok_or("the content's closing quote is missing")?;
    Ok(body[..close].to_string())
}

impl AtClient {
    /// `AT%XPMNG=0,"<pem>"`; must answer `OK` (519 "already exists" when the slot is taken).
    pub fn xpmng_write(&mut self, pem: &str) -> Result<Response, AtError> {
        self.command(&write_command(pem, None)?)
    }

    /// `AT%XPMNG=2` → the stored key's content (513 when the slot is empty).
    pub fn xpmng_read(&mut self) -> Result<String, AtError> {
        let r = self.command("AT%XPMNG=2")?;
        parse_read(&r.raw).map_err(|why| r.malformed(r.lines.first().map_or("", |l| l), &why))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n";

    #[test]
    fn write_command_quotes_the_pem_and_refuses_what_it_cannot_quote() {
        assert_eq!(
            write_command(PEM, None).unwrap(),
            format!("AT%XPMNG=0,\"{PEM}\"")
        );
        assert_eq!(
            write_command(PEM, Some(3)).unwrap(),
            format!("AT%XPMNG=0,\"{PEM}\",3")
        );
        assert!(write_command("", None).is_err());
        assert!(write_command("a\"b", None).is_err());
    }

    #[test]
    fn read_takes_the_quoted_content_across_lines() {
        let raw = format!("%XPMNG: \"{}\"\r\nOK\r\n", PEM.replace('\n', "\r\n"));
        assert_eq!(parse_read(&raw).unwrap(), PEM.replace('\n', "\r\n"));
        assert!(parse_read("OK\r\n").unwrap_err().contains("no `%XPMNG:`"));
        assert!(parse_read("%XPMNG: \"abc").unwrap_err().contains("closing"));
    }
}
