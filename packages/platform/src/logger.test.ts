import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, loggableUrl } from './logger.js';

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
});
