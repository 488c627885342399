// CPU time of `shikaku` start-up: `--help` and each light command, beside `node -e 0` measured in
// the same run (interleaved, so other work on the machine hits both alike). Median of N runs.
//   pnpm --filter @shikaku/cli build && pnpm --filter @shikaku/cli bench:startup [-- N]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 9);
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const preload = fileURLToPath(new URL('./cpu-at-exit.mjs', import.meta.url));
const cases = [
  ['node -e 0 (baseline)', ['-e', '0']],
  ['shikaku --help', [main, '--help']],
  ['shikaku validate my-number', [main, 'validate', 'my-number', '123456789018']],
  ['shikaku subsidy', [main, 'subsidy', '--facility', 'clinic', '--cost', '429000']],
  ['shikaku copay', [main, 'copay', '--birth', 'S62.9.13', '--on', '2021-07-15']],
  ['shikaku wareki', [main, 'wareki', '2021-07-15']],
  ['shikaku loadtest --help', [main, 'loadtest', '--help']],
];
const samples = cases.map(() => []);
for (let i = 0; i < runs; i++) {
  cases.forEach(([name, args], k) => {
    const child = spawnSync(process.execPath, ['--import', preload, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    const cpu = /cpu-us (\d+)\n$/.exec(child.stderr)?.[1];
    if (child.status !== 0 || !cpu)
      throw new Error(`${name} exited ${child.status}: ${child.stderr}`);
    samples[k].push(Number(cpu) / 1000);
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(samples[0]);
console.log(`CPU ms, median of ${runs} (min–max); ratio to node -e 0 in the same run`);
cases.forEach(([name], k) => {
  const m = median(samples[k]);
  const range = `${Math.min(...samples[k]).toFixed(0)}–${Math.max(...samples[k]).toFixed(0)}`;
  console.log(
    `${name.padEnd(30)} ${m.toFixed(0).padStart(5)} ms (${range})  ×${(m / base).toFixed(2)}`,
  );
});
const worst = Math.max(...cases.slice(1).map((_, k) => median(samples[k + 1])));
console.log(`slowest command: ${worst.toFixed(0)} ms of CPU (target < 500 ms)`);
