// One rule for what people type into code and number fields, on every form and search: full-width
// digits and letters read as half-width (NFKC), and spaces, hyphens and thousands separators are
// dropped ("０１１０ １１３ ７１９", "01-1011-3719" → "0110113719"). Free text is never rewritten.
const SEPARATORS = /[\s,\-‐－ー−]/g;

export function normalizeCode(input: string | undefined): string {
  return (input ?? '').normalize('NFKC').replace(SEPARATORS, '');
}

/** A whole number of at most `maxDigits` digits typed in either width, or NaN. */
export function parseCount(input: string | undefined, maxDigits = 3): number {
  const digits = normalizeCode(input);
  return new RegExp(`^\\d{1,${maxDigits}}$`).test(digits) ? Number(digits) : Number.NaN;
}
