# syntax=docker/dockerfile:1
# Node 26 is the Active LTS line (since 2026-10-28; 24 is in Maintenance). The exact version is the one
# CI tests on: `.ci/run` reads it from here and scripts/image-tree.mjs runs these stages without Docker,
# so keep every instruction to FROM, WORKDIR, ENV, COPY, RUN, USER, EXPOSE, HEALTHCHECK, ENTRYPOINT, CMD.

# Build: install everything, generate the Prisma client, compile.
FROM node:26.12.1-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so the layer is reused while only sources change.
COPY package.json package-lock.json ./
# No install script is needed; Prisma's would download engines the broker never uses.
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

# Runtime: compiled code, production dependencies and the migrations `s2-broker migrate` applies.
FROM node:26.12.1-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional too: the Prisma CLI, Studio and TypeScript are optional peers of @prisma/client and
# @nestjs/swagger, which a plain --omit=dev keeps (about 250 MB); the only other optional packages are
# msgpackr's native decoder (it falls back to JavaScript) and pg's Cloudflare Workers socket.
# Prisma's runtime ships a query compiler for every database in two builds (about 60 MB); the generated
# client loads only the fast PostgreSQL one.
RUN npm ci --omit=dev --omit=optional --ignore-scripts --cache .npm-cache && rm -rf .npm-cache \
  && find node_modules/@prisma/client/runtime -type f \( -name '*.map' \
    -o -name 'query_compiler_*' ! -name 'query_compiler_fast_bg.postgresql.*' \) -delete
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
# The worked examples, for `s2-broker simulate-rm --replay`.
COPY --from=build /app/libs/s2-json/spec ./libs/s2-json/spec
# Numeric, so Kubernetes can verify runAsNonRoot; 1000 is the image's `node` user.
USER 1000:1000
# 8080: devices and tenants (PORT); 8081: probes, metrics and the operator API (INTERNAL_PORT).
EXPOSE 8080 8081
# Liveness only: readiness depends on PostgreSQL and Redis, and a restart would not bring those back.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.INTERNAL_PORT || 8081}/health/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/apps/cli/src/main.js"]
CMD ["serve"]
