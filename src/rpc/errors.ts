/**
 * The RPC room's typed errors (base/errors.ts pattern) for what stops client RPC from starting (no listener, an
 * unusable certificate pair) and for the command-line client's call (the `--connect` address, the certificate
 * fingerprint, no reply). Messages are the one line an operator reads. Not for method replies: those are
 * RpcError (method.ts) with bitmarkd's text.
 */
import { BunmarkError } from "../base/errors.ts";

export class RpcServiceError extends BunmarkError<
  | { code: "NO_LISTENER"; section: "client_rpc" | "https_rpc"; listen: readonly string[] }
  | { code: "CERTIFICATE_UNUSABLE"; section: string; certificate: string; privateKey: string; detail: string }
  | { code: "CERTIFICATE_NO_PEM_BLOCK"; certificate: string }
  | { code: "CERTIFICATE_UNREADABLE"; certificate: string; privateKey: string; detail: string }
  | { code: "KEY_MISMATCH"; certificate: string; privateKey: string }
  | { code: "CONNECT_ADDRESS_INVALID"; address: string }
  | { code: "FINGERPRINT_MISMATCH"; actual: string; expected: string }
  | { code: "NO_REPLY"; ms?: number }
> {}
