/**
 * What the API server needs from the composition root. Authentication and authorization are
 * functions so the simulator can wire the TokenReview webhook (with its cache), Kubernetes RBAC and
 * the Azure RBAC webhook behind them; every other dependency has a default suited to tests.
 */
import type { Clock } from '../kernel/clock.js'
import type { EventBus } from '../kernel/events.js'
import type { KubernetesManifest } from '../rbac/index.js'
import type { StaticToken } from './authn/authenticate.js'
import type { CustomResourceDefinition } from './crd/definition.js'
import type { ApiServerStorage } from './storage.js'
import type { VersionInfo } from './version.js'
import type {
  KubeObject,
  AuthorizationAttributes,
  AuthorizationResult,
  RulesResult,
  TokenAuthResult,
  UserInfo,
} from './types.js'

export interface ApiServerDeps {
  clock: Clock
  /** Every request emits one `request.completed` event (service `apiserver`) with its auth trace. */
  events: EventBus

  /** Kubernetes version reported at /version: `1.32.4` or a full VersionInfo. Default `1.32.4`. */
  version?: string | VersionInfo
  /**
   * The object storage, built before the server when others must read it at construction (the RBAC
   * engine, the pod-identity slice). Default: built from `version`, `stateDir`, `customResources`, `nodeName`.
   */
  storage?: ApiServerStorage
  /** Directory for the object store (created if missing); omit to keep objects in memory. */
  stateDir?: string
  /** Custom resources served besides the built-in kinds (installed CRDs, e.g. aad-pod-identity's). */
  customResources?: readonly CustomResourceDefinition[]
  /** Objects created on first start (an empty or new stateDir), e.g. the scenario's `kubernetes.objects`. */
  seed?: readonly KubernetesManifest[]
  /** CA certificate (PEM) published in every namespace's `kube-root-ca.crt` ConfigMap. */
  caPem?: string
  /** host:port clients use to reach this server (legacy discovery's serverAddressByClientCIDRs). */
  serverAddress?: () => string

  /** The static token file (local accounts). */
  staticTokens?: readonly StaticToken[]
  /** Local accounts refused (AKS `disableLocalAccounts`). Read on every request. Default false. */
  disableLocalAccounts?: () => boolean
  /** Anonymous requests allowed (`--anonymous-auth`). Default true. */
  anonymous?: boolean | (() => boolean)
  /** Bearer tokens that are not static tokens, tried in order before `authenticateToken`. */
  tokenAuthenticators?: readonly TokenAuthenticator[]
  /** Bearer tokens no other authenticator knew: the TokenReview webhook with its cache. */
  authenticateToken?: (token: string, audiences: string[]) => Promise<TokenAuthResult>
  /** The API server's audiences (`--api-audiences`). Default `['https://kubernetes.default.svc']`. */
  apiAudiences?: string[]

  /** The authorizer chain after the privileged group. Default: no opinion on anything. */
  authorize?: (attrs: AuthorizationAttributes) => AuthorizationResult | Promise<AuthorizationResult>
  /** Groups allowed everything before any authorizer runs. Default `['system:masters']`. */
  privilegedGroups?: readonly string[]
  /** SelfSubjectRulesReview. Default: no rules, incomplete. */
  rulesFor?: (user: UserInfo, namespace: string) => RulesResult | Promise<RulesResult>
  /**
   * The RBAC rule resolver alone, for RBAC escalation prevention (kube-apiserver checks Role and
   * binding writes against the writer's RBAC rules, without webhook authorizers). Default `rulesFor`;
   * with neither, the check is off.
   */
  escalationRulesFor?: (user: UserInfo, namespace: string) => RulesResult | Promise<RulesResult>

  /** Mutating admission of pods being created, in order (the workload identity webhook). */
  podAdmission?: readonly PodAdmission[]
  /** Subresources another slice serves: `serviceaccounts/token` (TokenRequest). Absent: 404. */
  subresources?: { serviceAccountToken?: ServiceAccountTokenRequest }

  /** Largest request body accepted. Default 3 MiB (kube-apiserver's limit). */
  maxBodyBytes?: number
  /** Interval of watch BOOKMARK events when the client allows them. Default 60 s. */
  bookmarkIntervalMs?: number
  /** Name of the simulated node pods run on. */
  nodeName?: string
  /** Errors no renderer knew (bugs): answered with a generic 500. */
  onUnexpectedError?: (err: unknown) => void
}

/**
 * A bearer-token authenticator tried before `authenticateToken`, as kube-apiserver's union token
 * authenticator tries service-account tokens before the webhook (k8s.io/apiserver
 * pkg/authentication/token/union). `undefined`: not this authenticator's kind of token, try the next.
 */
export type TokenAuthenticator = (token: string, audiences: string[]) => Promise<TokenAuthResult | undefined>

/**
 * Mutating admission of a pod being created, in process (a mutating admission webhook on pod CREATE);
 * throws a KubeStatusError to refuse the pod.
 */
export type PodAdmission = (pod: KubeObject, namespace: string, dryRun: boolean) => KubeObject

/** `POST …/serviceaccounts/{name}/token` (TokenRequest); throws a KubeStatusError. */
export type ServiceAccountTokenRequest = (input: {
  namespace: string
  name: string
  contentType: string | undefined
  body: Buffer
}) => Promise<{ body: unknown; warnings: string[] }>
