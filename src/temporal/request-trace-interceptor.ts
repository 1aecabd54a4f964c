import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { RequestTrace } from '../conversations/request-trace';

/** Adds the `requestIds` an activity was called with to each of its log lines, the SDK's own included. */
export const requestTraceInterceptor: ActivityInterceptorsFactory = () => {
  let requestIds: string[] | undefined;
  return {
    inbound: {
      async execute(input, next) {
        const [first] = input.args as [RequestTrace | undefined];
        if (first && Array.isArray(first.requestIds) && first.requestIds.length > 0) requestIds = first.requestIds;
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(attributes, next) {
        return next(requestIds ? { ...attributes, requestIds } : attributes);
      },
    },
  };
};
