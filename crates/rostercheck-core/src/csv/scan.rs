//! Sixteen bytes of a line at a time: which are commas, and which end the quote-free fast path
//! (a quote, a NUL byte, a line break). One compare per kind of byte and one mask of bits
//! each (SSE2 on every x86-64, WebAssembly's SIMD in the page, NEON, through `wide`), where
//! splitting byte by byte or word by word costs a branch per byte or per comma.

use wide::u8x16;

/// Bytes looked at together.
pub(super) const WIDTH: usize = 16;

/// Bit `i` set in the first mask: byte `i` of `block` is a comma; in the second: it is a quote,
/// a NUL byte, CR or LF.
pub(super) fn masks(block: &[u8; WIDTH]) -> (u32, u32) {
    let v = u8x16::new(*block);
    let eq = |b: u8| v.simd_eq(u8x16::splat(b));
    let stops = eq(b'"') | eq(0) | eq(b'\n') | eq(b'\r');
    (eq(b',').to_bitmask(), stops.to_bitmask())
}

/// [`masks`] byte by byte, for the last bytes of the input (at most 32).
pub(super) fn bytewise(bytes: &[u8]) -> (u32, u32) {
    let (mut commas, mut stops) = (0, 0);
    for (i, &b) in bytes.iter().enumerate().take(32) {
        match b {
            b',' => commas |= 1 << i,
            b'"' | 0 | b'\n' | b'\r' => stops |= 1 << i,
            _ => {}
        }
    }
    (commas, stops)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_flag_exactly_the_commas_and_the_bytes_that_stop_the_fast_path() {
        // Every byte value at every position, among ordinary bytes, commas and line breaks.
        for b in 0..=255u8 {
            for at in 0..WIDTH {
                for fill in [b'a', b',', b'\n'] {
                    let mut block = [fill; WIDTH];
                    block[at] = b;
                    assert_eq!(masks(&block), bytewise(&block), "{block:?}");
                }
            }
        }
        let line = *b"a,\"b\",c\0d\re\nf,,g";
        assert_eq!(masks(&line), (0b0110_0000_0010_0010, 0b0000_1010_1001_0100));
    }
}
