/**
 * The registries' admin routes, under `/registries` on the admin listener (docs/admin-api.md):
 * `POST /registries/<name>/purge` runs `acr purge` in the simulator (what an ACR task running
 * acr-cli does against its own registry) and answers its output lines and counts.
 */
import express, { Router, type Request } from 'express'
import type { AdminExtension } from '../admin/index.js'
import { HttpError, jsonBody, jsonErrorHandler, requestLog } from '../http/index.js'
import type { Clock } from '../kernel/clock.js'
import type { EventBus } from '../kernel/events.js'
import { parseAgo, parseFilter, purge, PurgeUsageError, type PurgeOptions } from './purge.js'
import type { RegistryService } from './service.js'

const bad = (message: string) => new HttpError(400, 'invalid_purge', message)

function purgeOptions(req: Request): { options: PurgeOptions; warnings: string[] } {
  const b: unknown = req.body ?? {}
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw bad('the request body must be a JSON object')
  const o = b as Record<string, unknown>
  const flag = (k: string) => {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw bad(`'${k}' must be true or false`)
    return o[k] === true
  }
  const filters = o.filters ?? []
  if (!Array.isArray(filters) || filters.some((f) => typeof f !== 'string'))
    throw bad("'filters' must be an array of '<repository regex>:<tag regex>' strings")
  if (o.ago !== undefined && typeof o.ago !== 'string') throw bad("'ago' must be a duration such as '2d3h6m'")
  const keep = o.keep ?? 0
  if (!Number.isSafeInteger(keep) || (keep as number) < 0) throw bad("'keep' must be a whole number ≥ 0")
  const warnings: string[] = []
  try {
    const ago = o.ago === undefined ? undefined : parseAgo(o.ago)
    if (ago?.warning) warnings.push(ago.warning)
    return {
      warnings,
      options: {
        filters: (filters as string[]).map(parseFilter),
        ...(ago && { agoMs: ago.ms }),
        keep: keep as number,
        untagged: flag('untagged'),
        untaggedOnly: flag('untaggedOnly'),
        dryRun: flag('dryRun'),
        includeLocked: flag('includeLocked'),
      },
    }
  } catch (err) {
    if (err instanceof PurgeUsageError) throw bad(err.message)
    throw err
  }
}

export function registriesAdminExtension(
  services: readonly RegistryService[],
  deps: { clock: Clock; events: EventBus; onUnexpected: (err: unknown) => void },
): AdminExtension {
  const r = Router()
  r.post('/:name/purge', (req, res) => {
    const name = req.params.name.toLowerCase()
    const service = services.find((s) => s.settings().name.toLowerCase() === name)
    if (!service)
      throw new HttpError(404, 'registry_not_found', `no registry '${req.params.name}' in this simulator`)
    const { options, warnings } = purgeOptions(req)
    try {
      const result = purge(service.content, service.settings().loginServer, options, deps.clock.now())
      deps.events.emit('acr.purge', 'acr', {
        registry: service.settings().name,
        dryRun: options.dryRun,
        tags: result.tags,
        manifests: result.manifests,
      })
      res.json({ ...result, lines: [...warnings, ...result.lines] })
    } catch (err) {
      if (err instanceof PurgeUsageError) throw bad(err.message)
      throw err
    }
  })
  const sub = express()
  sub.use(requestLog('admin', deps.events))
  sub.use(jsonBody('1mb'))
  sub.use(r)
  sub.use(jsonErrorHandler(deps.onUnexpected, { exposeServerErrors: false }))
  return { path: '/registries', app: sub }
}
