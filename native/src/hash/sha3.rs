//! SHA3-256/384/512 (FIPS 202): Keccak-f[1600] sponge with the SHA-3 domain padding (0x06).

const ROUND_CONSTANTS: [u64; 24] = [
    0x0000000000000001,
    0x0000000000008082,
    0x800000000000808a,
    0x8000000080008000,
    0x000000000000808b,
    0x0000000080000001,
    0x8000000080008081,
    0x8000000000008009,
    0x000000000000008a,
    0x0000000000000088,
    0x0000000080008009,
    0x000000008000000a,
    0x000000008000808b,
    0x800000000000008b,
    0x8000000000008089,
    0x8000000000008003,
    0x8000000000008002,
    0x8000000000000080,
    0x000000000000800a,
    0x800000008000000a,
    0x8000000080008081,
    0x8000000000008080,
    0x0000000080000001,
    0x8000000080008008,
];

/// Rotation offsets, indexed by lane x + 5y.
const RHO: [u32; 25] = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

fn keccak_f(a: &mut [u64; 25]) {
    for rc in ROUND_CONSTANTS {
        // theta
        let mut c = [0u64; 5];
        for x in 0..5 {
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        }
        for x in 0..5 {
            let d = c[(x + 4) % 5] ^ c[(x + 1) % 5].rotate_left(1);
            for y in 0..5 {
                a[x + 5 * y] ^= d;
            }
        }
        // rho and pi: lane (x, y) moves to (y, 2x + 3y)
        let mut b = [0u64; 25];
        for x in 0..5 {
            for y in 0..5 {
                b[y + 5 * ((2 * x + 3 * y) % 5)] = a[x + 5 * y].rotate_left(RHO[x + 5 * y]);
            }
        }
        // chi
        for y in 0..5 {
            for x in 0..5 {
                a[x + 5 * y] = b[x + 5 * y] ^ (!b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
            }
        }
        // iota
        a[0] ^= rc;
    }
}

/// SHA3 with a digest of `out_len` bytes (32, 48 or 64) over the concatenation of `parts`.
pub fn sha3(out_len: usize, parts: &[&[u8]]) -> Vec<u8> {
    let rate = 200 - 2 * out_len;
    let mut state = [0u64; 25];
    let mut block = [0u8; 200];
    let mut filled = 0;
    let absorb = |state: &mut [u64; 25], block: &[u8; 200]| {
        for i in 0..rate / 8 {
            state[i] ^= u64::from_le_bytes(block[8 * i..8 * i + 8].try_into().unwrap());
        }
        keccak_f(state);
    };
    for part in parts {
        let mut data = *part;
        while !data.is_empty() {
            let take = (rate - filled).min(data.len());
            block[filled..filled + take].copy_from_slice(&data[..take]);
            filled += take;
            data = &data[take..];
            if filled == rate {
                absorb(&mut state, &block);
                filled = 0;
            }
        }
    }
    block[filled..rate].fill(0);
    block[filled] ^= 0x06;
    block[rate - 1] ^= 0x80;
    absorb(&mut state, &block);
    let mut out = Vec::with_capacity(out_len);
    for word in state.iter() {
        out.extend_from_slice(&word.to_le_bytes());
    }
    out.truncate(out_len);
    out
}

pub fn sha3_256(parts: &[&[u8]]) -> Vec<u8> {
    sha3(32, parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::blake2b::hex;

    #[test]
    fn fips202_abc_and_empty() {
        let cases: [(usize, &[u8], &str); 6] = [
            (32, b"abc", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"),
            (32, b"", "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"),
            (48, b"abc", "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25"),
            (48, b"", "0c63a75b845e4f7d01107d852e4c2485c51a50aaaa94fc61995e71bbee983a2ac3713831264adb47fb6bd1e058d5f004"),
            (64, b"abc", "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0"),
            (64, b"", "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a615b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26"),
        ];
        for (len, msg, want) in cases {
            assert_eq!(hex(&sha3(len, &[msg])), want, "sha3-{} of {:?}", len * 8, msg);
        }
    }

    #[test]
    fn parts_and_rate_boundaries() {
        let data: Vec<u8> = (0..500u32).map(|i| (i * 13) as u8).collect();
        for len in [32, 48, 64] {
            let whole = sha3(len, &[&data]);
            for split in [1usize, 71, 72, 104, 136, 137, 499] {
                assert_eq!(sha3(len, &[&data[..split], &data[split..]]), whole);
            }
        }
        // "hello world" example from records.md §1
        assert_eq!(
            hex(&sha3_256(&[b"hello world"])),
            "644bcc7e564373040999aac89e7622f3ca71fba1d972fd94a31c3bfbf24e3938"
        );
    }
}
