import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';

/**
 * The workflow side of Temporal's OpenTelemetry interceptors, in the workflow bundle of a worker
 * that traces. Off, they stay out: even exporting nowhere, they doubled a workflow task's CPU.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

/**
 * Tracing for one process: on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (OTLP over HTTP, JSON).
 * One trace then spans the HTTP request, the workflow it signals and the workflow's activities.
 */
export interface Tracing {
  enabled: boolean;
  clientInterceptors: { workflow: OpenTelemetryWorkflowClientInterceptor[] };
  workerInterceptors: Pick<WorkerInterceptors, 'activity'>;
  workerSinks: InjectedSinks<any>;
  shutdown(): Promise<void>;
}

export function startTracing(options: { endpoint: string | undefined; serviceName: string }): Tracing {
  const resource = new Resource({ [ATTR_SERVICE_NAME]: options.serviceName });
  let spanProcessor: SpanProcessor = new NoopSpanProcessor();
  let provider: NodeTracerProvider | undefined;
  if (options.endpoint) {
    // The signal path of the base endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT specifies. Headers
    // (OTEL_EXPORTER_OTLP_HEADERS) and batching (OTEL_BSP_*) come from the environment as usual.
    const url = `${options.endpoint.replace(/\/+$/, '')}/v1/traces`;
    spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url }));
    provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
    provider.register();
  }
  const enabled = provider !== undefined;
  // Off, the client and activities skip the interceptors: nothing to propagate on the hot path.
  return {
    enabled,
    clientInterceptors: { workflow: enabled ? [new OpenTelemetryWorkflowClientInterceptor()] : [] },
    workerInterceptors: {
      activity: enabled
        ? [
            (ctx) => ({
              inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
              outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
            }),
          ]
        : [],
    },
    workerSinks: { exporter: makeWorkflowExporter(spanProcessor, resource) },
    async shutdown() {
      await provider?.shutdown();
    },
  };
}

/** A server span per request, continuing the caller's trace when it sends `traceparent`. */
export function httpTracing() {
  const tracer = trace.getTracer('chat-orchestrator-http');
  return createMiddleware(async function httpTracing(c, next) {
    const parent = propagation.extract(context.active(), c.req.header());
    await tracer.startActiveSpan(`${c.req.method} ${c.req.path}`, { kind: SpanKind.SERVER }, parent, async (span) => {
      try {
        await next();
        span.updateName(`${c.req.method} ${routePath(c, -1)}`);
        span.setAttributes({ 'http.request.method': c.req.method, 'http.route': routePath(c, -1), 'http.response.status_code': c.res.status });
        if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      } finally {
        span.end();
      }
    });
  });
}
