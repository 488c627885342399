import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, errorSummary, loggableUrl } from './logger.js';

describe('createLogger', () => {
  it('redacts personal data at any of the first three levels', () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const log = createLogger({ name: 'test', destination: out });
    log.info(
      {
        myNumber: '123456789018',
        body: { nameKana: 'シカク ハナコ', member: { birthDate: '1989-09-13' } },
      },
      'registered',
    );
    const line = chunks.join('');
    expect(line).toContain('registered');
    expect(line).not.toContain('123456789018');
    expect(line).not.toContain('シカク');
    expect(line).not.toContain('1989-09-13');
    expect(line.match(/\[redacted\]/g)).toHaveLength(3);
  });

  it('logs the route pattern, or the path with long digit runs masked, never the query', () => {
    expect(
      loggableUrl({
        method: 'GET',
        url: '/v1/residents/123456789018?x=1',
        id: '1',
        routeOptions: { url: '/v1/residents/:myNumber' },
      }),
    ).toBe('/v1/residents/:myNumber');
    expect(loggableUrl({ method: 'GET', url: '/nope/123456789018?birth=19890913', id: '2' })).toBe(
      '/nope/[digits]',
    );
  });

  it("keeps a PostgreSQL error's rejected values and COPY context out of the log", () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const log = createLogger({ name: 'test', destination: out });
    const error = Object.assign(
      new Error('invalid input syntax for type date: "東京都 1234-5678-9018"'),
      {
        severity: 'ERROR',
        code: '22007',
        where: 'COPY registrations, line 3, column address: "東京都 123456789018"',
        detail: 'Key (my_number)=(123456789018) already exists.',
        internalQuery: "select '123456789018'",
        hint: 'value "資格 花子"',
      },
    );
    log.error({ err: error, reqId: 'r1' }, 'request failed');
    const wrapped = new Error('chunk failed at line 3: 123456789018');
    log.error({ err: wrapped }, 'bulk chunk failed');
    const lines = chunks.join('');
    for (const personal of ['東京都', '1234-5678-9018', '123456789018', '資格 花子'])
      expect(lines, personal).not.toContain(personal);
    expect(lines).toContain('invalid input syntax for type date: \\"[value]\\"');
    expect(lines).toContain('"code":"22007"');
    expect(lines).toContain('chunk failed at line 3: [digits]');
  });

  it('summarizes an error as its code and masked message, without its stack or statement', () => {
    const error = Object.assign(new Error('date/time field value out of range: "2021-02-30"'), {
      severity: 'ERROR',
      code: '22008',
      query: 'select $1::date',
      stack: 'at a.js:1',
    });
    expect(errorSummary(error)).toEqual({
      code: '22008',
      message: 'date/time field value out of range: "[value]"',
    });
    // Not a database error: its quotes stay, its long digit runs do not.
    expect(errorSummary(new Error('card 123456789018: "x"'))).toEqual({
      message: 'card [digits]: "x"',
    });
    expect(errorSummary('lost 123456789018')).toEqual({ message: 'lost [digits]' });
  });
});
