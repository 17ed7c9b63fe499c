/**
 * The API server: the request pipeline in kube-apiserver's order — request info, authentication
 * (401), impersonation, authorization (403), then routing to discovery/OpenAPI/health or the
 * resource handlers (404/405/415/400/409/422) — and one `request.completed` event per request with
 * the authentication and authorization trace. `createApiServer` builds the store (loaded from the
 * state dir or seeded) and returns the node:http handler for `listen()`.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ConfigError } from '../kernel/errors.js'
import type { Handler } from '../http/listen.js'
import { authenticate, type AuthnConfig, type AuthnStep } from './authn/authenticate.js'
import { hasImpersonation, impersonate, type ImpersonationStep } from './authn/impersonation.js'
import { attributesOf, createAuthorizer, forbidden } from './authz/attributes.js'
import { createServerContext, type ServerContext } from './context.js'
import { customResourceDef } from './crd/definition.js'
import { CRD_DEF, installCrdObjects } from './crd/definitions-api.js'
import { startControllers } from './controllers.js'
import { versionInfo, type ApiServerDeps, type PodIdentityHooks } from './deps.js'
import { BadRequest, Unauthorized, loadKubeProtos, createSchemaModel } from '../kube/index.js'
import { DEFAULT_MAX_BODY_BYTES } from './http/body.js'
import { handleNonResource } from './http/nonresource.js'
import { handleResource } from './http/resources.js'
import { sendError, statusOf } from './http/respond.js'
import { createOpenApiCache } from './openapi/documents.js'
import { createRbacSource, type RbacObjectSource } from './rbac-source.js'
import { createRegistry, type Registry } from './registry.js'
import { servedResources } from './served-resources.js'
import { requestInfoOf } from './request-info.js'
import { seedCluster } from './seed.js'
import { createObjectStore, type ObjectStore } from './store/object-store.js'
import { createFilePersistence } from './store/persistence.js'
import type { AuthorizationResult, UserInfo } from './types.js'

export interface ApiServer {
  /** The request handler, for `listen(handler, {tls: {..., requestCert: true}})`. */
  handler: Handler
  store: ObjectStore
  registry: Registry
  /** RBAC objects for the Kubernetes RBAC authorizer. */
  rbac: RbacObjectSource
  context: ServerContext
  /** Plugs in service-account tokens, TokenRequest and the workload identity webhook (src/pod-identity). */
  usePodIdentity(hooks: PodIdentityHooks): void
  /** Stops controllers and timers (open watches end when their listener closes). */
  close(): void
}

interface Trace {
  auditId: string
  started: bigint
  authn?: { method: string; steps: AuthnStep[] }
  user?: UserInfo
  impersonation?: { requestor: string; steps: ImpersonationStep[] }
  authz?: AuthorizationResult
  reason?: string
  streaming: boolean
}

function buildStore(deps: ApiServerDeps) {
  if (!deps.stateDir) return { store: createObjectStore(), persistence: undefined, loaded: undefined }
  const persistence = createFilePersistence(deps.stateDir)
  const loaded = persistence.load()
  if (loaded.problems.length) throw new ConfigError(loaded.problems.map((p) => `API server state: ${p}`))
  return { store: createObjectStore({ persistence, initialRevision: loaded.revision }), persistence, loaded }
}

export function createApiServer(deps: ApiServerDeps): ApiServer {
  const version = versionInfo(deps.version)
  const registry = createRegistry([
    ...servedResources(Number.parseInt(version.minor, 10) || 32),
    ...(deps.customResources?.length ? [CRD_DEF, ...deps.customResources.map(customResourceDef)] : []),
  ])
  const model = createSchemaModel(loadKubeProtos())
  const { store, persistence, loaded } = buildStore(deps)
  const ctx = createServerContext({
    registry,
    store,
    model,
    clock: deps.clock,
    ...(deps.nodeName && { nodeName: deps.nodeName }),
  })
  const onUnexpected =
    deps.onUnexpectedError ??
    ((err: unknown) => {
      deps.events.emit('server_error', 'apiserver', { message: String((err as Error)?.message ?? err) })
    })
  if (loaded) {
    for (const { group, resource, object } of loaded.objects) {
      const def = registry.byResource(group, resource)
      if (def?.stored) store.restore(def, object)
    }
  }
  const controllers = startControllers(ctx, {
    ...(deps.caPem && { caPem: deps.caPem }),
    onError: onUnexpected,
  })
  try {
    installCrdObjects(ctx, deps.customResources ?? [])
    if (!loaded?.seeded) {
      seedCluster(ctx, deps.seed ?? [])
      persistence?.markSeeded()
    }
    controllers.reconcileAll()
  } catch (err) {
    controllers.stop()
    throw err
  }
  const rbac = createRbacSource(ctx)

  const openapi = createOpenApiCache(model, registry, version.gitVersion)
  const apiAudiences = deps.apiAudiences ?? ['https://kubernetes.default.svc']
  const anonymous = deps.anonymous
  const authn: AuthnConfig = {
    staticTokens: deps.staticTokens ?? [],
    disableLocalAccounts: deps.disableLocalAccounts ?? (() => false),
    anonymous: typeof anonymous === 'function' ? anonymous : () => anonymous ?? true,
    ...(deps.authenticateToken && { authenticateToken: deps.authenticateToken }),
    apiAudiences,
  }
  const authorize = createAuthorizer(deps.authorize, deps.privilegedGroups ?? ['system:masters'])
  const reviewToken = async (token: string, audiences: string[]) => {
    const local = authn.staticTokens.find((t) => t.token === token)
    if (local && !authn.disableLocalAccounts())
      return { authenticated: true as const, user: local.user, audiences }
    if (authn.authenticateToken) return authn.authenticateToken(token, audiences)
    return { authenticated: false as const }
  }
  const nonResource = {
    registry,
    version,
    openapi,
    serverAddress: (req: IncomingMessage) =>
      deps.serverAddress?.() ??
      `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 443}`.replace(/^::ffff:/, ''),
  }
  const traces = new WeakMap<ServerResponse, Trace>()
  const emit = (
    req: IncomingMessage,
    res: ServerResponse,
    info: ReturnType<typeof requestInfoOf>,
    t: Trace,
  ) => {
    deps.events.emit('request.completed', 'apiserver', {
      method: req.method,
      path: info.path,
      status: res.statusCode,
      durationMs: Number(process.hrtime.bigint() - t.started) / 1e6,
      traceId: t.auditId,
      ...(req.headers['user-agent'] && { userAgent: req.headers['user-agent'] }),
      verb: info.verb,
      ...(info.resourceRequest && {
        resource: info.subresource ? `${info.resource}/${info.subresource}` : info.resource,
        apiGroup: info.apiGroup,
        namespace: info.namespace,
        name: info.name,
      }),
      ...(t.user && { user: t.user.username, groups: t.user.groups }),
      ...(t.authn && { authentication: t.authn }),
      ...(t.impersonation && { impersonation: t.impersonation }),
      ...(t.authz && {
        authorization: {
          decision: t.authz.decision,
          reason: t.authz.reason,
          ...(t.authz.detail && { detail: t.authz.detail }),
        },
      }),
      ...(t.reason && { reason: t.reason }),
    })
  }
  const privilegedGroups = deps.privilegedGroups ?? ['system:masters']
  const resourceDeps = {
    ctx,
    reviews: { authorize, reviewToken, ...(deps.rulesFor && { rulesFor: deps.rulesFor }), apiAudiences },
    escalation: {
      ctx,
      authorize,
      ...((deps.escalationRulesFor ?? deps.rulesFor) && {
        rulesFor: deps.escalationRulesFor ?? deps.rulesFor,
      }),
      privilegedGroups,
    },
    maxBodyBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    bookmarkIntervalMs: deps.bookmarkIntervalMs ?? 60_000,
    createToken: undefined as PodIdentityHooks['createToken'] | undefined,
    markStreaming: (res: ServerResponse) => {
      const t = traces.get(res)
      if (t) t.streaming = true
    },
    onStreamEnd: () => {},
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t: Trace = { auditId: randomUUID(), started: process.hrtime.bigint(), streaming: false }
    traces.set(res, t)
    res.setHeader('Audit-Id', t.auditId)
    let info = requestInfoOf(req.method ?? 'GET', '/', new URLSearchParams())
    let emitted = false
    const finish = () => {
      if (emitted) return
      emitted = true
      emit(req, res, info, t)
    }
    res.on('finish', () => {
      if (!t.streaming) finish()
    })
    res.on('close', finish)
    try {
      let url: URL
      try {
        url = new URL(req.url ?? '/', 'https://apiserver.local')
      } catch {
        throw new BadRequest('malformed request URL')
      }
      info = requestInfoOf(req.method ?? 'GET', url.pathname, url.searchParams)
      const outcome = await authenticate(req, authn)
      if (!outcome.ok) {
        t.authn = { method: 'none', steps: outcome.steps }
        t.reason = 'authentication failed'
        throw new Unauthorized()
      }
      t.authn = { method: outcome.auth.method, steps: outcome.steps }
      let user = outcome.auth.user
      if (hasImpersonation(req)) {
        const steps: ImpersonationStep[] = []
        t.impersonation = { requestor: user.username, steps }
        t.user = user
        user = (await impersonate(req, user, authorize, steps)) ?? user
      }
      t.user = user
      const attrs = attributesOf(user, info, url.searchParams)
      const decision = await authorize(attrs)
      t.authz = decision
      if (decision.decision !== 'Allow') {
        t.reason = decision.reason || `${decision.decision}: no authorizer allowed the request`
        throw forbidden(attrs, decision.reason)
      }
      if (info.resourceRequest)
        await handleResource(resourceDeps, { req, res, info, query: url.searchParams, user })
      else handleNonResource(nonResource, req, res, url.pathname, url.searchParams)
    } catch (err) {
      // An unread oversized body is not drained: the connection closes after the 413.
      if (statusOf(err).status.code === 413 && !res.headersSent) res.setHeader('Connection', 'close')
      const status = sendError(res, err, onUnexpected)
      t.reason ??= status.message
    }
  }

  const handler: Handler = (req, res) => {
    serve(req, res).catch((err: unknown) => {
      onUnexpected(err)
      if (!res.headersSent) sendError(res, err, () => {})
    })
  }

  return {
    handler,
    store,
    registry,
    rbac,
    context: ctx,
    usePodIdentity(hooks) {
      // Service-account tokens first, then the token webhook (kube-apiserver's authenticator order).
      const webhookToken = deps.authenticateToken
      authn.authenticateToken = async (token, audiences) =>
        (await hooks.authenticateServiceAccountToken(token, audiences)) ??
        (webhookToken ? webhookToken(token, audiences) : { authenticated: false })
      resourceDeps.createToken = hooks.createToken
      ctx.admitPod = hooks.admitPod
    },
    close: () => controllers.stop(),
  }
}

/** Just the request handler (the simulator mounts it on its API server listener). */
export function createApiServerApp(deps: ApiServerDeps): Handler {
  return createApiServer(deps).handler
}
