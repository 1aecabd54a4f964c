/**
 * Where the traced variant of a pre-built workflow bundle lives: beside it, `<name>.traced.js`.
 * `npm run build:workflows` writes both; a worker with tracing on loads this one.
 */
export function tracedBundlePath(bundlePath: string): string {
  return bundlePath.replace(/(\.js)?$/, '.traced.js');
}
