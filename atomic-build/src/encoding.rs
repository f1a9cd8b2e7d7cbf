//! The binary and text forms of an [`Identity`](crate::Identity).
//!
//! Binary: `AID` + format byte `1`, then length-prefixed crate name and version (u16 LE), the
//! fingerprint (u64 LE), the item count (u32 LE), and per item its key and digest (u32 LE each)
//! and its name (u16 LE length, `0xFFFF` for none). Text: `atomic-id1.` + base64url, no padding.

use crate::{DecodeError, Identity, ItemDigest};

pub(crate) const TEXT_PREFIX: &str = "atomic-id1.";
const MAGIC: &[u8; 4] = b"AID\x01";
const NO_NAME: u16 = u16::MAX;

pub(crate) fn encode(id: &Identity) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + id.items.len() * 12);
    out.extend_from_slice(MAGIC);
    put_str(&mut out, &id.crate_name);
    put_str(&mut out, &id.version);
    out.extend_from_slice(&id.fingerprint.to_le_bytes());
    out.extend_from_slice(&(id.items.len() as u32).to_le_bytes());
    for item in &id.items {
        out.extend_from_slice(&item.key.to_le_bytes());
        out.extend_from_slice(&item.digest.to_le_bytes());
        match &item.name {
            Some(name) => put_str(&mut out, name),
            None => out.extend_from_slice(&NO_NAME.to_le_bytes()),
        }
    }
    out
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    // Names longer than the length field allows are cut at a character boundary.
    let mut end = s.len().min(usize::from(NO_NAME) - 1);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    out.extend_from_slice(&(end as u16).to_le_bytes());
    out.extend_from_slice(&s.as_bytes()[..end]);
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.bytes.len() < n {
            return Err(DecodeError("truncated"));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().expect("two bytes")))
    }

    fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("four bytes")))
    }

    fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("eight bytes")))
    }

    fn string(&mut self, len: u16) -> Result<String, DecodeError> {
        let bytes = self.take(usize::from(len))?;
        String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError("a name is not UTF-8"))
    }
}

pub(crate) fn decode(bytes: &[u8]) -> Result<Identity, DecodeError> {
    let mut r = Reader { bytes };
    if r.take(4)? != MAGIC {
        return Err(DecodeError("unknown format (expected `AID` version 1)"));
    }
    let len = r.u16()?;
    let crate_name = r.string(len)?;
    let len = r.u16()?;
    let version = r.string(len)?;
    let fingerprint = r.u64()?;
    let count = r.u32()? as usize;
    // Each item takes at least 10 bytes: refuse counts the input cannot hold.
    if count > r.bytes.len() / 10 {
        return Err(DecodeError("item count exceeds the data"));
    }
    let mut items = Vec::with_capacity(count);
    for _ in 0..count {
        let key = r.u32()?;
        let digest = r.u32()?;
        let len = r.u16()?;
        let name = if len == NO_NAME { None } else { Some(r.string(len)?) };
        items.push(ItemDigest { key, digest, name });
    }
    if !r.bytes.is_empty() {
        return Err(DecodeError("trailing data"));
    }
    if items.windows(2).any(|w| w[0] > w[1]) {
        return Err(DecodeError("items out of order"));
    }
    if crate::fingerprint(&items) != fingerprint {
        return Err(DecodeError("fingerprint does not match the items"));
    }
    Ok(Identity { crate_name, version, fingerprint, items })
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub(crate) fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

pub(crate) fn from_base64url(s: &str) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let values: Result<Vec<u32>, DecodeError> = s
        .bytes()
        .map(|c| ALPHABET.iter().position(|a| *a == c).map(|p| p as u32).ok_or(DecodeError("not base64url")))
        .collect();
    let values = values?;
    if values.len() % 4 == 1 {
        return Err(DecodeError("truncated"));
    }
    for chunk in values.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, v)| acc | (v << (18 - 6 * i)));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Identity {
        Identity::from_items(
            "interface",
            "1.2.3",
            &[
                ("fn interface::call", "pub fn interface::call(op: &str) -> u8"),
                ("struct interface::Request", "pub struct interface::Request { pub id: u64 }"),
                ("impl Clone for interface::Request", "impl Clone for interface::Request"),
            ],
        )
    }

    #[test]
    fn round_trips_through_bytes_and_text() {
        let id = sample();
        assert_eq!(Identity::from_bytes(&id.to_bytes()).unwrap(), id);
        let text = id.to_string();
        assert!(text.starts_with("atomic-id1."));
        assert_eq!(text.parse::<Identity>().unwrap(), id);
        for len in 0..5 {
            let bytes: Vec<u8> = (0..len).map(|i| i as u8 * 37).collect();
            assert_eq!(from_base64url(&base64url(&bytes)).unwrap(), bytes);
        }
    }

    #[test]
    fn corrupt_input_is_an_error_never_a_panic() {
        let bytes = sample().to_bytes();
        for cut in 0..bytes.len() {
            assert!(Identity::from_bytes(&bytes[..cut]).is_err(), "truncated at {cut}");
        }
        for i in 0..bytes.len() {
            for flip in [1u8, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[i] ^= flip;
                // Either rejected, or (a flip inside a name) still a valid identity.
                let _ = Identity::from_bytes(&b);
            }
        }
        let mut huge = bytes[..4].to_vec();
        huge.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(Identity::from_bytes(&huge).unwrap_err(), DecodeError("item count exceeds the data"));
        assert!("atomic-id1.!!!".parse::<Identity>().is_err());
        assert!("something else".parse::<Identity>().is_err());
        let text = sample().to_string();
        assert!(text[..text.len() - 3].parse::<Identity>().is_err());
    }

    #[test]
    fn a_changed_byte_in_a_digest_is_caught_by_the_fingerprint() {
        let mut bytes = sample().to_bytes();
        let first_key = 4 + 2 + "interface".len() + 2 + "1.2.3".len() + 8 + 4;
        bytes[first_key + 5] ^= 1; // inside the first item's digest
        assert_eq!(Identity::from_bytes(&bytes).unwrap_err(), DecodeError("fingerprint does not match the items"));
    }
}
