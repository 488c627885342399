import type { FaultSettings } from './config.js';

/**
 * The emulator's current fault settings, changeable at run time through the control endpoint.
 * `random` is injected so tests decide which request fails.
 */
export class FaultInjector {
  private settings: FaultSettings;

  constructor(
    initial: FaultSettings,
    private readonly random: () => number = Math.random,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((done) => setTimeout(done, ms)),
  ) {
    this.settings = { ...initial };
  }

  current(): FaultSettings {
    return { ...this.settings };
  }

  update(change: Partial<FaultSettings>): FaultSettings {
    this.settings = { ...this.settings, ...change };
    return this.current();
  }

  /** Waits the configured latency; true when this call should fail (down, or by error rate). */
  async apply(): Promise<boolean> {
    if (this.settings.latencyMs > 0) await this.sleep(this.settings.latencyMs);
    if (this.settings.down) return true;
    return this.settings.errorRate > 0 && this.random() < this.settings.errorRate;
  }
}
