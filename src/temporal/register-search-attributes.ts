import { setTimeout as sleep } from 'node:timers/promises';
import { type Connection, isGrpcServiceError } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
// Not re-exported from the package root: the key type, and the map from the SDK's type names to the proto enum.
import { encodeSearchAttributeIndexedValueType, type SearchAttributeKey } from '@temporalio/common/lib/search-attributes';

const GRPC_NOT_FOUND = 5;

/** Thrown when the namespace does not exist on the cluster, so there is nothing to register on. */
export class NamespaceNotFoundError extends Error {
  constructor(readonly namespace: string) {
    super(
      `Namespace "${namespace}" does not exist on this Temporal cluster. Create it first ` +
        `(temporal operator namespace create --namespace ${namespace}), or set TEMPORAL_NAMESPACE to an existing one.`,
    );
    this.name = 'NamespaceNotFoundError';
  }
}

/** Thrown when an attribute already exists with another type: the server cannot change a type in place. */
export class SearchAttributeTypeClashError extends Error {
  constructor(
    readonly namespace: string,
    readonly attribute: string,
    readonly expectedType: SearchAttributeType,
    readonly actualType: string,
  ) {
    super(
      `Search attribute ${attribute} exists in namespace "${namespace}" as ${actualType}, but this app needs ` +
        `${expectedType}. Workflows cannot upsert it until it is removed ` +
        `(temporal operator search-attribute remove --namespace ${namespace} --name ${attribute}) and this setup is run again.`,
    );
    this.name = 'SearchAttributeTypeClashError';
  }
}

/** Thrown when the server accepted new attributes but still does not list them after `settleTimeoutMs`. */
export class SearchAttributesNotVisibleError extends Error {
  constructor(
    readonly namespace: string,
    readonly missing: readonly string[],
  ) {
    super(
      `The server accepted ${missing.join(', ')} in namespace "${namespace}" but does not list them yet. ` +
        'Run this setup again in a minute; if they are still missing, check the server log.',
    );
    this.name = 'SearchAttributesNotVisibleError';
  }
}

export interface RegisterSearchAttributesOptions {
  connection: Connection;
  namespace: string;
  attributes: readonly SearchAttributeKey<SearchAttributeType>[];
  /** One line per step, for a person watching. Default: silent. */
  onProgress?: (line: string) => void;
  /** How long to wait for newly added attributes to be listed. Default 30 s. */
  settleTimeoutMs?: number;
}

export interface RegisterSearchAttributesResult {
  /** Attributes this call added. */
  added: string[];
  /** Attributes that were already there with the right type. */
  present: string[];
}

/**
 * Makes sure every attribute exists in the namespace with its type. Idempotent: attributes already
 * there with the right type are left alone, so it is safe to run on every deploy. An attribute that
 * exists with another type is an error, and nothing is added in that case.
 */
export async function registerSearchAttributes({
  connection,
  namespace,
  attributes,
  onProgress = () => undefined,
  settleTimeoutMs = 30_000,
}: RegisterSearchAttributesOptions): Promise<RegisterSearchAttributesResult> {
  await assertNamespaceExists(connection, namespace);
  const existing = await listCustomAttributes(connection, namespace);

  const missing: SearchAttributeKey<SearchAttributeType>[] = [];
  const present: string[] = [];
  for (const key of attributes) {
    const found = existing[key.name];
    if (found === undefined) {
      missing.push(key);
    } else if (found === encodeSearchAttributeIndexedValueType(key.type)) {
      present.push(key.name);
      onProgress(`${key.name} (${key.type}): already registered`);
    } else {
      throw new SearchAttributeTypeClashError(namespace, key.name, key.type, typeName(found));
    }
  }
  if (missing.length === 0) return { added: [], present };

  for (const key of missing) onProgress(`${key.name} (${key.type}): registering`);
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!])),
  });
  await waitUntilListed(connection, namespace, missing, settleTimeoutMs);
  return { added: missing.map((key) => key.name), present };
}

async function assertNamespaceExists(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (error) {
    if (isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND) throw new NamespaceNotFoundError(namespace);
    throw error;
  }
}

async function listCustomAttributes(connection: Connection, namespace: string): Promise<Record<string, number>> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  return (customAttributes ?? {}) as Record<string, number>;
}

/** Some visibility stores list a new attribute only after a cache refresh. */
async function waitUntilListed(
  connection: Connection,
  namespace: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = await listCustomAttributes(connection, namespace);
    const missing = keys.filter((key) => listed[key.name] === undefined).map((key) => key.name);
    if (missing.length === 0) return;
    if (Date.now() >= deadline) throw new SearchAttributesNotVisibleError(namespace, missing);
    await sleep(500);
  }
}

function typeName(indexedValueType: number): string {
  return Object.values(SearchAttributeType).find((type) => encodeSearchAttributeIndexedValueType(type) === indexedValueType) ?? `type ${indexedValueType}`;
}
