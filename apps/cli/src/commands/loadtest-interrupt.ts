import { CliError } from '../output.js';

/**
 * Ctrl-C (SIGINT), SIGTERM or SIGHUP while `shikaku loadtest` runs: what the run started (the stack
 * process and its database, a topology) is torn down, once, and the command fails with
 * INTERRUPTED (exit 130, 143 or 129). Each thing is registered as soon as it exists; its close runs at
 * most once, so a signal during the normal close waits for that close instead of starting another,
 * and a second signal only says the teardown is under way.
 */
export interface Teardown {
  /** Registers what was just started; returns its close, which runs once whoever calls it. */
  add(name: string, close: () => Promise<void>): () => Promise<void>;
  /** The command's work: on a signal, what is registered is closed and this rejects INTERRUPTED. */
  guard<T>(work: Promise<T>): Promise<T>;
  /** A signal came: start nothing more. */
  readonly stopping: boolean;
  /** Stops listening for the signals. */
  dispose(): void;
}

// SIGHUP too: the stack and the topology run in process groups of their own, so a closed terminal
// (or a shell's job control) no longer reaches them, and only this teardown takes them down.
const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
const SIGNALS = Object.keys(EXIT_CODES) as NodeJS.Signals[];

export function interruptTeardown(say: (line: string) => void): Teardown {
  const open: Array<{ name: string; close: () => Promise<void> }> = [];
  let fail: (error: CliError) => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => (fail = reject));
  // Answered by guard(); this keeps it from counting as unhandled before that.
  interrupted.catch(() => undefined);
  let tearing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (tearing) {
      say(`${signal} again: still tearing down, wait`);
      return;
    }
    tearing = true;
    const started = open.map((o) => o.name).reverse();
    say(
      `${signal}: stopping; ${started.length > 0 ? `tearing down ${started.join(', ')}` : 'nothing to tear down'}`,
    );
    void (async () => {
      // The last started first: the stack before its database, the handles before the topology.
      for (const { name, close } of [...open].reverse())
        await close().catch((error: unknown) =>
          say(`tearing down ${name} failed: ${(error as Error).message}`),
        );
      fail(
        new CliError(
          'INTERRUPTED',
          `interrupted by ${signal}${started.length > 0 ? `; tore down ${started.join(', ')}` : ''}`,
          EXIT_CODES[signal] ?? 1,
        ),
      );
    })();
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    add(name, close) {
      let closing: Promise<void> | undefined;
      const entry = { name, close: () => (closing ??= close()) };
      open.push(entry);
      return async () => {
        try {
          await entry.close();
        } finally {
          const at = open.indexOf(entry);
          if (at >= 0) open.splice(at, 1);
        }
      };
    },
    async guard(work) {
      // Once a teardown began, whatever the work does (it fails as its processes go), the answer
      // is the teardown's.
      try {
        const value = await Promise.race([work, interrupted]);
        return tearing ? await interrupted : value;
      } catch (error) {
        if (tearing) return await interrupted;
        throw error;
      }
    },
    get stopping() {
      return tearing;
    },
    dispose() {
      for (const signal of SIGNALS) process.off(signal, onSignal);
    },
  };
}
