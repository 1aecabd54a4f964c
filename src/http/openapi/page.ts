import { z } from '@hono/zod-openapi';

/** `{ data }`: every success body but the web chat's and the API channel's wraps its payload. */
export function dataOf<S extends z.ZodType>(item: S) {
  return z.object({ data: item });
}

/** One page of a list: pass `nextCursor` back as `?cursor=` for the next page; `null` on the last. */
export function pageOf<S extends z.ZodType>(item: S) {
  return z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `?cursor=` for the next page; `null` on the last page.' }),
  });
}
