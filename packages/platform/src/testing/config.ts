// The fuzz suite's settings, read once from the environment (the fuzz script sets FUZZ_RUNS).

/** One seed for every fuzz run, so a failure reproduces; FUZZ_SEED overrides it. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20210715);

/** Cases per route asked for by FUZZ_RUNS, or undefined (then each suite's CI default). */
export const FUZZ_RUNS: number | undefined = (() => {
  const runs = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(runs) && runs > 0 ? runs : undefined;
})();
