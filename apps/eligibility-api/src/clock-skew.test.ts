// Practitioner proofs are checked against an instance's wall clock and the nonce sweep counts on
// instances agreeing within a margin (docs/practitioners.md): an instance whose wall clock is far
// from the database's says so when it starts, and one in step says nothing.
import type {} from '@shikaku/db/testing/global-setup';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { expect, it } from 'vitest';
import { createFixture } from './testing/fixture.js';

const clockWarnings = (lines: string[]) =>
  lines
    .map((line) => JSON.parse(line) as { level: number; msg: string; skewMs?: number })
    .filter((line) => line.level === 40 && line.msg.startsWith('the wall clock is'));

describeEachDatabase('the wall clock against the database clock at start', ({ handle }) => {
  it('warns, with the skew, when the wall clock is years from the database clock', async () => {
    // The fixture's default wall clock: 2021-07-15, far behind the database server's.
    const f = await createFixture(handle());
    await f.app.ready();
    const warnings = clockWarnings(f.logLines);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.skewMs).toBeLessThan(-365 * 24 * 3_600_000);
    expect(warnings[0]!.msg).toContain('practitioner proofs are refused beyond 5 min of it');
    await f.app.close();
  });

  it('says nothing when the wall clock is the machine clock the database runs on', async () => {
    const f = await createFixture(handle(), {}, Date.now());
    await f.app.ready();
    expect(clockWarnings(f.logLines)).toEqual([]);
    await f.app.close();
  });
});
