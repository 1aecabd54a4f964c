/** Checks the arguments the model wrote against the tool's parameters, before any call. */
import Ajv, { type ValidateFunction } from 'ajv';

const ajv = new Ajv({ strict: false, allErrors: true });
const compiled = new WeakMap<object, ValidateFunction>();

/** The parsed arguments, or why they cannot be sent: the model reads the reason and may try again. */
export function checkToolArguments(parameters: Record<string, unknown>, text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return { ok: false, error: 'the arguments are not valid JSON' };
  }
  let validate = compiled.get(parameters);
  if (!validate) {
    validate = ajv.compile(parameters);
    compiled.set(parameters, validate);
  }
  if (!validate(value)) return { ok: false, error: `the arguments do not match the parameters: ${ajv.errorsText(validate.errors, { dataVar: 'arguments' })}` };
  return { ok: true, value };
}
