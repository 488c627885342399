import { describe, expect, it } from 'vitest';
import { sameSitePath } from './same-site-path.js';

describe('the path to go to after login', () => {
  it('keeps a same-site path with its query', () => {
    expect(sameSitePath('/readers')).toBe('/readers');
    expect(sameSitePath('/readers/3?tab=history#events')).toBe('/readers/3?tab=history#events');
  });

  it.each([
    ['//evil.example/', 'protocol-relative'],
    ['/\\evil.example', 'backslash read as a slash'],
    ['/\\/evil.example/', 'backslash then slash'],
    ['/\t/evil.example/', 'tab dropped by the browser'],
    ['/\n/evil.example/', 'newline dropped by the browser'],
    ['/\r\n/evil.example', 'CRLF'],
    ['/readers\\..\\..\\x', 'a backslash anywhere'],
    ['/a\u0000b', 'NUL'],
    ['/a\u007fb', 'DEL'],
    ['/a\u0085b', 'C1 control'],
    ['/ /evil.example', 'space'],
    ['https://evil.example/', 'absolute URL'],
    ['javascript:alert(1)', 'script URL'],
    ['readers', 'relative path'],
    ['', 'empty'],
    [`/${'a'.repeat(2000)}`, 'too long'],
  ])('refuses %j (%s): home instead', (next) => {
    expect(sameSitePath(next)).toBe('/');
  });

  it('refuses a repeated field (an array)', () => {
    expect(sameSitePath(['/a', '//evil.example'])).toBe('/');
  });

  it('falls back to the given home page', () => {
    expect(sameSitePath(undefined, '/operator')).toBe('/operator');
    expect(sameSitePath('/\\evil.example', '/operator')).toBe('/operator');
  });
});
