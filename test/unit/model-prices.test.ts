import { costOf, DEFAULT_MODEL_PRICES, priceOf } from '../../src/model/model-prices';
import { usageTotals } from '../../src/model/model-usage';
import { loadConfig } from '../../src/config';

describe('model prices', () => {
  it('prices a dated model as its family, the longest name first', () => {
    expect(priceOf('gpt-4o-mini-2024-07-18', DEFAULT_MODEL_PRICES)).toEqual(DEFAULT_MODEL_PRICES['gpt-4o-mini']);
    expect(priceOf('gpt-4o-2024-08-06', DEFAULT_MODEL_PRICES)).toEqual(DEFAULT_MODEL_PRICES['gpt-4o']);
    expect(priceOf('gpt-4omni', DEFAULT_MODEL_PRICES)).toBeUndefined();
    expect(priceOf('llama3.1:8b', DEFAULT_MODEL_PRICES)).toBeUndefined();
  });

  it('costs prompt and completion tokens at their own prices', () => {
    // gpt-4o-mini: $0.15 and $0.60 per million.
    expect(costOf('gpt-4o-mini', { prompt: 1_000_000, completion: 100_000 }, DEFAULT_MODEL_PRICES)).toBeCloseTo(0.21, 10);
    expect(costOf('my-local-model', { prompt: 10, completion: 10 }, DEFAULT_MODEL_PRICES)).toBeNull();
  });

  it('sums a turn, counting only the steps with a price', () => {
    expect(
      usageTotals([
        { step: 'understand', model: 'a', promptTokens: 100, completionTokens: 10, costUsd: 0.0001 },
        { step: 'reply', model: 'b', promptTokens: 200, completionTokens: 50, costUsd: null },
      ]),
    ).toEqual({ promptTokens: 300, completionTokens: 60, costUsd: 0.0001 });
    expect(usageTotals([]).costUsd).toBeNull();
  });

  it('takes prices from MODEL_PRICES over the defaults, and refuses a table it cannot read', () => {
    const config = loadConfig({ MODEL_PRICES: '{"llama3.1:8b":{"prompt":0,"completion":0},"gpt-4o":{"prompt":2,"completion":8}}' });
    expect(config.openai.prices['llama3.1:8b']).toEqual({ prompt: 0, completion: 0 });
    expect(config.openai.prices['gpt-4o']).toEqual({ prompt: 2, completion: 8 });
    expect(config.openai.prices['gpt-4o-mini']).toEqual(DEFAULT_MODEL_PRICES['gpt-4o-mini']);
    expect(() => loadConfig({ MODEL_PRICES: '{"gpt-4o":{"prompt":-1,"completion":8}}' })).toThrow(/MODEL_PRICES/);
    expect(() => loadConfig({ MODEL_PRICES: 'cheap' })).toThrow(/MODEL_PRICES/);
  });
});
