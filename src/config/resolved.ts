/**
 * The configuration every service reads, resolved from the simulator options (options.ts) by
 * config-resolve.ts, and its defaults. Defaults imitate Azure; docs/configuration.md describes each one.
 */

export interface ResolvedConfig {
  host: string
  /** Names other machines use (`--public-host`); the first one is in every URL. */
  publicHosts: string[]
  portBase: number
  stateDir: string | undefined
  autoApprove: string | undefined
  logFormat: 'none' | 'text' | 'json'
  deviceCode: { expiresIn: number; interval: number }
  tokens: { accessTokenLifetime: number; refreshTokenLifetime: number; realIssuers: boolean }
  keys: { rotationGraceSeconds: number }
  webhook: {
    /** Token audience the webhook requires: the AKS server app. */
    audience: string
    /** Check `aud` (guard's --azure.verify-clientID). Default true. */
    verifyAudience: boolean
    /** Required issuer; default: the `issuer` of the tenant's v1 metadata, as guard. */
    issuer: string | undefined
    /** Audiences the webhook vouches for when a TokenReview names `spec.audiences`. */
    apiAudiences: string[]
    /** Refuse tokens of disabled or deleted users (guard cannot; the simulator can). Default true. */
    rejectDisabledUsers: boolean
    /** Seconds a successful review is cached (never beyond the token's exp); 0 turns the cache off. Default 60. */
    cacheTtlSeconds: number
    /** Require the API server's client certificate (organisation `azure`). Default true. */
    requireClientCert: boolean
    /** Answer rejected tokens with HTTP 401 as guard does, instead of 200 with status.error. Default false. */
    guardStatusCodes: boolean
    /** The application whose secret the webhook uses for Graph (client credentials). Default `aks-webhook`. */
    graphApplication: string
    /** Seconds guard caches an Azure RBAC decision (`--azure.cache-ttl-minutes`); 0 turns it off. Default 180. */
    authzCacheTtlSeconds: number
    /** Answer "no opinion" where guard answers "denied", so authorizers after the webhook get a say. Default false. */
    denyAsNoOpinion: boolean
  }
  apiServer: {
    /** Kubernetes version at /version. The kubectl dispatcher picks its kubectl build by the minor version. */
    version: string
    /** kube-apiserver's `--authentication-token-webhook-cache-ttl`, in seconds (success and failure). Default 120. */
    tokenCacheTtlSeconds: number
    /** `--api-audiences`. */
    apiAudiences: string[]
    /** `--anonymous-auth`. Default true. */
    anonymousAuth: boolean
    /** Authorizers after the system:masters shortcut, in order: `RBAC`, `Webhook` (Azure RBAC). */
    authorizationOrder: ('RBAC' | 'Webhook')[]
  }
  arm: {
    /** Simulated seconds a control-plane operation (scale, upgrade, stop, …) runs. Default 20. */
    operationSeconds: number
    /** `Retry-After` (seconds) on a running operation: how long az and the SDKs wait between polls. Default 5. */
    retryAfterSeconds: number
  }
  room: {
    /** Attendee users `attendee01…` (with namespaces and bindings) to create; 0 turns room mode off. Default 0. */
    attendees: number
    /**
     * The scenario's own users (alice, bob, …) in room mode: `random` (default) draws each a password shown
     * only on the host's sheet; `shared` keeps the scenario's (the documented `Workshop-2026!`), so any
     * attendee can sign in as alice (cluster-admin).
     */
    demoPasswords: 'random' | 'shared'
  }
}

export const defaults: Omit<ResolvedConfig, 'stateDir' | 'autoApprove'> = {
  host: '127.0.0.1',
  publicHosts: [],
  portBase: 0,
  logFormat: 'none',
  deviceCode: { expiresIn: 900, interval: 5 },
  tokens: { accessTokenLifetime: 3600, refreshTokenLifetime: 90 * 86_400, realIssuers: false },
  keys: { rotationGraceSeconds: 86_400 },
  webhook: {
    audience: '6dae42f8-4368-4678-94ff-3960e28e3630',
    verifyAudience: true,
    issuer: undefined,
    apiAudiences: [
      'https://kubernetes.default.svc',
      'https://kubernetes.default.svc.cluster.local',
      'kubernetes',
      '6dae42f8-4368-4678-94ff-3960e28e3630',
    ],
    rejectDisabledUsers: true,
    cacheTtlSeconds: 60,
    requireClientCert: true,
    guardStatusCodes: false,
    graphApplication: 'aks-webhook',
    authzCacheTtlSeconds: 180,
    denyAsNoOpinion: false,
  },
  apiServer: {
    version: '1.32.4',
    tokenCacheTtlSeconds: 120,
    apiAudiences: ['https://kubernetes.default.svc'],
    anonymousAuth: true,
    authorizationOrder: ['RBAC', 'Webhook'],
  },
  arm: { operationSeconds: 20, retryAfterSeconds: 5 },
  room: { attendees: 0, demoPasswords: 'random' },
}
