# syntax=docker/dockerfile:1

# Build: install everything, generate the Prisma client, compile, then drop the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so the layer is reused while only sources change.
COPY package.json package-lock.json ./
# No install script is needed; Prisma's would download engines the broker never uses.
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build \
  && npm prune --omit=dev --ignore-scripts

# Runtime: compiled code, production dependencies and the migrations `s2-broker migrate` applies.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
# The worked examples, for `s2-broker simulate-rm --replay`.
COPY --from=build /app/libs/s2-json/spec ./libs/s2-json/spec
# Numeric, so Kubernetes can verify runAsNonRoot; 1000 is the image's `node` user.
USER 1000:1000
# 8080: devices and tenants (PORT); 8081: probes, metrics and the operator API (INTERNAL_PORT).
EXPOSE 8080 8081
ENTRYPOINT ["node", "dist/apps/cli/src/main.js"]
CMD ["serve"]
