//! Secrets never reach an output. Configs and dumps are masked where their text becomes
//! the text every report quotes (snippets, lines, fingerprints): each byte of a secret
//! becomes `*`, so byte spans, lines and columns stay exactly where the parser put them.
//! The parser reads the original text; nothing it models is a secret.

/// ASA words after which the rest of a line is a secret or what protects one:
/// `enable password`, `passwd`, `username … password`, `crypto isakmp key`,
/// `ikev1|ikev2 … pre-shared-key`, `snmp-server community`, `snmp-server host … community`,
/// `snmp-server user … auth|priv`, `aaa-server … key`, `ldap-login-password`,
/// `failover key`, `ntp authentication-key`, `ospf message-digest-key|authentication-key`,
/// `neighbor … password`, `key-string`, `license smart register idtoken`, `… secret`.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "key",
    "pre-shared-key",
    "community",
    "secret",
    "ldap-login-password",
    "authentication-key",
    "message-digest-key",
    "key-string",
    "idtoken",
    "auth",
    "priv",
];

/// Commands mralint models: their words are names and addresses, never secrets (an
/// object may well be called `key`), so their lines are shown as they are.
const MODELLED: &[&str] = &[
    "access-list",
    "access-group",
    "object",
    "object-group",
    "network-object",
    "port-object",
    "service-object",
    "icmp-object",
    "protocol-object",
    "group-object",
    "host",
    "subnet",
    "range",
    "fqdn",
    "service",
    "nat",
    "static",
    "global",
    "route",
    "interface",
    "nameif",
    "security-level",
    "ip",
    "hostname",
    "same-security-traffic",
    "class-map",
    "policy-map",
    "service-policy",
    "match",
    "inspect",
    "class",
    "timeout",
    "set",
    "name",
];

/// Whether a word asks for the rest of its line to be masked.
fn is_secret_word(word: &str) -> bool {
    let ends_with = |suffix: &str| {
        word.len() >= suffix.len()
            && word.is_char_boundary(word.len() - suffix.len())
            && word[word.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    SECRET_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
        || ends_with("-password")
        || ends_with("-secret")
}

/// Replaces every byte of `text[from..to]` but spaces with `*`.
fn star(out: &mut [u8], from: usize, to: usize) {
    for byte in &mut out[from..to] {
        if !byte.is_ascii_whitespace() {
            *byte = b'*';
        }
    }
}

/// Where the secret of one ASA config line starts (a byte offset in the line), if it
/// holds one: just after the first secret word of a command mralint does not model.
/// Comments (`!`) and remarks are notes to people and kept.
pub fn config_secret_start(line: &str) -> Option<usize> {
    let mut words = line
        .split_ascii_whitespace()
        .map(|w| (w.as_ptr() as usize - line.as_ptr() as usize, w));
    let (_, first) = words.next()?;
    // Most lines of a large config are modelled commands: decided without allocating.
    if first.starts_with(['!', ':']) || MODELLED.iter().any(|m| m.eq_ignore_ascii_case(first)) {
        return None;
    }
    // The first word counts too: `passwd` and `key-string` are commands.
    let mut previous_is_secret_word = is_secret_word(first);
    for (at, word) in words {
        if previous_is_secret_word {
            return Some(at);
        }
        previous_is_secret_word = is_secret_word(word);
    }
    None
}

/// An ASA config with the secrets of its secret-bearing commands masked.
pub fn mask_config(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some(at) = config_secret_start(content) {
            star(&mut out, start + at, start + content.len());
        }
        start += line.len();
    }
    // Only ASCII bytes of a secret (and every byte of a multi-byte character there) were
    // replaced by ASCII: the text is still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

const CIPHER: &str = "{cipher}";

/// Whether the last word of an xConfiguration path names a secret
/// (`Authentication Password`, `SharedSecret`, `Community`, `Key`).
fn is_secret_field(path: &str) -> bool {
    let last = path
        .split_ascii_whitespace()
        .last()
        .unwrap_or_default()
        .to_ascii_lowercase();
    [
        "password",
        "secret",
        "passphrase",
        "community",
        "psk",
        "token",
    ]
    .iter()
    .any(|w| last.contains(w))
        || last == "key"
        || last.ends_with("key") && !last.ends_with("monkey")
}

/// Masks a value that starts at `at` in `segment` (offsets into `out` from `base`): a
/// quoted value up to its closing quote, a bare one up to the next space. A `{cipher}`
/// marker in any case is kept so that the parser still knows it is a secret.
fn mask_value(out: &mut [u8], segment: &str, base: usize, at: usize) {
    let value = &segment[at..];
    let (skip, end) = match value.strip_prefix('"') {
        Some(quoted) => (1, 1 + quoted.find('"').unwrap_or(quoted.len())),
        None => (0, value.find(char::is_whitespace).unwrap_or(value.len())),
    };
    let inner = &value[skip..end];
    let marker = if inner
        .get(..CIPHER.len())
        .is_some_and(|m| m.eq_ignore_ascii_case(CIPHER))
    {
        CIPHER.len()
    } else {
        0
    };
    star(out, base + at + skip + marker, base + at + end);
}

/// An xConfiguration dump with every secret masked: each `{cipher}` value (in any case)
/// and the value of every field that names a password, secret, key or community.
pub fn mask_dump(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    let lower = text.to_ascii_lowercase();
    // `{cipher}…` wherever it is, up to the quote or the end of the line.
    let mut from = 0;
    while let Some(found) = lower[from..].find(CIPHER) {
        let start = from + found + CIPHER.len();
        let end = text[start..]
            .find(['"', '\r', '\n'])
            .map_or(text.len(), |e| start + e);
        star(&mut out, start, end);
        from = end.max(start);
    }
    // Secret fields, record by record (several records may share a line).
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_lower = &lower[offset..offset + line.len()];
        let mut starts: Vec<usize> = line_lower.match_indices("*c ").map(|(i, _)| i).collect();
        starts.push(line.len());
        for pair in starts.windows(2) {
            let segment = &line[pair[0]..pair[1]];
            if let Some(colon) = segment.find(':') {
                if is_secret_field(&segment[..colon]) {
                    let after = &segment[colon + 1..];
                    let at = colon + 1 + (after.len() - after.trim_start().len());
                    mask_value(&mut out, segment, offset + pair[0], at);
                }
            }
        }
        offset += line.len();
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asa_secrets_are_masked_in_place() {
        let cases = [
            ("enable password S3cr3t level 15 encrypted", "S3cr3t"),
            ("passwd Telnet99 encrypted", "Telnet99"),
            ("username admin password Adm1nPw privilege 15", "Adm1nPw"),
            ("crypto isakmp key IsakmpK3y address 192.0.2.1", "IsakmpK3y"),
            (" ikev1 pre-shared-key TunnelPsk", "TunnelPsk"),
            (" ikev2 remote-authentication pre-shared-key V2Psk", "V2Psk"),
            ("snmp-server community Publ1cComm", "Publ1cComm"),
            (
                "snmp-server host inside 10.0.0.9 community HostComm version 2c",
                "HostComm",
            ),
            (
                "snmp-server user u g v3 auth sha AuthPw priv aes 128 PrivPw",
                "AuthPw",
            ),
            (" key RadiusKey", "RadiusKey"),
            ("aaa-server R (inside) host 10.0.0.5 key HostKey", "HostKey"),
            (" ldap-login-password LdapPw", "LdapPw"),
            ("failover key hex 0011aabb", "0011aabb"),
            (" ospf message-digest-key 1 md5 OspfKey", "OspfKey"),
            ("ENABLE PASSWORD UpperPw", "UpperPw"),
        ];
        for (line, secret) in cases {
            let masked = mask_config(&format!("hostname fw\n{line}\r\nroute a\n"));
            assert!(!masked.contains(secret), "{line}: {masked}");
            assert_eq!(masked.len(), line.len() + 22, "{line}");
            assert!(masked.ends_with("\r\nroute a\n"), "{masked}");
        }
    }

    #[test]
    fn modelled_commands_comments_and_remarks_are_kept() {
        for line in [
            "object network key",
            "access-list A extended permit ip object key any",
            "access-list A remark the key decision",
            "! rotate the password yearly",
            "nat (inside,outside) source static key key",
        ] {
            assert_eq!(mask_config(line), line);
        }
    }

    #[test]
    fn dump_secrets_are_masked_whatever_their_case() {
        let text = "*c xConfiguration Zones Zone 2 TraversalClient Authentication Password: \"{CIPHER}c2VjcmV0\"\n\
                    *c xConfiguration Zones Zone 3 TraversalClient Authentication Password: \"plainpw\" *c xConfiguration SystemUnit Name: \"e1\"\n\
                    *c xConfiguration SNMP CommunityName: \"snmpcomm\"\n";
        let masked = mask_dump(text);
        assert_eq!(masked.len(), text.len());
        for secret in ["c2VjcmV0", "plainpw", "snmpcomm"] {
            assert!(!masked.contains(secret), "{masked}");
        }
        assert!(masked.contains("\"{CIPHER}********\""), "{masked}");
        assert!(masked.contains("Name: \"e1\""), "{masked}");
    }

    #[test]
    fn multibyte_secrets_keep_every_offset() {
        let text = "enable password café\nroute x\n";
        let masked = mask_config(text);
        assert_eq!(masked.len(), text.len());
        assert!(masked.ends_with("\nroute x\n"));
    }
}
