/**
 * `aks-auth-sim acr purge`: acr-cli's `acr purge` against a simulated registry, run by the
 * simulator through its admin API (what an ACR task does against its own registry). The flags,
 * their rules and the output lines are acr-cli's (docs/acr.md#purge); ages are on the simulator clock.
 */
import { parseArgs } from 'node:util'
import { checkPurgeOptions, parseAgo, parseFilter, PurgeUsageError } from '../../acr/index.js'
import { callAdmin } from '../admin-client.js'
import { AdminApiError, CliError } from '../errors.js'
import { DEFAULT_STATE_DIR, unknownWord, usageError } from '../help.js'

export const acrHelp = `Usage: aks-auth-sim acr purge --registry NAME [options] [--state-dir DIR]

Deletes tags older than --ago whose repository matches a filter, and with --untagged (or only, with
--untagged-only) the manifests left without tags — as acr-cli's 'acr purge' does in an ACR task.
Locked tags and manifests (deleteEnabled or writeEnabled false) are skipped unless --include-locked;
children of a multi-arch index that stays and referrers (signatures, SBOMs) are never deleted. Ages
are read on the simulator's clock ('aks-auth-sim clock advance' ages every image).

Options:
  -r, --registry NAME     the registry (its name, e.g. contosoacr)
  -f, --filter R:T        repository regex (anchored) : tag regex (unanchored); repeatable; required
                          unless --untagged-only
  --ago D                 older than D: [<days>d][<Go duration>], e.g. 2d3h6m, 1.5h, 0d; required unless
                          --untagged-only
  --keep N                keep the N most recent of the tags (and untagged manifests) that would go
  --untagged              also delete manifests left without tags
  --untagged-only         delete only untagged manifests (--filter's repository part, --ago optional)
  --dry-run               print what would be deleted; delete nothing
  --include-locked        unlock and delete locked tags and manifests too
  --concurrency N         accepted (1-32) for acr-cli compatibility; the simulator deletes in order
  --state-dir DIR         the simulator's state directory (default: ${DEFAULT_STATE_DIR})
  -h, --help              this help

Exit codes: 0 done; 1 the simulator refused or cannot be reached; 2 usage error.
`

export async function acrCommand(args: string[]): Promise<number> {
  const cmd = 'aks-auth-sim acr purge'
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      registry: { type: 'string', short: 'r' },
      filter: { type: 'string', short: 'f', multiple: true },
      ago: { type: 'string' },
      keep: { type: 'string' },
      untagged: { type: 'boolean' },
      'untagged-only': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      'include-locked': { type: 'boolean' },
      concurrency: { type: 'string' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    process.stdout.write(acrHelp)
    return 0
  }
  const [sub, ...extra] = positionals
  if (sub === undefined) throw usageError('missing subcommand: one of purge', 'aks-auth-sim acr')
  if (sub !== 'purge') throw unknownWord('acr subcommand', sub, ['purge'], 'aks-auth-sim acr')
  if (extra.length > 0) throw usageError(`unexpected argument '${extra[0]}'`, cmd)
  if (!values.registry) throw usageError('missing --registry NAME', cmd)
  const whole = (v: string | undefined, name: string, min: number, max: number) => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max)
      throw usageError(`${name} must be a whole number from ${min} to ${max} (got '${v}')`, cmd)
    return n
  }
  const keep = whole(values.keep, '--keep', 0, Number.MAX_SAFE_INTEGER) ?? 0
  whole(values.concurrency, '--concurrency', 1, 32)
  const filters = values.filter ?? []
  try {
    filters.forEach(parseFilter)
    const ago = values.ago === undefined ? undefined : parseAgo(values.ago)
    checkPurgeOptions({
      filters: filters.map(parseFilter),
      ...(ago && { agoMs: ago.ms }),
      untagged: values.untagged === true,
      untaggedOnly: values['untagged-only'] === true,
    })
  } catch (err) {
    if (err instanceof PurgeUsageError) throw usageError(err.message, cmd)
    throw err
  }
  const dir = values['state-dir'] ?? DEFAULT_STATE_DIR
  let result: { lines: string[] }
  try {
    result = (await callAdmin(dir, 'POST', `/registries/${encodeURIComponent(values.registry)}/purge`, {
      filters,
      ...(values.ago !== undefined && { ago: values.ago }),
      keep,
      untagged: values.untagged === true,
      untaggedOnly: values['untagged-only'] === true,
      dryRun: values['dry-run'] === true,
      includeLocked: values['include-locked'] === true,
    })) as { lines: string[] }
  } catch (err) {
    if (err instanceof AdminApiError) throw new CliError(`Failed to complete purge: ${err.message}`, 1)
    throw err
  }
  process.stdout.write(result.lines.join('\n') + '\n')
  return 0
}
