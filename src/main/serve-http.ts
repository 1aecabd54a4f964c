import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

/**
 * Serves the app on `host` (this machine only by default) and resolves once the port is bound.
 * `close` stops accepting and waits for requests in flight.
 */
export async function serveHttp(app: Hono<any>, port: number, host = '127.0.0.1'): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info) =>
      resolve({
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Event streams never end on their own.
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      }),
    );
    server.once('error', reject);
  });
}
