/**
 * PLACEHOLDER until the Rust addon's loader lands (owned by the native engineer, who replaces this file):
 * reports the addon as absent, so src/crypto/index.ts selects the TypeScript backend.
 */
import type { HashBackend } from "./api.ts";

export const loadNativeBackend = (): HashBackend | undefined => undefined;
