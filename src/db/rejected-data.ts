/**
 * Postgres errors that say "this data can never be stored", as opposed to "not now". Retrying such
 * a write fails the same way forever, so the caller must give up on that one row and move on.
 */

// Class 22 is "data exception": bad encodings (22021), NUL in text (22P05), values too long (22001)…
const DATA_EXCEPTION_CLASS = '22';
const REJECTING_CODES = new Set([
  '23502', // not_null_violation
  '23514', // check_violation
  '54000', // program_limit_exceeded, such as an index row over its size limit
]);

export function isRejectedData(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || code.length !== 5) return false;
  return code.startsWith(DATA_EXCEPTION_CLASS) || REJECTING_CODES.has(code);
}
