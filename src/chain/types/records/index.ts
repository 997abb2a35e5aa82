/** Transaction records: types, decoding, validation, ids, roles, signing and JSON rendering. */
export * from "./types.ts";
export * from "./unpack.ts";
export * from "./pack.ts";
export * from "./ids.ts";
export * from "./roles.ts";
export * from "./sign.ts";
export * from "./json.ts";
