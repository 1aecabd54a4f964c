import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../../src/temporal/dev-server-settings';

const ROOT = join(__dirname, '..', '..');

type DynamicConfigFile = Record<string, Array<{ value: unknown; constraints?: Record<string, unknown> }>>;

/** The value each key takes when no constraint narrows it: what a cluster-wide setting means. */
function unconstrainedValues(config: DynamicConfigFile): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, entries]) => {
      const entry = entries.find((candidate) => Object.keys(candidate.constraints ?? {}).length === 0);
      return [key, entry?.value];
    }),
  );
}

describe('dynamic config for real clusters', () => {
  it('temporal-config/dynamicconfig/development.yaml holds the dev server settings', () => {
    const file = parse(readFileSync(join(ROOT, 'temporal-config', 'dynamicconfig', 'development.yaml'), 'utf8')) as DynamicConfigFile;
    expect(unconstrainedValues(file)).toEqual(DEV_SERVER_DYNAMIC_CONFIG);
  });

  it('the Helm values in deployment/ hold the same settings', () => {
    const values = parse(readFileSync(join(ROOT, 'deployment', 'temporal-values.yaml'), 'utf8')) as {
      server: { dynamicConfig: DynamicConfigFile };
    };
    expect(unconstrainedValues(values.server.dynamicConfig)).toEqual(DEV_SERVER_DYNAMIC_CONFIG);
  });
});
