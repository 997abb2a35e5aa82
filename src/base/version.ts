/** Version string reported in the `I` reply; bitmarkd 8.2 peers expect the same field shape. */
export const VERSION = "8.2";
/** bunmark's own release, shown by `--version`. */
export const BUNMARK_VERSION = "0.1.0";
