/**
 * Simulator options (the programmatic API's input) and their defaults. Defaults imitate Azure;
 * docs/configuration.md describes each one.
 */
import type { Scenario } from './scenario/types.js'

export interface SimulatorOptions {
  /** A scenario object, or the path of a YAML/JSON scenario file. Default: the built-in demo tenant. */
  scenario?: Scenario | string
  /** Where keys, certificates and endpoints.json live. Default: none, everything in memory. */
  stateDir?: string
  /** Interface every listener binds to. Default `127.0.0.1`. */
  host?: string
  /** First port; each service takes the next one. `0` (the default here) lets the OS choose each port. */
  portBase?: number
  /** Approve every device code as this user as soon as it is issued (workshops, CI). */
  autoApprove?: string
  deviceCode?: {
    /** Seconds until a device code expires (`expires_in`). Azure: 900. */
    expiresIn?: number
    /** Seconds between polls (`interval`). Azure: 5. Must be ≥ 1: openid-client rejects 0. */
    interval?: number
  }
  tokens?: {
    /** Access token lifetime in seconds. Azure: 60–90 minutes; must exceed MSAL's 5-minute renewal window. */
    accessTokenLifetime?: number
    /** Refresh token inactivity lifetime in seconds. Azure: 90 days. */
    refreshTokenLifetime?: number
    /** Issue tokens with the real Microsoft issuer strings (`https://sts.windows.net/<tid>/`). Default false. */
    realIssuers?: boolean
  }
  keys?: {
    /** Seconds a retired signing key stays in the JWKS after a rotation. Default 24 h. */
    rotationGraceSeconds?: number
  }
  webhook?: Partial<ResolvedConfig['webhook']>
  apiServer?: Partial<ResolvedConfig['apiServer']>
}

export interface ResolvedConfig {
  host: string
  portBase: number
  stateDir: string | undefined
  autoApprove: string | undefined
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
}

export const defaults: Omit<ResolvedConfig, 'stateDir' | 'autoApprove'> = {
  host: '127.0.0.1',
  portBase: 0,
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
}
