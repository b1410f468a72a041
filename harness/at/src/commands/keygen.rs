//! `%KEYGEN` (ref §5): the modem generates a key pair in a security tag and answers
//! `%KEYGEN: "<base64url(DER)>.<base64url(COSE)>"` — a CSR or public key in DER, and a COSE
//! signature over it.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hil_model::CredentialType;

use crate::{AtClient, AtError};

/// Base64url, padding optional (the modem omits it).
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// What `%KEYGEN` printed, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeygenOutput {
    /// The CSR (response 0) or public key (response 1), DER.
    pub der: Vec<u8>,
    /// The COSE_Sign1 object over it; `None` if the modem printed only the DER part.
    pub cose: Option<Vec<u8>>,
    /// The quoted value as printed.
    pub text: String,
}

/// What the modem should answer with (`<response_content>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeygenResponse {
    /// 0: a certificate signing request.
    Csr,
    /// 1: the public key.
    PublicKey,
}

/// Parses `%KEYGEN: "<b64url>.<b64url>"`.
pub fn parse_keygen(line: &str) -> Result<KeygenOutput, String> {
    let v = line
        .trim()
        .strip_prefix("%KEYGEN:")
        .ok_or("does not start with `%KEYGEN:`")?
        .trim();
    let v = v
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or("value is not quoted")?;
    let (der_b64, cose_b64) = match v.split_once('.') {
        Some((d, c)) => (d, Some(c)),
        None => (v, None),
    };
    let der = B64URL
        .decode(der_b64)
        .map_err(|e| format!("DER part is not base64url: {e}"))?;
    if der.is_empty() {
        return Err("DER part is empty".into());
    }
    let cose = cose_b64
        .map(|c| {
            B64URL
                .decode(c)
                .map_err(|e| format!("COSE part is not base64url: {e}"))
        })
        .transpose()?;
    Ok(KeygenOutput {
        der,
        cose,
        text: v.to_string(),
    })
}

/// The `%KEYGEN` command: `AT%KEYGEN=<tag>,<key_type>,<response>[,"<attributes>"]`. The
/// attributes (e.g. `O=acme,CN=dev-1`, ref §5 [D9]) cannot hold a `"`: there is no escape.
pub fn keygen_command(
    tag: u32,
    key_type: CredentialType,
    response: KeygenResponse,
    attributes: Option<&str>,
) -> Result<String, AtError> {
    let content = match response {
        KeygenResponse::Csr => 0,
        KeygenResponse::PublicKey => 1,
    };
    let mut cmd = format!("AT%KEYGEN={tag},{},{content}", key_type.0);
    if let Some(attributes) = attributes {
        if attributes.contains('"') {
            return Err(AtError::InvalidRequest(format!(
                "%KEYGEN attributes `{attributes}` contain a `\"`, which cannot be quoted"
            )));
        }
        cmd.push_str(&format!(",\"{attributes}\""));
    }
    Ok(cmd)
}

impl AtClient {
    /// `AT%KEYGEN=<tag>,<key_type>,<response>` → the decoded output. Key type 2 (client key)
    /// or 8 (endorsement key); only while the modem is offline (`+CFUN=4`).
    pub fn keygen(
        &mut self,
        tag: u32,
        key_type: CredentialType,
        response: KeygenResponse,
    ) -> Result<KeygenOutput, AtError> {
        self.keygen_with_attributes(tag, key_type, response, None)
    }

    /// [`AtClient::keygen`] with the CSR's subject attributes, e.g. `O=acme,CN=dev-1`.
    pub fn keygen_with_attributes(
        &mut self,
        tag: u32,
        key_type: CredentialType,
        response: KeygenResponse,
        attributes: Option<&str>,
    ) -> Result<KeygenOutput, AtError> {
        let r = self.command(&keygen_command(tag, key_type, response, attributes)?)?;
        let line = r
            .lines_with_prefix("%KEYGEN:")
            .next()
            .ok_or_else(|| r.malformed(&r.lines.join("\\n"), "no `%KEYGEN:` line"))?;
        parse_keygen(line).map_err(|why| r.malformed(line, &why))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn decodes_both_parts() {
        let der = [0x30u8, 0x82, 0x01, 0x0a, 0xff];
        let cose = [0xd2u8, 0x84, 0x43, 0xa1];
        let line = format!(
            "%KEYGEN: \"{}.{}\"",
            B64URL.encode(der),
            B64URL.encode(cose)
        );
        let out = parse_keygen(&line).unwrap();
        assert_eq!(out.der, der);
        assert_eq!(out.cose.as_deref(), Some(&cose[..]));
    }

    #[test]
    fn accepts_padding_and_a_lone_der_part() {
        let out = parse_keygen("%KEYGEN: \"MIIB\"").unwrap();
        assert_eq!(out.der, [0x30, 0x82, 0x01]);
        assert!(out.cose.is_none());
        assert!(parse_keygen("%KEYGEN: \"MA==.0oQ=\"").is_ok());
    }

    #[test]
    fn builds_the_command_with_and_without_attributes() {
        let key = CredentialType::CLIENT_KEY;
        assert_eq!(
            keygen_command(7, key, KeygenResponse::Csr, None).unwrap(),
            "AT%KEYGEN=7,2,0"
        );
        assert_eq!(
            keygen_command(7, key, KeygenResponse::PublicKey, Some("O=a,CN=b")).unwrap(),
            "AT%KEYGEN=7,2,1,\"O=a,CN=b\""
        );
        assert!(keygen_command(7, key, KeygenResponse::Csr, Some("CN=\"x")).is_err());
    }

    #[rstest]
    #[case("%KEYGEN: MIIB", "not quoted")]
    #[case("%KEYGEN: \"M+/B\"", "not base64url")]
    #[case("%KEYGEN: \"MIIB.!!\"", "COSE part")]
    #[case("%KEYGEN: \"\"", "empty")]
    #[case("OK", "does not start")]
    fn refuses(#[case] line: &str, #[case] why: &str) {
        let e = parse_keygen(line).unwrap_err();
        assert!(e.contains(why), "{line}: {e}");
    }
}
