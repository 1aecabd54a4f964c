import type { FakePlatformApi } from '../fakes/fake-platform-api';
import { startTestStack, type TestStack, type TestStackOptions } from './test-stack';

/**
 * The preamble every platform test shares: a fake of the platform's API, a test stack whose
 * default bot is on that platform (`env` names its credentials and points it at the fake), closed
 * together after the file, and both fakes reset before each test. Call it inside `describe`; read
 * `stack` and `fake` from the returned object in hooks and tests.
 */
export function usePlatformTestStack<Fake extends FakePlatformApi & { reset(): void; close(): Promise<void> }>(setup: {
  startFake: () => Promise<Fake>;
  env: (fake: Fake) => Record<string, string>;
  options?: Omit<TestStackOptions, 'env'>;
}): { stack: TestStack; fake: Fake } {
  const context = {} as { stack: TestStack; fake: Fake };
  beforeAll(async () => {
    context.fake = await setup.startFake();
    context.stack = await startTestStack({ ...setup.options, env: setup.env(context.fake) });
  });
  afterAll(async () => {
    await context.stack?.close();
    await context.fake?.close();
  });
  beforeEach(() => {
    context.fake.reset();
    context.stack.fakeOpenAI.reset();
  });
  return context;
}
