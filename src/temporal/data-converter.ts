import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from './payload-codec';

/**
 * The one data converter of the product: the worker and every client use it, so what one writes
 * the others can read. With a key, payloads are encrypted (`AesGcmPayloadCodec`); `undefined`
 * (TEMPORAL_PAYLOAD_KEY=off) stores them as plain JSON.
 */
export function createDataConverter(payloadKey: Buffer | undefined): DataConverter {
  return payloadKey ? { payloadCodecs: [new AesGcmPayloadCodec(payloadKey)] } : {};
}
