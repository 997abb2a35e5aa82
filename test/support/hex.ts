/** Hex text ↔ bytes for the tests: fixtures and expectations carry bytes as hex. */

export { toHex } from "../../src/encoding/hex.ts";

/** Throws on odd length or a non-hex digit, where Buffer would silently stop: a fixture typo must fail loudly. */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new Error(`not hex: ${JSON.stringify(text.slice(0, 40))}`);
  return new Uint8Array(Buffer.from(text, "hex"));
}

/** A digest written in bitmarkd's display (byte-reversed) order, as 8.2's merkle vectors give leaves and roots. */
export function fromDisplayHex(text: string): Uint8Array {
  return fromHex(text).reverse();
}
