/**
 * Parse results are values, not exceptions: callers on hot paths (bulk matching, load tests) check
 * `ok` without paying for a throw, and HTTP handlers map `code` to a status in one table.
 */
export type ParseResult<T, Code extends string = string, Reason extends string = string> =
  { ok: true; value: T } | { ok: false; code: Code; reason: Reason; message: string };

export function failure<Code extends string, Reason extends string>(
  code: Code,
  reason: Reason,
  message: string,
): { ok: false; code: Code; reason: Reason; message: string } {
  return { ok: false, code, reason, message };
}

/** True when every character of `s` is an ASCII digit (and `s` is not empty). */
export function isAsciiDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Luhn (mod 10, weights 2,1,… from the right, digit sums of the products) over `digits[from, to)`.
 * Returns the check digit that would follow them. `digits` must be ASCII digits.
 */
export function luhnCheckDigit(digits: string, from = 0, to = digits.length): number {
  let sum = 0;
  let double = true;
  for (let i = to - 1; i >= from; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}
