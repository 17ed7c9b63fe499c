/**
 * Part of the composition root: the mock kube-apiserver with kube-apiserver's own authentication and
 * authorization chain — client certificates, the local-account static token, bearer tokens through the
 * TokenReview webhook (over HTTPS, with the webhook kubeconfig and the API server's 2-minute cache),
 * and the authorizers Kubernetes RBAC then the Azure RBAC webhook (union semantics), as on AKS.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  createApiServer,
  createApiServerStorage,
  createSarWebhookAuthorizer,
  createTokenWebhookAuthenticator,
  readWebhookKubeconfig,
  unionAuthorizer,
  type ApiServer,
  type ApiServerDeps,
  type ApiServerStorage,
  type AuthorizationAttributes,
  type AuthorizationResult,
  type CustomResourceDefinition,
  type NamedAuthorizer,
  type RulesResult,
  type StaticToken,
  type UserInfo,
} from '../apiserver/index.js'
import type { ResolvedConfig } from '../config/index.js'
import type { Clock } from '../kernel/clock.js'
import type { EventBus } from '../kernel/events.js'
import { opaque } from '../kernel/ids.js'
import {
  createRbacAuthorizer,
  kubernetesSeedObjects,
  type KubernetesScenario,
  type RbacAuthorizer,
} from '../rbac/index.js'
import { startAggregationController } from './aggregation-controller.js'
import type { WebhookKubeconfigs } from './webhook-kubeconfigs.js'

export interface ComposedApiServer {
  server: ApiServer
  rbac: RbacAuthorizer
  staticToken: StaticToken
  close(): void
}

/** The static token of the cluster's local admin account (AKS puts one in the admin kubeconfig). */
function loadStaticToken(stateDir: string): StaticToken {
  const file = join(stateDir, 'static-token')
  if (!existsSync(file)) writeFileSync(file, opaque(32), { mode: 0o600 })
  return {
    token: readFileSync(file, 'utf8').trim(),
    user: { username: 'clusterAdmin', uid: 'clusterAdmin', groups: ['system:masters'] },
  }
}

const toRbacRequest = (a: AuthorizationAttributes) => {
  const user = { name: a.user.username, groups: a.user.groups, ...(a.user.extra && { extra: a.user.extra }) }
  return a.resourceRequest
    ? {
        user,
        resourceAttributes: {
          verb: a.verb,
          namespace: a.namespace,
          group: a.apiGroup,
          version: a.apiVersion,
          resource: a.resource,
          subresource: a.subresource,
          name: a.name,
        },
      }
    : { user, nonResourceAttributes: { verb: a.verb, path: a.path } }
}

/**
 * The API server's objects, built before the server: the RBAC engine and the pod-identity slice read
 * them at construction. Persisted under `<stateDir>/kube` when the state dir is the caller's.
 */
export function composeApiServerStorage(o: {
  config: ResolvedConfig
  stateDir: string
  persistObjects: boolean
  /** CRDs installed on the cluster (the pod-identity slice's aad-pod-identity CRDs). */
  customResources: readonly CustomResourceDefinition[]
}): ApiServerStorage {
  return createApiServerStorage({
    version: o.config.apiServer.version,
    ...(o.persistObjects && { stateDir: join(o.stateDir, 'kube') }),
    customResources: o.customResources,
  })
}

export function composeApiServer(o: {
  config: ResolvedConfig
  clock: Clock
  events: EventBus
  caPem: string
  stateDir: string
  storage: ApiServerStorage
  kubernetes: KubernetesScenario | undefined
  /** Service-account tokens, the workload identity webhook and TokenRequest (the pod-identity slice). */
  extensions: Pick<ApiServerDeps, 'tokenAuthenticators' | 'podAdmission' | 'subresources'>
  kubeconfigs: WebhookKubeconfigs
  /**
   * Azure RBAC for Kubernetes is enabled on the cluster (the SAR webhook is in the chain). Read on every
   * request: `aadProfile.enableAzureRBAC` changes through ARM's control plane take effect when their
   * operation completes. Undefined: the cluster has no Azure side, never a webhook authorizer.
   */
  azureRbac: (() => boolean) | undefined
  disableLocalAccounts: () => boolean
  serverAddress: () => string
  onUnexpected: (err: unknown) => void
}): ComposedApiServer {
  const authn = createTokenWebhookAuthenticator({
    target: readWebhookKubeconfig(o.kubeconfigs.webhookAuthn),
    clock: o.clock,
    cacheTtlMs: o.config.apiServer.tokenCacheTtlSeconds * 1000,
    version: 'v1',
  })
  const sar = o.azureRbac
    ? createSarWebhookAuthorizer({
        target: readWebhookKubeconfig(o.kubeconfigs.webhookAuthz),
        clock: o.clock,
        version: 'v1',
      })
    : undefined
  // The RBAC engine reads the API server's object store (kube-apiserver's RBAC authorizer reads its informers).
  const rbac = createRbacAuthorizer(o.storage.rbac)
  const rbacAuthorizer: NamedAuthorizer = {
    name: 'RBAC',
    authorize(attrs): AuthorizationResult {
      const d = rbac.authorize(toRbacRequest(attrs))
      return {
        decision: d.decision,
        reason: d.reason,
        detail: { authorizer: 'RBAC', ...(d.matched && { matched: d.matched }) },
      }
    },
  }
  const webhookOn = () => sar !== undefined && o.azureRbac?.() === true
  const byName: Record<string, NamedAuthorizer | undefined> = {
    RBAC: rbacAuthorizer,
    Webhook: sar && { name: 'Webhook', authorize: sar },
  }
  const chainOf = (withWebhook: boolean) =>
    unionAuthorizer(
      o.config.apiServer.authorizationOrder
        .filter((n) => withWebhook || n !== 'Webhook')
        .map((n) => byName[n])
        .filter((a): a is NamedAuthorizer => a !== undefined),
    )
  const [withWebhook, withoutWebhook] = [chainOf(true), chainOf(false)]
  const staticToken = loadStaticToken(o.stateDir)
  const server = createApiServer({
    clock: o.clock,
    events: o.events,
    version: o.config.apiServer.version,
    storage: o.storage,
    seed: kubernetesSeedObjects(o.kubernetes),
    caPem: o.caPem,
    serverAddress: o.serverAddress,
    staticTokens: [staticToken],
    disableLocalAccounts: o.disableLocalAccounts,
    anonymous: o.config.apiServer.anonymousAuth,
    ...o.extensions,
    authenticateToken: authn,
    apiAudiences: o.config.apiServer.apiAudiences,
    authorize: (attrs) => (webhookOn() ? withWebhook : withoutWebhook)(attrs),
    rulesFor: (user: UserInfo, namespace: string): RulesResult => {
      const r = rbac.rulesFor({ name: user.username, groups: user.groups }, namespace)
      // A webhook authorizer cannot list rules: kube-apiserver marks the answer incomplete.
      return webhookOn()
        ? {
            ...r,
            incomplete: true,
            evaluationError: [r.evaluationError, 'webhook authorizer does not support user rule resolution']
              .filter(Boolean)
              .join(', '),
          }
        : r
    },
    // kube-apiserver checks RBAC escalation against RBAC's own rules, without the webhook's caveat.
    escalationRulesFor: (user: UserInfo, namespace: string): RulesResult =>
      rbac.rulesFor({ name: user.username, groups: user.groups }, namespace),
    onUnexpectedError: o.onUnexpected,
  })
  const stopAggregation = startAggregationController(server)
  return {
    server,
    rbac,
    staticToken,
    close() {
      stopAggregation()
      server.close()
      authn.close()
      sar?.close()
    },
  }
}
