/** Node modes (mode/mode.go): Resynchronise at start-up, Normal once the connector finished its first sync. */

export type Mode = "Stopped" | "Resynchronise" | "Normal";

export class ModeState {
  #mode: Mode = "Resynchronise";
  #listeners: ((m: Mode) => void)[] = [];

  get(): Mode {
    return this.#mode;
  }

  isNormal(): boolean {
    return this.#mode === "Normal";
  }

  set(m: Mode): void {
    if (m === this.#mode) return;
    this.#mode = m;
    for (const fn of this.#listeners) fn(m);
  }

  onChange(fn: (m: Mode) => void): void {
    this.#listeners.push(fn);
  }
}
