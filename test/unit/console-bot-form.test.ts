import { botFormValues, readBotEditForm, readNewBotForm } from '../../src/http/console/bot-form';

describe("the console's bot form", () => {
  const base = { id: 'support', name: 'Support', systemPrompt: 'Be kind.', model: 'gpt-4o-mini', enabled: 'on' };

  it('reads a new bot with the API defaults for what was left blank', () => {
    const result = readNewBotForm(base);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ id: 'support', debounceMs: 800, temperature: null, vision: null, enabled: true, offerChoices: false, intents: [] });
  });

  it("puts the schema's errors beside the fields, and keeps what was typed", () => {
    const result = readNewBotForm({ ...base, id: 'Not An Id!', debounceMs: 'soon', temperature: '7', handoffPattern: '(', intents: '[{"name":"Bad Name","description":"x"}]' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['debounceMs', 'handoffPattern', 'id', 'intents', 'temperature']);
    expect(result.errors.handoffPattern).toBe('must be a valid regular expression');
    expect(result.errors.intents).toMatch(/^0\.name: must be lower case/);
    expect(result.values.debounceMs).toBe('soon');
  });

  it('says where a JSON field breaks', () => {
    const result = readNewBotForm({ ...base, intents: '[{"name": "refund",' });
    expect(result.ok ? undefined : result.errors).toEqual({ intents: expect.stringMatching(/^Not JSON: /) });
  });

  it('says which required fields were left blank, in words a person reads', () => {
    const result = readNewBotForm({ id: 'support', name: '  ', systemPrompt: '', model: 'gpt-4o-mini' });
    expect(result.ok ? undefined : result.errors).toEqual({ name: 'Required: fill this in.', systemPrompt: 'Required: fill this in.' });
  });

  it('reads an edit back to the same settings it showed', () => {
    const created = readNewBotForm({ ...base, temperature: '0.3', vision: 'off', offerChoices: 'on', intents: '[{"name":"refund","description":"Wants money back"}]' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const edited = readBotEditForm(botFormValues(created.value));
    if (!edited.ok) throw new Error(JSON.stringify(edited.errors));
    const { id: _id, ...settings } = created.value;
    expect(edited.value).toEqual(settings);
  });

  it('disables a bot when its box is unticked', () => {
    const created = readNewBotForm(base);
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const edited = readBotEditForm({ ...botFormValues(created.value), enabled: undefined });
    expect(edited.ok && edited.value.enabled).toBe(false);
  });
});
