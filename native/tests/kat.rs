//! Known-answer tests of the crate's public Rust API, and every BlaMka path against the scalar one.
//!
//! Sources: the two genesis digests are bitmarkd's (storage order, as in src/chain/genesis.ts);
//! "hello world" is bitmarkd's blockdigest test; the Argon2d vector is RFC 9106 §5.1; the
//! BLAKE2b/SHA3/SHA-512 values were computed with CPython's hashlib (an independent implementation).
//!
//! The random comparisons draw a fresh seed each run (printed on failure); `BUNMARK_TEST_SEED`
//! replays one.
//!
//! This file has its own `main` (`harness = false` in Cargo.toml): the checks run one after another
//! on the main thread, because qemu-user as installed here hangs in any `clone` of a thread, and
//! `make test-native-arm64` runs this file under qemu to check the NEON path. Arguments are names
//! of checks to skip (`-- --skip NAME` also works).

use bunmark_native::argon2::arena::Arena;
use bunmark_native::argon2::blamka::{Block, Isa};
use bunmark_native::argon2::{argon2d_on, block_digest_on, Params, DIGEST_MEMORY_KIB};
use bunmark_native::hash::{blake2b::blake2b, sha3::sha3, sha512::sha512};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// The first 100 bytes (the header) of bitmarkd's live and test genesis blocks, with their digests.
const GENESIS: [(&str, &str, &str); 2] = [
    (
        "live",
        "0100010001000000000000000000000000000000000000000000000000000000000000000000000000000000638c159c\
         1f113f70a9866d9a9e52e9efe9b9920848ad1df34851be8a562a998db79a805600000000ffffffffffffff00115a38bf\
         3a909fe1",
        "5c93f739eb01cdde305579f03ccfb37a742971313ff98d35b4c07c438faf1200",
    ),
    (
        "test",
        "0100010001000000000000000000000000000000000000000000000000000000000000000000000000000000ee07bbc3\
         d749e07d24b90cd1ec3514702e878522daf716c17324d666697b8a634b42785400000000ffffffffffffff00d44c2bca\
         ee403647",
        "8ae68bb87c4a926b8f12c5eeda9695bbdeaa9b280b57bc16545a2c8f7b80fe00",
    ),
];

fn genesis_digests_on(paths: &[Isa]) {
    let mut arena = Arena::new(DIGEST_MEMORY_KIB as usize).expect("128 MiB arena");
    for &isa in paths {
        for (name, header, digest) in GENESIS {
            let header = unhex(header);
            assert_eq!(header.len(), 100);
            assert_eq!(hex(&block_digest_on(isa, &header, &mut arena)), digest, "{name} genesis on {isa:?}");
        }
    }
}

fn digests_on_the_fastest_path() {
    genesis_digests_on(&[Isa::detect()]);
    // bitmarkd blockdigest/digest_test.go (any header length is accepted).
    let mut arena = Arena::new(DIGEST_MEMORY_KIB as usize).expect("128 MiB arena");
    let digest = block_digest_on(Isa::detect(), b"hello world", &mut arena);
    assert_eq!(hex(&digest), "331f5a9a5daf1f61881b664384627f038a4bde1a81092d8e843eb55cc27ba1f8");
}

fn genesis_digests_on_the_other_paths() {
    genesis_digests_on(&Isa::available()[1..]);
}

fn rfc9106_argon2d_on_every_path() {
    let (password, salt, secret, ad) = ([1u8; 32], [2u8; 16], [3u8; 8], [4u8; 12]);
    let params = Params {
        password: &password,
        salt: &salt,
        secret: &secret,
        associated_data: &ad,
        memory_kib: 32,
        passes: 3,
        lanes: 4,
        tag_len: 32,
    };
    for isa in Isa::available() {
        let tag = argon2d_on(isa, &params).unwrap();
        assert_eq!(hex(&tag), "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb", "{isa:?}");
    }
}

fn blake2b_sha3_sha512_vectors() {
    let abc = b"abc".as_slice();
    let fox = b"The quick brown fox jumps over the lazy dog".as_slice();
    let long: Vec<u8> = (0..768).map(|i| i as u8).collect();
    let cases: [(&[u8], [&str; 6]); 4] = [
        (
            b"",
            [
                "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce",
                "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8",
                "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
                "0c63a75b845e4f7d01107d852e4c2485c51a50aaaa94fc61995e71bbee983a2ac3713831264adb47fb6bd1e058d5f004",
                "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a615b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26",
                "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
            ],
        ),
        (
            abc,
            [
                "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
                "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319",
                "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
                "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25",
                "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0",
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            ],
        ),
        (
            fox,
            [
                "a8add4bdddfd93e4877d2746e62817b116364a1fa7bc148d95090bc7333b3673f82401cf7aa2e4cb1ecd90296e3f14cb5413f8ed77be73045b13914cdcd6a918",
                "01718cec35cd3d796dd00020e0bfecb473ad23457d063b75eff29c0ffa2e58a9",
                "69070dda01975c8c120c3aada1b282394e7f032fa9cf32f4cb2259a0897dfc04",
                "7063465e08a93bce31cd89d2e3ca8f602498696e253592ed26f07bf7e703cf328581e1471a7ba7ab119b1a9ebdf8be41",
                "01dedd5de4ef14642445ba5f5b97c15e47b9ad931326e4b0727cd94cefc44fff23f07bf543139939b49128caf436dc1bdee54fcb24023a08d9403f9b4bf0d450",
                "07e547d9586f6a73f73fbac0435ed76951218fb7d0c8d788a309d785436bbb642e93a252a954f23912547d1e8a3b5ed6e1bfd7097821233fa0538f3db854fee6",
            ],
        ),
        (
            &long,
            [
                "323e97a7a859ee63c9013debb0ca995811e73117a2f574723416e596ebc184e37a59b66d2f597df4a7c1b0d1d41a1a7f28774f46a6864d56c57b9d6c5f7302fb",
                "b8007121274217790e2923e0ad7027986e5a99d5531ef6ae7d294140fc81615d",
                "c043b2b15d405c9f4cd92fdaef420eba6201d328fb34ec0e2c16e4981b9e4b39",
                "1719287be5dd0ce14ac51bfdc22f8e1137a6951666b2d946cd0d031bb68bc3173ba0e202bc0e6202f5d337061c6ec21f",
                "ad3a11a3430f0fac234a6c15bff0cb609b3d6fde0eac5873893e2775d15cf47d6791b4db907361c53719da248a7662f759b3f6c7ffb4fe69492a9449728cdad7",
                "f1721f49518ee462a3d81def26d81037cd474b4254b85ad7c8f1509594d0177bbb996ee9625813852bacac108c2a72c83a8587050fec1dcda64730d6470953e6",
            ],
        ),
    ];
    for (input, [b512, b256, s256, s384, s512, sha2]) in cases {
        let what = input.len();
        assert_eq!(hex(&blake2b(input, 64)), b512, "blake2b-512 of {what} bytes");
        assert_eq!(hex(&blake2b(input, 32)), b256, "blake2b-256 of {what} bytes");
        assert_eq!(hex(&sha3(32, &[input])), s256, "sha3-256 of {what} bytes");
        assert_eq!(hex(&sha3(48, &[input])), s384, "sha3-384 of {what} bytes");
        assert_eq!(hex(&sha3(64, &[input])), s512, "sha3-512 of {what} bytes");
        assert_eq!(hex(&sha512(&[input])), sha2, "sha-512 of {what} bytes");
    }
}

/// xorshift64* from a per-run seed.
struct Rng(u64);

impl Rng {
    fn new() -> (Rng, u64) {
        let seed = std::env::var("BUNMARK_TEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
            now.as_nanos() as u64 ^ u64::from(std::process::id()) << 32
        });
        (Rng(seed | 1), seed)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545f4914f6cdd1d)
    }

    fn block(&mut self) -> Block {
        let mut b = Block::ZERO;
        b.0.iter_mut().for_each(|w| *w = self.next());
        b
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn every_path_equals_scalar_on_random_blocks() {
    let (mut rng, seed) = Rng::new();
    let paths = Isa::available();
    eprintln!("paths {:?}, seed {seed}", paths.iter().map(|p| p.name()).collect::<Vec<_>>());
    for round in 0..10_000 {
        let (prev, refb, old) = (rng.block(), rng.block(), rng.block());
        for xor_out in [false, true] {
            let mut expected = old;
            let expected_first = Isa::SCALAR.compress(&prev, &refb, &mut expected, xor_out);
            assert_eq!(expected_first, expected.0[0]);
            for &isa in &paths {
                let mut out = old;
                let first = isa.compress(&prev, &refb, &mut out, xor_out);
                assert!(out == expected, "{isa:?} differs from scalar: round {round}, xor {xor_out}, seed {seed}");
                assert_eq!(first, expected_first, "{isa:?} early word: round {round}, seed {seed}");
            }
        }
    }
}

fn every_path_equals_scalar_on_random_argon2d_parameters() {
    let (mut rng, seed) = Rng::new();
    for round in 0..40 {
        let lanes = 1 + rng.below(4) as u32;
        let bytes: Vec<Vec<u8>> =
            (0..4).map(|_| (0..rng.below(80)).map(|_| rng.next() as u8).collect::<Vec<u8>>()).collect();
        let params = Params {
            password: &bytes[0],
            salt: &bytes[1],
            secret: &bytes[2],
            associated_data: &bytes[3],
            memory_kib: 8 * lanes + rng.below(120) as u32,
            passes: 1 + rng.below(3) as u32,
            lanes,
            tag_len: 4 + rng.below(130) as u32,
        };
        let expected = argon2d_on(Isa::SCALAR, &params).unwrap();
        for isa in Isa::available() {
            assert_eq!(argon2d_on(isa, &params).unwrap(), expected, "{isa:?}: round {round}, seed {seed}");
        }
    }
}

fn forcing_a_path() {
    // Forcing changes only speed (every path gives the same bytes), so tests running meanwhile are
    // unaffected.
    for isa in Isa::available() {
        Isa::force(Some(isa));
        assert_eq!(Isa::current(), isa);
        assert_eq!(Isa::by_name(isa.name()), Some(isa));
    }
    Isa::force(None);
    assert_eq!(Isa::current(), Isa::detect());
    assert_eq!(Isa::detect(), Isa::available()[0]);
    assert_eq!(Isa::by_name("no such path"), None);
}

/// Every check, by name.
const CHECKS: &[(&str, fn())] = &[
    ("blake2b_sha3_sha512_vectors", blake2b_sha3_sha512_vectors),
    ("rfc9106_argon2d_on_every_path", rfc9106_argon2d_on_every_path),
    ("every_path_equals_scalar_on_random_blocks", every_path_equals_scalar_on_random_blocks),
    ("every_path_equals_scalar_on_random_argon2d_parameters", every_path_equals_scalar_on_random_argon2d_parameters),
    ("forcing_a_path", forcing_a_path),
    ("digests_on_the_fastest_path", digests_on_the_fastest_path),
    ("genesis_digests_on_the_other_paths", genesis_digests_on_the_other_paths),
];

fn main() {
    let skip: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let (mut ran, mut skipped) = (0, 0);
    for &(name, check) in CHECKS {
        if skip.iter().any(|s| name.contains(s.as_str())) {
            println!("kat {name} ... skipped");
            skipped += 1;
            continue;
        }
        let start = std::time::Instant::now();
        check(); // a failure panics: non-zero exit with the assertion message
        println!("kat {name} ... ok ({:.1} s)", start.elapsed().as_secs_f64());
        ran += 1;
    }
    let paths: Vec<_> = Isa::available().iter().map(|isa| isa.name()).collect();
    println!("kat: {ran} passed, {skipped} skipped (paths on this CPU: {})", paths.join(", "));
}
