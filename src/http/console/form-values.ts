/**
 * Reading an HTML form into what a zod schema takes: the console's forms know no rule of their own,
 * only how each field is typed in, and show each schema error beside its field.
 */
import type { z } from 'zod';

export type FormFields = Record<string, string | File | undefined>;
/** An error beside each field that has one, by field name (`form` for the whole form). */
export type FieldErrors = Record<string, string>;

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors; values: FormFields };

/** The schema's value, or each field's first error and what was typed, to show again. */
export function validateForm<T>(schema: z.ZodType<T>, input: Record<string, unknown>, form: FormFields): FormResult<T> {
  const errors: FieldErrors = {};
  // Where the JSON breaks says more than the schema's "expected array"; and no schema may take it.
  for (const [field, value] of Object.entries(input)) if (value instanceof NotJson) errors[field] = `Not JSON: ${value.problem}`;
  const parsed = schema.safeParse(input);
  if (parsed.success && Object.keys(errors).length === 0) return { ok: true, value: parsed.data };
  for (const issue of parsed.error?.issues ?? []) {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : 'form';
    // A field left blank is not in the input: say so, rather than the schema's "expected string".
    if (issue.path.length === 1 && input[field] === undefined) {
      errors[field] ??= 'Required: fill this in.';
      continue;
    }
    const where = issue.path.length > 1 ? `${issue.path.slice(1).join('.')}: ` : '';
    errors[field] ??= `${where}${issue.message}`;
  }
  return { ok: false, errors, values: form };
}

export function formText(value: string | File | undefined): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** A number when it is one; else the text, so the schema says what is wrong with it. */
export function numberOrText(value: string): number | string {
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

/** Text typed into a JSON field that does not parse, and why: `validateForm` shows the reason. */
export class NotJson {
  constructor(readonly problem: string) {}
}

/** Parsed JSON, or why it is not JSON. */
export function jsonOrText(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    return new NotJson((error as Error).message);
  }
}
