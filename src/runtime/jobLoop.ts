// A background loop: runs a job at start, then again after each pause, never two runs at once.
// `nudge()` runs it again soon (after the current run, if one is going on); `stop()` cancels the
// timer and waits for the run in progress, so nothing is left behind when the service closes.
import type { Logger } from "../log.ts";

export class JobLoop {
  readonly #name: string;
  /** the job; may return the pause (ms) before its next run, otherwise `intervalMs` */
  readonly #run: () => Promise<number | void>;
  readonly #intervalMs: number;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;

  constructor(name: string, run: () => Promise<number | void>, intervalMs: number, log: Logger) {
    this.#name = name;
    this.#run = run;
    this.#intervalMs = intervalMs;
    this.#log = log;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  nudge(): void {
    if (this.#stopped) return;
    if (this.#running) this.#again = true;
    else this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Resolves when the run in progress (if any) has finished; for tests and shutdown. */
  async idle(): Promise<void> {
    await this.#running;
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), Math.max(0, ms));
  }

  async #tick(): Promise<void> {
    this.#timer = undefined;
    if (this.#stopped || this.#running) return;
    let next: number | void = undefined;
    this.#running = (async () => {
      try {
        next = await this.#run();
      } catch (err) {
        // A failed run (database busy, a bug) must not kill the loop: log it and try again later.
        this.#log.error({ err, job: this.#name }, "background job failed");
      }
    })();
    await this.#running;
    this.#running = undefined;
    if (this.#stopped) return;
    if (this.#again) {
      this.#again = false;
      this.#schedule(0);
    } else {
      this.#schedule(typeof next === "number" ? Math.min(next, this.#intervalMs) : this.#intervalMs);
    }
  }
}
