import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedWorkflowBundles, sourcesKey, sourcesOf } from '../../src/temporal/workflow-bundle';
import { tracedBundlePath } from '../../src/temporal/traced-bundle-path';

/**
 * The bundle cache: a second start must not run webpack again, and a change to any file the
 * bundle was built from must. Webpack runs twice here (once per variant), a few seconds.
 */
describe('the workflow bundle cache', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'bundle-cache-'));
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('builds once, then reuses the bundle while its sources are unchanged', async () => {
    const first = await cachedWorkflowBundles({ cacheDir });
    expect(first.built).toBe(true);
    expect(statSync(tracedBundlePath(first.path)).size).toBeGreaterThan(statSync(first.path).size);
    const reasons: string[] = [];
    const second = await cachedWorkflowBundles({ cacheDir, onBuild: (reason) => reasons.push(reason) });
    expect(second).toEqual({ path: first.path, built: false });
    expect(reasons).toEqual([]);
  }, 60_000);

  it('keys the bundle by every file webpack read: ours, the vocabulary they import, and the SDK', async () => {
    const { path } = await cachedWorkflowBundles({ cacheDir });
    const files = sourcesOf(readFileSync(path, 'utf8'));
    expect(files).toEqual(
      expect.arrayContaining(['workflows/conversation-workflow.ts', 'src/conversations/split-text.ts', expect.stringMatching(/^node_modules\/@temporalio\/workflow\//)]),
    );
    // Type-only imports are not in the bundle, so they are not in the key.
    expect(files).not.toContain('activities/index.ts');
  });

  it('changes the key when any source file changes', () => {
    // A fresh `npm ci` has no node_modules/.cache yet.
    mkdirSync(join(process.cwd(), 'node_modules', '.cache'), { recursive: true });
    const dir = mkdtempSync(join(process.cwd(), 'node_modules', '.cache', 'key-test-'));
    const file = join(dir, 'a.ts');
    writeFileSync(file, 'export const a = 1;\n');
    const relativeFile = file.slice(process.cwd().length + 1);
    const before = sourcesKey([relativeFile, 'workflows/index.ts']);
    expect(sourcesKey([relativeFile, 'workflows/index.ts'])).toBe(before);
    appendFileSync(file, '// edited\n');
    expect(sourcesKey([relativeFile, 'workflows/index.ts'])).not.toBe(before);
    rmSync(dir, { recursive: true, force: true });
  });
});
