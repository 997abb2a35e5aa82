/** Node modes (mode/mode.go): Resynchronise at start-up, Normal once the connector finished its first sync. */

export type Mode = "Stopped" | "Resynchronise" | "Normal";

export class ModeState {
  #mode: Mode = "Resynchronise";

  get(): Mode {
    return this.#mode;
  }

  isNormal(): boolean {
    return this.#mode === "Normal";
  }

  set(m: Mode): void {
    this.#mode = m;
  }
}
