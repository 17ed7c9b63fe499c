/**
 * Fault injection, per endpoint name (`entra.token`, `entra.devicecode`, `graph.getMemberGroups`, …).
 * A fault answers in place of the endpoint (status + error), delays it (latency), or both, for a number
 * of requests or until it is cleared.
 */
/**
 * Every endpoint name a service asks the registry about (`take`), and the per-service wildcards. The
 * type ties them together: a service cannot ask about a name missing here, so the CLI and the admin
 * API can refuse unknown names with this list.
 */
export const FAULT_ENDPOINTS = [
  'entra.token',
  'entra.devicecode',
  'entra.discovery',
  'entra.keys',
  'entra.*',
  'graph.me',
  'graph.getUser',
  'graph.getGroup',
  'graph.getServicePrincipal',
  'graph.getDirectoryObject',
  'graph.getByIds',
  'graph.listUsers',
  'graph.listGroups',
  'graph.listServicePrincipals',
  'graph.getMemberGroups',
  'graph.getMemberObjects',
  'graph.checkMemberGroups',
  'graph.checkMemberObjects',
  'graph.memberOf',
  'graph.transitiveMemberOf',
  'graph.members',
  'graph.transitiveMembers',
  'graph.*',
  'arm.managedClusters',
  'arm.listClusterUserCredential',
  'arm.listClusterAdminCredential',
  'arm.roleAssignments',
  'arm.roleDefinitions',
  'arm.managedIdentities',
  'arm.*',
  'imds.token',
  'imds.*',
] as const
export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number]
/** A name a service asks about: not a wildcard. */
export type FaultPoint = Exclude<FaultEndpoint, `${string}.*`>
/** `graph.<operation>` names, for the Graph slice's operation names. */
export type GraphFaultOperation = FaultEndpoint extends infer E
  ? E extends `graph.${infer O}`
    ? Exclude<O, '*'>
    : never
  : never

export const isFaultEndpoint = (name: string): name is FaultEndpoint =>
  (FAULT_ENDPOINTS as readonly string[]).includes(name)

export interface FaultSpec {
  /** HTTP status to answer with instead of running the endpoint. Omit for latency only. */
  status?: number
  /** Wire error code for the body (`temporarily_unavailable`, `slow_down`, `TooManyRequests`, …). */
  error?: string
  /** Delay before answering (or before running the endpoint), in milliseconds. */
  latencyMs?: number
  /** Retry-After header value in seconds. */
  retryAfter?: number
  /** How many requests the fault applies to; omit for "until cleared". */
  times?: number
}

export interface ActiveFault extends FaultSpec {
  endpoint: string
  /** Requests this fault has affected so far. */
  hits: number
}

export interface FaultRegistry {
  set(endpoint: string, spec: FaultSpec): ActiveFault
  clear(endpoint?: string): void
  list(): ActiveFault[]
  /** Called by a service for each request; returns the fault to apply, counting it. */
  take(endpoint: FaultPoint): ActiveFault | undefined
}

export function validateFaultSpec(spec: unknown): string[] {
  const problems: string[] = []
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return ['fault must be a JSON object']
  const allowed = new Set(['status', 'error', 'latencyMs', 'retryAfter', 'times'])
  for (const [k, v] of Object.entries(spec)) {
    if (!allowed.has(k)) problems.push(`unknown key '${k}'`)
    else if (k === 'error' && typeof v !== 'string') problems.push(`'error' must be a string`)
    else if (k === 'status' && !(Number.isInteger(v) && (v as number) >= 400 && (v as number) <= 599))
      problems.push(`'status' must be an integer between 400 and 599`)
    else if (k !== 'error' && k !== 'status' && !(Number.isInteger(v) && (v as number) >= 0))
      problems.push(`'${k}' must be a non-negative integer`)
  }
  const s = spec as FaultSpec
  if (s.status === undefined && s.latencyMs === undefined && s.error === undefined)
    problems.push('a fault needs at least one of status, error, latencyMs')
  return problems
}

export function createFaultRegistry(): FaultRegistry {
  const faults = new Map<string, ActiveFault>()
  return {
    set(endpoint, spec) {
      const fault = { ...spec, endpoint, hits: 0 }
      faults.set(endpoint, fault)
      return fault
    },
    clear(endpoint) {
      if (endpoint === undefined) faults.clear()
      else faults.delete(endpoint)
    },
    list: () => [...faults.values()],
    take(endpoint) {
      const fault = faults.get(endpoint) ?? faults.get(`${endpoint.split('.')[0]}.*`)
      if (!fault) return undefined
      fault.hits++
      if (fault.times !== undefined && fault.hits >= fault.times) faults.delete(fault.endpoint)
      return fault
    },
  }
}
