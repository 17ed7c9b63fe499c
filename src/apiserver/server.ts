/**
 * The API server: the request pipeline in kube-apiserver's order — request info, authentication
 * (401), impersonation, authorization (403), then routing to discovery/OpenAPI/health or the
 * resource handlers (404/405/415/400/409/422) — and one `request.completed` event per request with
 * the authentication and authorization trace. `createApiServer` takes the object storage (or builds
 * it), seeds it on first start, and returns the node:http handler for `listen()`.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Handler } from '../http/index.js'
import { authenticate, type AuthnConfig, type AuthnStep } from './authn/authenticate.js'
import { hasImpersonation, impersonate, type ImpersonationStep } from './authn/impersonation.js'
import { attributesOf, createAuthorizer, forbidden } from './authz/attributes.js'
import { createServerContext, type ServerContext } from './context.js'
import { createObjectWriter, type ObjectWriter } from './object-writer.js'
import { installCrdObjects } from './crd/definitions-api.js'
import { startControllers } from './controllers.js'
import type { ApiServerDeps, PodAdmission } from './deps.js'
import { versionInfo } from './version.js'
import { BadRequest, Unauthorized, loadKubeProtos, createSchemaModel } from '../kube/index.js'
import { DEFAULT_MAX_BODY_BYTES } from './http/body.js'
import { handleNonResource } from './http/nonresource.js'
import { handleResource } from './http/resources.js'
import { sendError, statusOf } from './http/respond.js'
import { createOpenApiCache } from './openapi/documents.js'
import type { RbacObjectSource } from './rbac-source.js'
import type { Registry } from './registry.js'
import { requestInfoOf } from './request-info.js'
import { seedCluster } from './seed.js'
import { createApiServerStorage } from './storage.js'
import type { ObjectStore } from './store/object-store.js'
import type { AuthorizationResult, TokenAuthResult, UserInfo } from './types.js'

export interface ApiServer {
  /** The request handler, for `listen(handler, {tls: {..., requestCert: true}})`. */
  handler: Handler
  store: ObjectStore
  registry: Registry
  /** RBAC objects for the Kubernetes RBAC authorizer. */
  rbac: RbacObjectSource
  context: ServerContext
  /** Writes through the server's create/update/delete, for in-process clients. */
  writer: ObjectWriter
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

/**
 * A response's trace rides on the response itself (a symbol property), not in a WeakMap: a weak
 * collection gaining an entry per request is walked by every young-generation GC.
 */
const TRACE = Symbol('apiserver trace')
type Traced = ServerResponse & { [TRACE]?: Trace }

/**
 * Bearer tokens: the token authenticators in order (service-account tokens), then the webhook — the
 * first that knows the token answers (k8s.io/apiserver pkg/authentication/token/union).
 */
function bearerAuthenticator(
  deps: Pick<ApiServerDeps, 'tokenAuthenticators' | 'authenticateToken'>,
): ((token: string, audiences: string[]) => Promise<TokenAuthResult>) | undefined {
  const first = deps.tokenAuthenticators ?? []
  const last = deps.authenticateToken
  if (first.length === 0) return last
  return async (token, audiences) => {
    for (const authenticate of first) {
      const result = await authenticate(token, audiences)
      if (result) return result
    }
    return last ? last(token, audiences) : { authenticated: false }
  }
}

/** Admission plugins in order: each sees the pod the previous one returned. */
function chainPodAdmission(plugins: readonly PodAdmission[]): PodAdmission | undefined {
  if (plugins.length === 0) return undefined
  return (pod, namespace, dryRun) => plugins.reduce((p, admit) => admit(p, namespace, dryRun), pod)
}

export function createApiServer(deps: ApiServerDeps): ApiServer {
  const version = versionInfo(deps.version)
  const storage = deps.storage ?? createApiServerStorage(deps)
  const { registry, store } = storage
  const model = createSchemaModel(loadKubeProtos) // the .proto files load on first use
  const admitPod = chainPodAdmission(deps.podAdmission ?? [])
  const ctx = createServerContext({
    registry,
    store,
    model,
    clock: deps.clock,
    nodeName: storage.nodeName,
    ...(admitPod && { admitPod }),
  })
  const onUnexpected =
    deps.onUnexpectedError ??
    ((err: unknown) => {
      deps.events.emit('server_error', 'apiserver', { message: String((err as Error)?.message ?? err) })
    })
  const controllers = startControllers(ctx, {
    ...(deps.caPem && { caPem: deps.caPem }),
    onError: onUnexpected,
  })
  try {
    installCrdObjects(ctx, storage.customResources)
    if (!storage.seeded) {
      // The cluster's starting state, not API requests: admission webhooks installed on the cluster
      // do not mutate it.
      seedCluster({ ...ctx, admitPod: undefined }, deps.seed ?? [])
      storage.markSeeded()
    }
    controllers.reconcileAll()
  } catch (err) {
    controllers.stop()
    throw err
  }

  const openapi = createOpenApiCache(model, registry, version.gitVersion)
  const apiAudiences = deps.apiAudiences ?? ['https://kubernetes.default.svc']
  const anonymous = deps.anonymous
  const bearerToken = bearerAuthenticator(deps)
  const authn: AuthnConfig = {
    staticTokens: deps.staticTokens ?? [],
    disableLocalAccounts: deps.disableLocalAccounts ?? (() => false),
    anonymous: typeof anonymous === 'function' ? anonymous : () => anonymous ?? true,
    ...(bearerToken && { authenticateToken: bearerToken }),
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
    ...(deps.subresources?.serviceAccountToken && { createToken: deps.subresources.serviceAccountToken }),
    markStreaming: (res: ServerResponse) => {
      const t = (res as Traced)[TRACE]
      if (t) t.streaming = true
    },
    onStreamEnd: () => {},
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t: Trace = { auditId: randomUUID(), started: process.hrtime.bigint(), streaming: false }
    ;(res as Traced)[TRACE] = t
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
    rbac: storage.rbac,
    context: ctx,
    writer: createObjectWriter(ctx),
    close: () => controllers.stop(),
  }
}
