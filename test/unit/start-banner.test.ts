import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { startBanner } from '../../src/main/start-banner';

describe('the start banner', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'banner-'));
  const banner = (env: Record<string, string>) =>
    startBanner({ config: loadConfig({ DATA_DIR: dataDir, ...env }), port: 3000, temporalUiUrl: 'http://127.0.0.1:8233', seconds: '2.3' });

  it('says the server is reachable from this machine only by default, and which secrets it generated where', () => {
    const text = banner({});
    expect(text).toContain('ready (2.3 s)');
    expect(text).toContain('Listening     127.0.0.1:3000, this machine only (set HOST=0.0.0.0 to open it to the network)');
    expect(text).toContain('Admin API     off: set ADMIN_API_KEY to enable /v1');
    expect(text).toContain(`Secrets       WEBCHAT_TOKEN_SECRET, CHANNEL_ENCRYPTION_KEY, TEMPORAL_PAYLOAD_KEY generated for this data directory, in ${join(dataDir, 'secrets')}`);
    expect(text.trimEnd().endsWith('Press Ctrl-C to stop.')).toBe(true);
  });

  it('warns when the network can reach it, the admin API included', () => {
    const text = banner({ HOST: '0.0.0.0', ADMIN_API_KEY: 'k' });
    expect(text).toContain('Listening     0.0.0.0:3000, reachable from the network');
    expect(text).toContain('Admin API     http://0.0.0.0:3000/v1 with ADMIN_API_KEY — from the network too');
  });
});
