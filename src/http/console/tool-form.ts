import { type ToolDefinition, toolDefinitionSchema } from '../../tools/tool-schema';
import { type FormFields, type FormResult, formText, jsonOrText, numberOrText, validateForm } from './form-values';

/**
 * A tool as the console's form carries it (its parameters as JSON text), read into the body of
 * `POST /v1/bots/:botId/tools` and validated by the same schema.
 */
export function readToolForm(form: FormFields, options: { allowHttp: boolean }): FormResult<ToolDefinition> {
  const input: Record<string, unknown> = {
    name: formText(form.name),
    description: formText(form.description),
    parameters: jsonOrText(formText(form.parameters)),
    url: formText(form.url),
  };
  if (formText(form.timeoutMs) !== '') input.timeoutMs = numberOrText(formText(form.timeoutMs));
  const result = validateForm(toolDefinitionSchema(options), input, form);
  // The schema would only say "expected record": say where the JSON breaks.
  if (!result.ok && typeof input.parameters === 'string' && input.parameters !== '') result.errors.parameters = `Not JSON: ${jsonProblem(input.parameters)}`;
  return result;
}

function jsonProblem(text: string): string {
  try {
    JSON.parse(text);
    return 'a JSON string, not an object';
  } catch (error) {
    return (error as Error).message;
  }
}
