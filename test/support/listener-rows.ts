/**
 * Request/reply rows shared by the handler test and the socket test: the rows of observed-bitmarkd-8.2.md
 * ("Replies seen") for a node on chain testing at height 1, in Normal mode, whose peer ring holds only itself.
 * Frames are written as text, or as hex with a `0x` prefix.
 */

const enc = new TextEncoder();

export interface Row {
  name: string;
  request: string[];
  reply: string[];
}

/** A frame from its notation. */
export const frame = (s: string) => (s.startsWith("0x") ? new Uint8Array(Buffer.from(s.slice(2), "hex")) : enc.encode(s));

/** Frames in a comparable notation: printable text as text (except 8- and 32-byte frames), the rest as hex. */
export const show = (frames: readonly Uint8Array[]) =>
  frames.map((b) => {
    const text = Buffer.from(b).toString("latin1");
    return /^[\x20-\x7e]*$/.test(text) && b.length > 0 && b.length !== 8 && b.length !== 32 ? text : "0x" + Buffer.from(b).toString("hex");
  });

export const be64 = (n: bigint) => "0x" + n.toString(16).padStart(16, "0");

const TEST_GENESIS = "0x8ae68bb87c4a926b8f12c5eeda9695bbdeaa9b280b57bc16545a2c8f7b80fe00";
export const ASKER_KEY = "0x" + "11".repeat(32);

export const OBSERVED: Row[] = [
  { name: "I", request: ["testing", "I"], reply: ["I", '{"version":"8.2","chain":"testing","normal":true,"height":1}'] },
  { name: "N", request: ["testing", "N"], reply: ["N", be64(1n)] },
  { name: "N with junk", request: ["testing", "N", "junk"], reply: ["N", be64(1n)] },
  { name: "H 1", request: ["testing", "H", be64(1n)], reply: ["H", TEST_GENESIS] },
  { name: "H 2 beyond height", request: ["testing", "H", be64(2n)], reply: ["E", "block not found"] },
  { name: "H 2-byte parameter", request: ["testing", "H", "0x0002"], reply: ["E", "block not found"] },
  { name: "H without parameter", request: ["testing", "H"], reply: ["E", "missing parameters"] },
  { name: "B without parameter", request: ["testing", "B"], reply: ["E", "missing parameters"] },
  { name: "B 1", request: ["testing", "B", be64(1n)], reply: ["E", "block not found"] },
  { name: "bitmark on a testing node", request: ["bitmark", "N"], reply: ["E", 'invalid chain: actual: "bitmark"  expect: testing'] },
  { name: "one frame", request: ["testing"], reply: ["E", "packet too short"] },
  { name: "unknown command", request: ["testing", "Z"], reply: ["Z", "A"] },
  { name: "heart", request: ["testing", "heart", "x"], reply: ["heart", "A"] },
  { name: "R chain only", request: ["testing", "R", "testing"], reply: ["E", "missing parameters"] },
  { name: "R other chain", request: ["testing", "R", "otherchain", ASKER_KEY, "0x", be64(1n)], reply: ["E", "incorrect chain"] },
  { name: "R with no third peer", request: ["testing", "R", "testing", ASKER_KEY, "0x1356780000000000000000000000ffff7f000001", be64(1n)], reply: ["E", "invalid public key"] },
];
