/**
 * The options that resolve into the services' configuration (resolved.ts); docs/configuration.md
 * describes each one. The simulator's options add the scenario to these (src/composition/options.ts).
 */
import type { ResolvedConfig } from './resolved.js'

export interface ConfigOptions {
  /** Where keys, certificates and endpoints.json live. Default: none, everything in memory. */
  stateDir?: string
  /** Interface every listener binds to. Default `127.0.0.1`. */
  host?: string
  /**
   * Names or addresses other machines use to reach this one (`--public-host`, repeatable). They go into
   * every server certificate, the URLs of endpoints.json and the banner (the first one), and the names
   * every listener answers to. Default: none (loopback names only).
   */
  publicHosts?: string[]
  /** First port; each service takes the next one. `0` (the default here) lets the OS choose each port. */
  portBase?: number
  /** Approve every device code as this user as soon as it is issued (workshops, CI). */
  autoApprove?: string
  /** Request log on stderr: `none` (default), `text` or `json` (one object per line). */
  logFormat?: 'none' | 'text' | 'json'
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
  arm?: Partial<ResolvedConfig['arm']>
  /** Room mode: attendee users, namespaces and bindings for a workshop (docs/room.md). */
  room?: Partial<ResolvedConfig['room']>
}
