import { readToolForm } from '../../src/http/console/tool-form';

const valid = {
  name: 'order_status',
  description: "Looks up an order's status.",
  parameters: '{"type": "object", "properties": {"orderNumber": {"type": "string"}}, "required": ["orderNumber"]}',
  url: 'https://shop.example.com/tools/order-status',
  timeoutMs: '',
};

describe('the console tool form', () => {
  it('reads a tool as POST /v1/bots/:botId/tools takes it, with its default timeout', () => {
    expect(readToolForm(valid, { allowHttp: false })).toEqual({
      ok: true,
      value: {
        name: 'order_status',
        description: "Looks up an order's status.",
        parameters: { type: 'object', properties: { orderNumber: { type: 'string' } }, required: ['orderNumber'] },
        url: 'https://shop.example.com/tools/order-status',
        timeoutMs: 10_000,
      },
    });
  });

  it('puts each problem beside its field and keeps what was typed', () => {
    const typed = { ...valid, name: 'order status', parameters: '{"type": "array"}', url: 'http://shop.example.com/x', timeoutMs: 'soon' };
    const result = readToolForm(typed, { allowHttp: false });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['name', 'parameters', 'timeoutMs', 'url']);
    expect(result.errors.parameters).toContain('"type": "object"');
    expect(result.values).toBe(typed);
  });

  it('says where parameters that are not JSON break', () => {
    const result = readToolForm({ ...valid, parameters: '{type: object' }, { allowHttp: false });
    expect(result.ok ? undefined : result.errors).toEqual({ parameters: expect.stringMatching(/^Not JSON: .*position 1/) });
  });

  it('says which fields were left blank', () => {
    const result = readToolForm({ name: 'order_status', description: ' ', parameters: '', url: '' }, { allowHttp: false });
    expect(result.ok ? undefined : result.errors).toEqual({ description: 'Required: fill this in.', parameters: 'Required: fill this in.', url: 'Required: fill this in.' });
  });

  it('takes plain HTTP only where TOOLS_ALLOW_HTTP allows it', () => {
    expect(readToolForm({ ...valid, url: 'http://localhost:9000/tool' }, { allowHttp: true }).ok).toBe(true);
  });
});
