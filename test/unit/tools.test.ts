import { checkToolArguments } from '../../src/tools/tool-arguments';
import { parametersProblem, toolDefinitionSchema } from '../../src/tools/tool-schema';

const tool = {
  name: 'order_status',
  description: 'Looks up an order',
  parameters: { type: 'object', properties: { orderNumber: { type: 'string' } }, required: ['orderNumber'] },
  url: 'https://shop.example.com/tools/order-status',
};

describe('tool definitions', () => {
  it('takes HTTPS only, unless development allows plain HTTP', () => {
    const strict = toolDefinitionSchema({ allowHttp: false });
    expect(strict.safeParse(tool).success).toBe(true);
    expect(strict.safeParse({ ...tool, url: 'http://localhost:9000/tool' }).success).toBe(false);
    expect(toolDefinitionSchema({ allowHttp: true }).safeParse({ ...tool, url: 'http://localhost:9000/tool' }).success).toBe(true);
    expect(strict.parse(tool).timeoutMs).toBe(10_000);
  });

  it('takes parameters that are a JSON Schema of an object, and says why others are not', () => {
    expect(parametersProblem(tool.parameters)).toBeUndefined();
    expect(parametersProblem({ type: 'object', properties: { n: { type: 'integer', minimum: 'one' } } })).toMatch(/not a valid JSON Schema/);
    expect(parametersProblem({ type: 'array' })).toMatch(/must describe an object/);
    expect(parametersProblem([])).toMatch(/JSON Schema object/);
  });

  it("checks the model's arguments before any call", () => {
    expect(checkToolArguments(tool.parameters, '{"orderNumber":"A-12"}')).toEqual({ ok: true, value: { orderNumber: 'A-12' } });
    expect(checkToolArguments(tool.parameters, '{"order":"A-12"}')).toMatchObject({ ok: false, error: expect.stringContaining('orderNumber') });
    expect(checkToolArguments(tool.parameters, '{not json')).toEqual({ ok: false, error: 'the arguments are not valid JSON' });
  });
});
