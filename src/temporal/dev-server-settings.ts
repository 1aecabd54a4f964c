import type { SearchAttributeType } from '@temporalio/common';
import { CONVERSATION_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/**
 * Server features the app relies on that a stock dev server may leave off: workflow updates (the
 * HTTP API waits for a reply through one), update-with-start (`ExecuteMultiOperation`) and eager
 * start (lower latency for a new conversation). `npm start` and the tests pass the same values, and
 * `temporal-config/dynamicconfig/development.yaml` mirrors them for a real cluster.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, unknown> = {
  'frontend.enableExecuteMultiOperation': true,
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
  'system.enableEagerWorkflowStart': true,
  // An activity scheduled by a workflow task runs on the worker that completed it, skipping a
  // trip through matching: 7.4 replies/s against 5.7 without (`npm run bench -- --scenario t`).
  'system.enableActivityEagerExecution': true,
};

/**
 * SQLite settings for a dev server that keeps its state in a file. Write-ahead logging keeps
 * every commit durable (`synchronous` stays FULL) and more than doubles the workflow tasks a
 * second the server completes: with SQLite's default rollback journal, a 500-conversation burst
 * ran at 3.2 turns/s and timed out its own writes ("context canceled"); with WAL, 7.4 turns/s.
 */
export const SQLITE_PRAGMA_ARGS = ['--sqlite-pragma', 'journal_mode=wal'];

/** `temporal server start-dev` spells the types differently from the SDK. */
const CLI_SEARCH_ATTRIBUTE_TYPES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** `--dynamic-config-value key=<JSON>` pairs for `start-dev`; `extra` wins over the defaults. */
export function dynamicConfigArgs(extra: Record<string, unknown> = {}): string[] {
  return Object.entries({ ...DEV_SERVER_DYNAMIC_CONFIG, ...extra }).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
}

/**
 * `--search-attribute Name=Type` pairs for `start-dev`. The dev server applies them only when it
 * creates its database, so `startTemporalDevServer` also registers any that an existing one lacks.
 */
export function searchAttributeArgs(): string[] {
  return CONVERSATION_SEARCH_ATTRIBUTES.flatMap((key) => [
    '--search-attribute',
    `${key.name}=${CLI_SEARCH_ATTRIBUTE_TYPES[key.type]}`,
  ]);
}
