//! A stable hash: the same input gives the same value on every platform and Rust version
//! (unlike `std`'s `DefaultHasher`, whose algorithm may change).

/// 64-bit FNV-1a.
///
/// ```
/// assert_eq!(atomic_build::fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
/// assert_eq!(atomic_build::fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
/// ```
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
