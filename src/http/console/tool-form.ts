import { type ToolDefinition, toolDefinitionSchema } from '../../tools/tool-schema';
import { type FormFields, type FormResult, formText, jsonOrText, numberOrText, validateForm } from './form-values';

/**
 * A tool as the console's form carries it (its parameters as JSON text), read into the body of
 * `POST /v1/bots/:botId/tools` and validated by the same schema.
 */
export function readToolForm(form: FormFields, options: { allowHttp: boolean }): FormResult<ToolDefinition> {
  // A blank field is left out, so the error beside it says it is required.
  const typed = (name: string) => (formText(form[name]) === '' ? undefined : formText(form[name]));
  const input: Record<string, unknown> = {};
  for (const [name, read] of [
    ['name', (text: string) => text],
    ['description', (text: string) => text],
    ['parameters', jsonOrText],
    ['url', (text: string) => text],
    ['timeoutMs', numberOrText],
  ] as const) {
    const text = typed(name);
    if (text !== undefined) input[name] = read(text);
  }
  return validateForm(toolDefinitionSchema(options), input, form);
}
