import { join, resolve } from 'node:path';
import type { Config } from '../config';

export interface BannerFacts {
  config: Config;
  /** The port the HTTP server is bound to. */
  port: number;
  temporalUiUrl: string | undefined;
  /** Seconds from process start to ready. */
  seconds: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** What `npm start` prints last: where things are, and what is exposed to whom. */
export function startBanner({ config, port, temporalUiUrl, seconds }: BannerFacts): string {
  const base = config.publicUrl ?? `http://${LOOPBACK.has(config.host) ? 'localhost' : config.host}:${port}`;
  const exposure = LOOPBACK.has(config.host)
    ? `${config.host}:${port}, this machine only (set HOST=0.0.0.0 to open it to the network)`
    : `${config.host}:${port}, reachable from the network`;
  const secrets = config.generatedSecrets.length
    ? `${config.generatedSecrets.join(', ')} generated for this data directory, in ${join(resolve(config.dataDir), 'secrets')}`
    : 'from the environment';
  const admin = config.adminApiKey
    ? `${base}/v1 with ADMIN_API_KEY${LOOPBACK.has(config.host) ? '' : ' — from the network too'}`
    : 'off: set ADMIN_API_KEY to enable /v1';
  return [
    '',
    `  Chat orchestrator is ready (${seconds} s).`,
    '',
    `  Web chat      ${base}/chat/${config.defaultBot.id}`,
    `  Console       ${base}/console${config.adminApiKey ? ' (sign in with an API key)' : ' (set ADMIN_API_KEY to sign in)'}`,
    `  API docs      ${base}/docs`,
    `  Health        ${base}/health/ready`,
    `  Temporal UI   ${temporalUiUrl ?? '(external Temporal: see your cluster UI)'}`,
    `  Model         ${config.openai.apiKey ? `${config.openai.model} via ${config.openai.baseUrl ?? 'OpenAI'}` : 'offline responder (set OPENAI_API_KEY for real replies)'}`,
    '',
    `  Listening     ${exposure}`,
    `  Admin API     ${admin}`,
    `  Secrets       ${secrets}`,
    '',
    '  Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
