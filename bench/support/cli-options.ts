/** A `--name` option that must be a positive whole number; says which and what was given when not. */
export function positiveInteger(name: string, value: string | undefined): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`--${name} must be a positive whole number, got ${value}`);
  return parsed;
}
