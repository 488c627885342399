import { fileURLToPath } from 'node:url';

/**
 * Piscina options for the worker module `name` (e.g. `chunk.worker.js`) beside the module at
 * `moduleUrl`. Workers run compiled JavaScript: from a source file (tests, tsx) the worker is taken
 * from the package's dist build, and the parent's export conditions for sources are not passed on.
 */
export function compiledWorker(
  moduleUrl: string,
  name: string,
): { filename: string; execArgv: string[] } {
  const path = fileURLToPath(new URL(name, moduleUrl));
  const fromSource = moduleUrl.endsWith('.ts');
  const at = path.lastIndexOf('/src/');
  return {
    filename: fromSource && at >= 0 ? `${path.slice(0, at)}/dist/${path.slice(at + 5)}` : path,
    execArgv: process.execArgv.filter((a) => !a.startsWith('--conditions') && !a.startsWith('-C')),
  };
}
