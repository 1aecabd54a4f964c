import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tracedBundlePath, workerBundlePath } from '../../src/temporal/traced-bundle-path';

describe('the workflow bundle a worker loads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-path-'));
  const plain = join(dir, 'workflow-bundle.js');
  writeFileSync(plain, '');

  it('is the plain bundle without tracing, and the traced one beside it with tracing', () => {
    expect(workerBundlePath(plain, false)).toBe(plain);
    writeFileSync(tracedBundlePath(plain), '');
    expect(workerBundlePath(plain, true)).toBe(join(dir, 'workflow-bundle.traced.js'));
  });

  it('names the command that builds a missing bundle', () => {
    expect(() => workerBundlePath(join(dir, 'missing.js'), true)).toThrow(/missing\.traced\.js.*OTEL_EXPORTER_OTLP_ENDPOINT.*npm run build:workflows/);
  });
});
