import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../../src/temporal/payload-codec';

describe('AesGcmPayloadCodec', () => {
  const codec = new AesGcmPayloadCodec(randomBytes(32));
  const message = defaultPayloadConverter.toPayload({ text: 'my card number is 4111 1111 1111 1111' });

  it('stores no plain text, and decodes to the same payload', async () => {
    const [sealed] = await codec.encode([message]);
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('4111');
    expect(new TextDecoder().decode(sealed!.metadata!.encoding)).toBe('binary/encrypted');
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual({ text: 'my card number is 4111 1111 1111 1111' });
  });

  it('seals the same payload differently every time', async () => {
    const [a] = await codec.encode([message]);
    const [b] = await codec.encode([message]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('passes through payloads written before encryption was on', async () => {
    expect(await codec.decode([message])).toEqual([message]);
  });

  it('refuses a payload sealed with another key, naming the variable to fix, and a tampered one', async () => {
    const [sealed] = await new AesGcmPayloadCodec(randomBytes(32)).encode([message]);
    await expect(codec.decode([sealed!])).rejects.toThrow(/TEMPORAL_PAYLOAD_KEY/);
    const [mine] = await codec.encode([message]);
    mine!.data![20]! ^= 1;
    await expect(codec.decode([mine!])).rejects.toThrow();
  });
});
