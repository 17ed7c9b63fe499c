# syntax=docker/dockerfile:1
# The simulator as a container image: one simulator for a room or a CI fleet (docs/deploy/README.md).
#
#   docker build -t aks-auth-sim .
#   docker run --rm -p 8440-8449:8440-8449 -p 8460-8461:8460-8461 -v aks-auth-sim:/var/lib/aks-auth-sim \
#     -e AKS_SIM_PUBLIC_HOST=sim.example.test aks-auth-sim
#
# Stage 1 builds and packs the package exactly as `npm pack` does for a release; stage 2 installs that
# tarball with its production dependencies only, as a user's `npm install aks-auth-sim` would
# (test/package/pack.test.ts runs the same steps and starts the installed command).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No scripts yet: `prepare` builds, and the sources are not here until the next COPY.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm pack --ignore-scripts --pack-destination /tmp \
 && mv /tmp/aks-auth-sim-*.tgz /tmp/aks-auth-sim.tgz

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    AKS_SIM_STATE_DIR=/var/lib/aks-auth-sim \
    AKS_SIM_PORT_BASE=8440 \
    AKS_SIM_HOST=0.0.0.0 \
    AKS_SIM_PUBLIC_HOST=
WORKDIR /opt/aks-auth-sim
COPY --from=build /tmp/aks-auth-sim.tgz /tmp/aks-auth-sim.tgz
RUN printf '{"name":"aks-auth-sim-image","private":true}\n' > package.json \
 && npm install --omit=dev --no-audit --no-fund --no-package-lock /tmp/aks-auth-sim.tgz \
 && rm /tmp/aks-auth-sim.tgz && npm cache clean --force \
 && ln -s /opt/aks-auth-sim/node_modules/.bin/aks-auth-sim /usr/local/bin/aks-auth-sim
COPY docker/entrypoint.sh /usr/local/bin/aks-auth-sim-entrypoint
# The node image's unprivileged user (uid 1000); the state dir is the only place it writes.
RUN mkdir -p /var/lib/aks-auth-sim && chown 1000:1000 /var/lib/aks-auth-sim
USER 1000:1000
VOLUME ["/var/lib/aks-auth-sim"]
# Entra ID, Graph, ARM, the API server, the webhooks, IMDS, the UI, the admin API, the OIDC issuer,
# the workload identity webhook: AKS_SIM_PORT_BASE + 0 … 9; the container registries from + 20 (the two
# demo registries, then one per registry created over ARM).
EXPOSE 8440-8449 8460-8469
# The webhook's /readyz answers without a client certificate, over the simulator's own CA.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const d=process.env.AKS_SIM_STATE_DIR,p=Number(process.env.AKS_SIM_PORT_BASE)+4;require('https').get({host:'127.0.0.1',port:p,path:'/readyz',ca:require('fs').readFileSync(d+'/pki/ca.crt')},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
ENTRYPOINT ["/usr/local/bin/aks-auth-sim-entrypoint"]
CMD []
