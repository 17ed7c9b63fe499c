/** `aks-auth-sim rbac can-i|why|who-can`: the Kubernetes RBAC engine over manifests on disk, no cluster needed. */
import { parseArgs } from 'node:util'
import { impersonatedUser } from '../../rbac/index.js'
import { ManifestError } from '../../rbac/index.js'
import { loadOfflineCluster, type OfflineCluster } from '../../rbac/index.js'
import { resolveResource } from '../../rbac/index.js'
import { formatRulesTable } from '../../rbac/index.js'
import type { AccessRequest, AuthorizationRequest } from '../../rbac/index.js'
import { CliError } from '../errors.js'
import { printWhoCan, printWhy } from '../../rbac/index.js'

export const rbacHelp = `Usage:
  aks-auth-sim rbac can-i VERB (TYPE[/NAME] | URL) [NAME] --as USER [options] -f FILE|DIR...
  aks-auth-sim rbac can-i --list --as USER [-n NS] -f FILE|DIR...
  aks-auth-sim rbac why VERB (TYPE[/NAME] | URL) [NAME] --as USER [options] -f FILE|DIR...
  aks-auth-sim rbac who-can VERB (TYPE[/NAME] | URL) [NAME] [-n NS | -A] -f FILE|DIR...

Answers like \`kubectl auth can-i --as USER\` against a Kubernetes 1.32 cluster holding the given
Roles, ClusterRoles, RoleBindings and ClusterRoleBindings (and the default roles and bindings).

Options:
  -f, --filename PATH      YAML/JSON manifests, multi-document or List (repeatable; directories too)
  -R, --recursive          read directories recursively
  -n, --namespace NS       namespace of the request (default: default, as kubectl)
  -A, --all-namespaces     ask for all namespaces (namespace "")
      --subresource SUB    subresource, e.g. log, exec, status, scale
      --as USER            the user to ask as (system:serviceaccount:NS:NAME for a service account)
      --as-group GROUP     a group of that user (repeatable); system:authenticated is added as the
                           API server's impersonation does
      --no-bootstrap       leave out the Kubernetes 1.32 default roles and bindings
  -q, --quiet              can-i: print nothing; the exit code is the answer
      --list               can-i: everything the user may do in the namespace
      --no-headers         can-i --list: no header line
  -o, --output json        print the decision, explanation or subjects as JSON
      --limit N            why: how many closest bindings to show (default 5)

Exit codes: 0 yes (who-can: always), 1 no, 2 bad usage or unreadable manifests.
`

const RESOURCE_VERBS = new Set([
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'use',
  'bind',
  'impersonate',
  '*',
  'approve',
  'sign',
  'escalate',
  'attest',
])
const NON_RESOURCE_VERBS = new Set(['get', 'put', 'post', 'head', 'options', 'delete', 'patch', '*'])

type Values = ReturnType<typeof parse>['values']

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      filename: { type: 'string', short: 'f', multiple: true },
      recursive: { type: 'boolean', short: 'R' },
      namespace: { type: 'string', short: 'n' },
      'all-namespaces': { type: 'boolean', short: 'A' },
      subresource: { type: 'string' },
      as: { type: 'string' },
      'as-group': { type: 'string', multiple: true },
      'no-bootstrap': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      list: { type: 'boolean' },
      'no-headers': { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

const usage = (message: string) => new CliError(`${message}\n\n${rbacHelp}`, 2)
const out = (text: string) => void process.stdout.write(text)
const warn = (text: string) => void process.stderr.write(text)

/** The request kubectl auth can-i would send for VERB TYPE[/NAME] [NAME] or VERB URL. */
function buildRequest(positionals: string[], values: Values, cluster: OfflineCluster): AccessRequest {
  const [verb, target, extraName, ...rest] = positionals
  if (verb === undefined || target === undefined)
    throw usage('you must specify two arguments: verb resource or verb resource/resourceName.')
  if (rest.length > 0) throw usage(`unexpected arguments: ${rest.join(' ')}`)
  if (target.startsWith('/')) {
    if (values.subresource) throw usage('--subresource can not be used with NonResourceURL')
    if (extraName !== undefined) throw usage('NonResourceURL and ResourceName can not specified together')
    if (!NON_RESOURCE_VERBS.has(verb)) warn(`Warning: verb '${verb}' is not a known verb\n`)
    return { nonResourceAttributes: { verb, path: target } }
  }
  const slash = target.indexOf('/')
  const type = slash < 0 ? target : target.slice(0, slash)
  const inlineName = slash < 0 ? undefined : target.slice(slash + 1)
  if (inlineName !== undefined && extraName !== undefined)
    throw usage('give the name as TYPE/NAME or as NAME, not both')
  const resolved = resolveResource(type, cluster.resourceTypes)
  if (resolved.warning) warn(resolved.warning)
  const allNamespaces = values['all-namespaces'] ?? false
  if (resolved.namespaced === false && !allNamespaces)
    warn(
      resolved.group === ''
        ? `Warning: resource '${resolved.resource}' is not namespace scoped\n\n`
        : `Warning: resource '${resolved.resource}' is not namespace scoped in group '${resolved.group}'\n\n`,
    )
  if (!RESOURCE_VERBS.has(verb)) warn(`Warning: verb '${verb}' is not a known verb\n`)
  return {
    resourceAttributes: {
      verb,
      // kubectl sends the context namespace even for cluster-scoped resources.
      namespace: allNamespaces ? '' : (values.namespace ?? 'default'),
      group: resolved.group,
      resource: resolved.resource,
      subresource: values.subresource ?? '',
      name: inlineName ?? extraName ?? '',
    },
  }
}

function asUser(values: Values): AuthorizationRequest['user'] {
  if (values.as === undefined || values.as === '') {
    if (values['as-group']?.length)
      throw usage('--as-group needs --as (requesting groups without impersonating a user)')
    throw usage('--as USER is required: offline there is no current user')
  }
  return impersonatedUser(values.as, values['as-group'] ?? [])
}

function load(values: Values): OfflineCluster {
  const files = values.filename ?? []
  if (files.length === 0) throw usage('at least one -f FILE|DIR is required')
  let cluster: OfflineCluster
  try {
    cluster = loadOfflineCluster(files, {
      recursive: values.recursive ?? false,
      bootstrap: !values['no-bootstrap'],
    })
  } catch (err) {
    if (err instanceof ManifestError) throw new CliError(`error: ${err.message}`, 2)
    throw err
  }
  for (const w of cluster.warnings) warn(`Warning: ${w}\n`)
  return cluster
}

function canI(values: Values, positionals: string[]): number {
  if (values['no-headers'] && !values.list) throw usage('--no-headers is only applicable with --list')
  const cluster = load(values)
  const user = asUser(values)
  if (values.list) {
    if (positionals.length > 0) throw usage('--list takes no VERB or TYPE')
    const namespace = values['all-namespaces'] ? '' : (values.namespace ?? 'default')
    const status = cluster.rbac.rulesFor(user, namespace)
    if (values.output === 'json') out(JSON.stringify(status, null, 2) + '\n')
    else out(formatRulesTable(status, { headers: !values['no-headers'] }))
    return 0
  }
  const decision = cluster.rbac.authorize({ user, ...buildRequest(positionals, values, cluster) })
  const allowed = decision.decision === 'Allow'
  if (values.output === 'json') out(JSON.stringify(decision, null, 2) + '\n')
  else if (!values.quiet) out(allowed ? 'yes\n' : `no${decision.reason ? ` - ${decision.reason}` : ''}\n`)
  return allowed ? 0 : 1
}

/** Runs `rbac …`; returns the exit code (0 yes, 1 no). */
export function rbacCommand(args: string[]): number {
  const { values, positionals } = parse(args)
  const [sub, ...rest] = positionals
  if (values.help || sub === undefined || sub === 'help') {
    out(rbacHelp)
    return sub === undefined && !values.help ? 2 : 0
  }
  if (values.output !== undefined && values.output !== 'json')
    throw usage(`--output must be json (got '${values.output}')`)
  switch (sub) {
    case 'can-i':
      return canI(values, rest)
    case 'why': {
      const limit = values.limit === undefined ? 5 : Number(values.limit)
      if (!Number.isInteger(limit) || limit < 0)
        throw usage(`--limit must be a whole number ≥ 0 (got '${values.limit}')`)
      const cluster = load(values)
      const request: AuthorizationRequest = { user: asUser(values), ...buildRequest(rest, values, cluster) }
      const result = cluster.rbac.why(request, { limit })
      if (values.output === 'json') out(JSON.stringify(result, null, 2) + '\n')
      else out(printWhy(request, result))
      return result.decision.decision === 'Allow' ? 0 : 1
    }
    case 'who-can': {
      if (values.as !== undefined || values['as-group'] !== undefined)
        throw usage('who-can takes no --as / --as-group')
      const cluster = load(values)
      const request = buildRequest(rest, values, cluster)
      const result = cluster.rbac.whoCan(request)
      for (const e of result.errors) warn(`Warning: ${e}\n`)
      out(values.output === 'json' ? JSON.stringify(result, null, 2) + '\n' : printWhoCan(request, result))
      return 0
    }
    default:
      throw usage(`unknown rbac command '${sub}'`)
  }
}
