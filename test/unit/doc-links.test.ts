import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokenDocLinks } from '../../scripts/doc-links';

describe('the documentation', () => {
  it('has no broken relative link or anchor (README, docs/, deployment/, bench results)', () => {
    expect(brokenDocLinks(join(__dirname, '..', '..'))).toEqual([]);
  });

  it('is checked for missing files and for anchors no heading makes', () => {
    const root = mkdtempSync(join(tmpdir(), 'doc-links-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs', 'api.md'), '# HTTP API\n\n## Keys and roles\n');
    writeFileSync(
      join(root, 'README.md'),
      '[ok](docs/api.md#keys-and-roles) [gone](docs/nope.md) [bad](docs/api.md#roles) [web](https://example.com/x)\n',
    );
    expect(brokenDocLinks(root)).toEqual(['README.md: docs/nope.md (no such file)', 'README.md: docs/api.md#roles (no heading makes #roles)']);
  });
});
