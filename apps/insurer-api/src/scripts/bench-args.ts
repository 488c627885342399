// What insurer-api's benchmark scripts share on their command line.

/** The script's arguments. `pnpm --filter … bench:x -- --rows …` passes the `--` on (pnpm 10). */
export function benchArgv(): string[] {
  return process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
}

/** `--url`: the PostgreSQL database the benchmarks run on (bench:bulk loads its members there). */
export const BENCH_URL_OPTION = {
  type: 'string',
  default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/shikaku_bench_insurer',
} as const;
