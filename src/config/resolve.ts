import { ConfigError } from '../kernel/errors.js'
import { defaults, type ResolvedConfig } from './resolved.js'
import type { ConfigOptions } from './options.js'

const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0

/** Merges options over the defaults and checks them; every problem is reported at once. */
export function resolveConfig(opts: ConfigOptions): ResolvedConfig {
  const cfg: ResolvedConfig = {
    host: opts.host ?? defaults.host,
    portBase: opts.portBase ?? defaults.portBase,
    stateDir: opts.stateDir,
    autoApprove: opts.autoApprove,
    deviceCode: { ...defaults.deviceCode, ...opts.deviceCode },
    tokens: { ...defaults.tokens, ...opts.tokens },
    keys: { ...defaults.keys, ...opts.keys },
    webhook: { ...defaults.webhook, ...opts.webhook },
    apiServer: { ...defaults.apiServer, ...opts.apiServer },
  }
  const problems: string[] = []
  if (!(Number.isInteger(cfg.portBase) && cfg.portBase >= 0 && cfg.portBase <= 65_520))
    problems.push(`portBase must be an integer between 0 and 65520 (got ${String(cfg.portBase)})`)
  if (!positiveInt(cfg.deviceCode.interval))
    problems.push(`deviceCode.interval must be a whole number ≥ 1 (got ${String(cfg.deviceCode.interval)})`)
  if (!positiveInt(cfg.deviceCode.expiresIn))
    problems.push(`deviceCode.expiresIn must be a whole number ≥ 1 (got ${String(cfg.deviceCode.expiresIn)})`)
  if (!(positiveInt(cfg.tokens.accessTokenLifetime) && cfg.tokens.accessTokenLifetime > 300))
    problems.push(
      `tokens.accessTokenLifetime must be more than 300 seconds, MSAL's renewal window (got ${String(cfg.tokens.accessTokenLifetime)})`,
    )
  if (!positiveInt(cfg.tokens.refreshTokenLifetime))
    problems.push(`tokens.refreshTokenLifetime must be a whole number ≥ 1`)
  if (!(Number.isInteger(cfg.keys.rotationGraceSeconds) && cfg.keys.rotationGraceSeconds >= 0))
    problems.push(`keys.rotationGraceSeconds must be a whole number ≥ 0`)
  if (!(Number.isInteger(cfg.webhook.cacheTtlSeconds) && cfg.webhook.cacheTtlSeconds >= 0))
    problems.push(
      `webhook.cacheTtlSeconds must be a whole number ≥ 0 (got ${String(cfg.webhook.cacheTtlSeconds)})`,
    )
  if (!Array.isArray(cfg.webhook.apiAudiences) || cfg.webhook.apiAudiences.some((a) => typeof a !== 'string'))
    problems.push('webhook.apiAudiences must be a list of strings')
  if (!/^v?\d+\.\d+\.\d+$/.test(cfg.apiServer.version))
    problems.push(`apiServer.version must look like 1.32.4 (got ${String(cfg.apiServer.version)})`)
  if (!cfg.apiServer.authorizationOrder.every((a) => a === 'RBAC' || a === 'Webhook'))
    problems.push(`apiServer.authorizationOrder may only contain RBAC and Webhook`)
  if (problems.length > 0) throw new ConfigError(problems)
  return cfg
}
