//! `%CMNG` credential storage (ref §1): write, list (all, by tag, by tag and type), read,
//! delete, and the parsers of the list line `%CMNG: <tag>,<type>,"<sha>"` and the read
//! response `%CMNG: <tag>,<type>,"<sha>","<content>"`.

use hil_model::CredentialType;

use crate::commands::number;
use crate::{AtClient, AtError, Response};

/// Highest user security tag; tags above are reserved for the modem (ref §1.1).
pub const MAX_USER_TAG: u32 = 2_147_483_647;

/// One line of a `%CMNG` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmngEntry {
    /// The security tag.
    pub tag: u32,
    /// The credential type.
    pub kind: CredentialType,
    /// The digest as printed: 64 hex characters (upper case on real modems).
    pub sha256: String,
}

/// A `%CMNG` read: the list fields plus the stored content (`Debug` hides the content of
/// secret types).
#[derive(Clone, PartialEq, Eq)]
pub struct CmngItem {
    /// The security tag.
    pub tag: u32,
    /// The credential type.
    pub kind: CredentialType,
    /// The digest as printed: 64 hex characters.
    pub sha256: String,
    /// The bytes between the content's quotes, line endings exactly as received.
    pub content: String,
}

impl std::fmt::Debug for CmngItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let public = matches!(self.kind.0, 0 | 1 | 4 | 5 | 6 | 10 | 11);
        let content: &dyn std::fmt::Debug = if public {
            &self.content
        } else {
            &crate::redact::REDACTED
        };
        f.debug_struct("CmngItem")
            .field("tag", &self.tag)
            .field("kind", &self.kind)
            .field("sha256", &self.sha256)
            .field("content", content)
            .finish()
    }
}

/// Which items a list shows. The type filter needs a tag (positional syntax, ref §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmngFilter {
    /// Every item.
    All,
    /// The items of one security tag.
    Tag(u32),
    /// The item of one security tag and type.
    TagType(u32, CredentialType),
}

impl CmngFilter {
    /// The list command for this filter.
    pub fn command(self) -> String {
        match self {
            CmngFilter::All => "AT%CMNG=1".to_string(),
            CmngFilter::Tag(tag) => format!("AT%CMNG=1,{tag}"),
            CmngFilter::TagType(tag, kind) => format!("AT%CMNG=1,{tag},{}", kind.0),
        }
    }
}

/// The write command, refusing what cannot be written through the checked path: empty content
/// (the modem refuses it), a `"` in the content or password (no escape exists, ref §1.3).
pub fn write_command(
    tag: u32,
    kind: CredentialType,
    content: &str,
    password: Option<&str>,
) -> Result<String, AtError> {
    if content.is_empty() {
        return Err(AtError::InvalidRequest(
            "%CMNG content must not be empty".into(),
        ));
    }
    if content.contains('"') {
        return Err(AtError::InvalidRequest(
            "%CMNG content contains `\"`, which the modem cannot receive (no escape exists)".into(),
        ));
    }
    check_tag(tag)?;
    let mut cmd = String::with_capacity(content.len() + 40);
    cmd.push_str(&format!("AT%CMNG=0,{tag},{},\"", kind.0));
    cmd.push_str(content);
    cmd.push('"');
    if let Some(pw) = password {
        if pw.contains('"') || pw.len() > 32 {
            return Err(AtError::InvalidRequest(
                "%CMNG password must be at most 32 characters without `\"`".into(),
            ));
        }
        cmd.push_str(&format!(",\"{pw}\""));
    }
    Ok(cmd)
}

fn check_tag(tag: u32) -> Result<(), AtError> {
    if tag > MAX_USER_TAG {
        return Err(AtError::InvalidRequest(format!(
            "security tag {tag} is reserved for the modem (user tags are 0..={MAX_USER_TAG})"
        )));
    }
    Ok(())
}

/// Parses `%CMNG: <tag>,<type>,"<sha>"`.
pub fn parse_list_line(line: &str) -> Result<CmngEntry, String> {
    let rest = line
        .trim()
        .strip_prefix("%CMNG:")
        .ok_or("does not start with `%CMNG:`")?;
    let mut fields = rest.splitn(3, ',');
    let (tag, kind, sha) = match (fields.next(), fields.next(), fields.next()) {
        (Some(t), Some(k), Some(s)) => (t, k, s),
        _ => return Err("expected <tag>,<type>,\"<sha>\"".into()),
    };
    let tag = number::<u32>(tag).ok_or_else(|| format!("tag `{}` is not a number", tag.trim()))?;
    let kind = number::<u8>(kind)
        .map(CredentialType)
        .ok_or_else(|| format!("type `{}` is not a number", kind.trim()))?;
    let sha = sha
        .trim()
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or("digest is not quoted")?;
    check_digest(sha)?;
    Ok(CmngEntry {
        tag,
        kind,
        sha256: sha.to_string(),
    })
}

fn check_digest(sha: &str) -> Result<(), String> {
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("digest `{sha}` is not 64 hex characters"));
    }
    Ok(())
}

/// Parses a read response from its raw text (`%CMNG: <tag>,<type>,"<sha>","<content>"`,
/// content possibly spanning lines). The content is what lies between the third and fourth
/// `"`, as NCS `modem_key_mgmt_read` takes it.
pub fn parse_read(raw: &str) -> Result<CmngItem, String> {
    let start = raw.find("%CMNG:").ok_or("no `%CMNG:` line")?;
    let text = &raw[start..];
    let quotes: Vec<usize> = text.match_indices('"').map(|(i, _)| i).take(4).collect();
    if quotes.len() < 4 {
        return Err(format!(
            "expected <tag>,<type>,\"<sha>\",\"<content>\" but found {} quote(s)",
            quotes.len()
        ));
    }
    let head = &text[..quotes[1] + 1];
    let entry = parse_list_line(head)?;
    if text[quotes[1] + 1..quotes[2]].trim() != "," {
        return Err("expected `,` between digest and content".into());
    }
    Ok(CmngItem {
        tag: entry.tag,
        kind: entry.kind,
        sha256: entry.sha256,
        content: text[quotes[2] + 1..quotes[3]].to_string(),
    })
}

impl AtClient {
    /// `AT%CMNG=0,<tag>,<type>,"<content>"`; must answer `OK`. Content is sent byte for byte
    /// (choose LF or CRLF deliberately: MFW ≥ 2.0.2 rejects CRLF certificates with 527).
    pub fn cmng_write(
        &mut self,
        tag: u32,
        kind: CredentialType,
        content: &str,
    ) -> Result<Response, AtError> {
        let cmd = write_command(tag, kind, content, None)?;
        self.command(&cmd)
    }

    /// A write of an encrypted PKCS#8 private key with its password.
    pub fn cmng_write_encrypted(
        &mut self,
        tag: u32,
        kind: CredentialType,
        content: &str,
        password: &str,
    ) -> Result<Response, AtError> {
        let cmd = write_command(tag, kind, content, Some(password))?;
        self.command(&cmd)
    }

    /// `AT%CMNG=1[,<tag>[,<type>]]` → the listed items (empty when nothing matches).
    pub fn cmng_list(&mut self, filter: CmngFilter) -> Result<Vec<CmngEntry>, AtError> {
        let r = self.command(&filter.command())?;
        r.lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| parse_list_line(l).map_err(|why| r.malformed(l, &why)))
            .collect()
    }

    /// Whether `(tag, type)` is stored.
    pub fn cmng_exists(
        &mut self,
        tag: u32,
        kind: CredentialType,
    ) -> Result<Option<CmngEntry>, AtError> {
        Ok(self
            .cmng_list(CmngFilter::TagType(tag, kind))?
            .into_iter()
            .find(|e| e.tag == tag && e.kind == kind))
    }

    /// `AT%CMNG=2,<tag>,<type>` → the stored item with its content.
    pub fn cmng_read(&mut self, tag: u32, kind: CredentialType) -> Result<CmngItem, AtError> {
        let r = self.command(&format!("AT%CMNG=2,{tag},{}", kind.0))?;
        parse_read(&r.raw).map_err(|why| r.malformed(r.lines.first().map_or("", |l| l), &why))
    }

    /// `AT%CMNG=3,<tag>,<type>`; must answer `OK`.
    pub fn cmng_delete(&mut self, tag: u32, kind: CredentialType) -> Result<Response, AtError> {
        self.command(&format!("AT%CMNG=3,{tag},{}", kind.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const SHA: &str = "2C43952EE9E000FF2ACC4E2ED0897C0A72AD5FA72C3D934E81741CBD54F05BD1";

    #[rstest]
    #[case(format!("%CMNG: 123,0,\"{SHA}\""), 123, 0)]
    #[case(format!("%CMNG: 2147483667,10,\"{SHA}\""), 2_147_483_667, 10)]
    #[case(format!("%CMNG:16842753, 2 , \"{SHA}\"\r"), 16_842_753, 2)]
    #[case(format!("%CMNG: 1,1,\"{}\"", "01".repeat(32)), 1, 1)]
    fn parses_list_lines(#[case] line: String, #[case] tag: u32, #[case] kind: u8) {
        let e = parse_list_line(&line).unwrap();
        assert_eq!((e.tag, e.kind), (tag, CredentialType(kind)));
        assert_eq!(e.sha256.len(), 64);
    }

    #[rstest]
    #[case("OK", "does not start")]
    #[case("%CMNG: 1,0", "expected <tag>")]
    #[case("%CMNG: x,0,\"AB\"", "tag `x`")]
    #[case("%CMNG: 1,-1,\"AB\"", "type `-1`")]
    #[case("%CMNG: 1,0,AB", "not quoted")]
    #[case("%CMNG: 1,0,\"ABCD\"", "not 64 hex")]
    #[case("%CMNG: 99999999999,0,\"AB\"", "tag")]
    fn refuses_bad_list_lines(#[case] line: &str, #[case] why: &str) {
        let e = parse_list_line(line).unwrap_err();
        assert!(e.contains(why), "{line}: {e}");
    }

    #[test]
    fn debug_hides_secret_content() {
        let item = |kind| CmngItem {
            tag: 1,
            kind: CredentialType(kind),
            sha256: SHA.into(),
            content: "SECRETSTUFF".into(),
        };
        assert!(!format!("{:?}", item(2)).contains("SECRETSTUFF"));
        assert!(!format!("{:?}", item(3)).contains("SECRETSTUFF"));
        assert!(format!("{:?}", item(0)).contains("SECRETSTUFF"));
    }

    #[test]
    fn parses_multi_line_read_keeping_line_endings() {
        let raw = format!(
            "%CMNG: 64738,0,\"{SHA}\",\"-----BEGIN CERTIFICATE-----\r\nMIIB\n-----END CERTIFICATE-----\n\"\r\n"
        );
        let item = parse_read(&raw).unwrap();
        assert_eq!(item.tag, 64738);
        assert_eq!(item.kind, CredentialType::ROOT_CA);
        assert_eq!(
            item.content,
            "-----BEGIN CERTIFICATE-----\r\nMIIB\n-----END CERTIFICATE-----\n"
        );
    }

    #[rstest]
    #[case("%CMNG: 1,0,\"AB\"\r\n", "found 2 quote")]
    #[case("nothing", "no `%CMNG:`")]
    fn refuses_bad_reads(#[case] raw: &str, #[case] why: &str) {
        assert!(parse_read(raw).unwrap_err().contains(why));
    }

    #[rstest]
    #[case(1, 0, "x", None, Ok("AT%CMNG=0,1,0,\"x\""))]
    #[case(1, 2, "k", Some("pw"), Ok("AT%CMNG=0,1,2,\"k\",\"pw\""))]
    #[case(1, 0, "", None, Err("empty"))]
    #[case(1, 0, "a\"b", None, Err("no escape"))]
    #[case(2_147_483_648, 0, "x", None, Err("reserved"))]
    fn builds_write_commands(
        #[case] tag: u32,
        #[case] kind: u8,
        #[case] content: &str,
        #[case] pw: Option<&str>,
        #[case] want: Result<&str, &str>,
    ) {
        let got = write_command(tag, CredentialType(kind), content, pw);
        match (got, want) {
            (Ok(cmd), Ok(w)) => assert_eq!(cmd, w),
            (Err(e), Err(w)) => assert!(e.to_string().contains(w), "{e}"),
            (got, want) => panic!("{got:?} vs {want:?}"),
        }
    }

    #[rstest]
    #[case(CmngFilter::All, "AT%CMNG=1")]
    #[case(CmngFilter::Tag(7), "AT%CMNG=1,7")]
    #[case(CmngFilter::TagType(7, CredentialType::CLIENT_KEY), "AT%CMNG=1,7,2")]
    fn list_commands(#[case] f: CmngFilter, #[case] cmd: &str) {
        assert_eq!(f.command(), cmd);
    }
}
