/** One line per check of `npm run validate-config`: passed, failed with what to do, or skipped with why. */
export type CheckResult =
  | { status: 'pass'; name: string; detail: string }
  | { status: 'fail'; name: string; detail: string; fix: string }
  | { status: 'skip'; name: string; detail: string };

const MARKS = { pass: '✓', fail: '✗', skip: '-' } as const;

export function formatCheck(result: CheckResult): string {
  const line = `${MARKS[result.status]} ${result.name}: ${result.detail}`;
  return result.status === 'fail' ? `${line}\n    → ${result.fix}` : line;
}

/** A secret as a report may show it: at most its last four characters. */
export function maskSecret(secret: string | undefined): string {
  if (!secret) return '(not set)';
  return secret.length <= 8 ? '…' : `…${secret.slice(-4)}`;
}

/** Removes every secret from a text that might repeat one (an error message that quotes a URL). */
export function withoutSecrets(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((out, secret) => out.split(secret).join(maskSecret(secret)), text);
}

export function summary(results: readonly CheckResult[]): string {
  const failed = results.filter((r) => r.status === 'fail').length;
  return failed === 0 ? `All ${results.filter((r) => r.status === 'pass').length} checks passed.` : `${failed} check(s) failed: fix them and run npm run validate-config again.`;
}
