/**
 * Host actions and other changes (clock, keys, directory, role assignments, bindings, faults) as
 * flows, on the step they affect, so the flow view shows why the next request behaves differently.
 */
import type { SimEvent } from '../../kernel/events.js'
import { facts, num, str } from './event-data.js'
import type { FlowDraft } from './sign-in.js'
import type { FlowStep } from './types.js'

/** Which diagram step a fault on an endpoint (`entra.token`, `graph.getMemberGroups`, …) hits. */
function faultStep(endpoint: string): number {
  if (endpoint.startsWith('graph')) return 7
  if (endpoint === 'entra.keys' || endpoint === 'entra.discovery') return 6
  if (endpoint.startsWith('entra')) return 2
  return 5
}

function describe(e: SimEvent): { title: string; step: FlowStep } | undefined {
  const d = e.data
  switch (e.type) {
    case 'clock.advanced':
      return {
        title: `Clock advanced by ${num(d.seconds) ?? '?'} s`,
        step: {
          n: 2,
          state: 'ok',
          summary: `simulated time is now ${str(d.now) ?? '?'}: tokens, device codes and caches expire sooner`,
          facts: facts({ 'offset (s)': num(d.offsetSeconds) }),
        },
      }
    case 'keys.rotated':
      return {
        title: 'Signing keys rotated',
        step: {
          n: 6,
          state: 'ok',
          summary: `new signing key ${str(d.kid) ?? '?'}: new tokens use it; the webhook fetches the keys again when it meets an unknown kid`,
        },
      }
    case 'directory.changed': {
      const what =
        d.accountEnabled !== undefined
          ? `${str(d.user) ?? '?'} ${d.accountEnabled ? 'enabled' : 'disabled'}`
          : str(d.added)
            ? `member ${str(d.added)} added to ${str(d.group) ?? '?'}`
            : `member ${str(d.removed) ?? '?'} removed from ${str(d.group) ?? '?'}`
      return {
        title: `Directory changed: ${what}`,
        step: {
          n: 7,
          state: 'ok',
          summary:
            'group membership reaches the cluster with the next token (groups claim) or the next Graph lookup',
        },
      }
    }
    case 'role_assignment.created':
    case 'role_assignment.deleted':
      return {
        title: `Azure role assignment ${e.type.endsWith('created') ? 'granted' : 'revoked'}: ${str(d.role) ?? '?'} for ${str(d.principal) ?? '?'}`,
        step: {
          n: 9,
          state: 'ok',
          summary:
            "Azure RBAC changed; guard's decision cache (3 min) and the API server's SAR cache (5 min allow / 30 s deny) may still answer the old way",
          facts: facts({ scope: str(d.scope), id: str(d.id) }),
        },
      }
    case 'rbac.binding.created':
    case 'rbac.binding.deleted':
      return {
        title: `${str(d.kind) ?? 'Binding'} ${e.type.endsWith('created') ? 'created' : 'deleted'}: ${str(d.namespace) ? `${str(d.namespace)}/` : ''}${str(d.name) ?? '?'}`,
        step: {
          n: 9,
          state: 'ok',
          summary: 'Kubernetes RBAC changed: the next request sees it (RBAC is not cached)',
          facts: facts({ role: str(d.role), subject: str(d.subject) }),
        },
      }
    case 'fault.set':
    case 'fault.cleared': {
      const endpoint = str(d.endpoint) ?? '*'
      return {
        title: `Fault ${e.type.endsWith('set') ? 'injected on' : 'cleared from'} ${endpoint}`,
        step: {
          n: faultStep(endpoint),
          state: e.type.endsWith('set') ? 'failed' : 'ok',
          summary: e.type.endsWith('set')
            ? `${endpoint} answers ${num(d.status) ?? ''} ${str(d.error) ?? ''}${num(d.latencyMs) ? ` after ${num(d.latencyMs)} ms` : ''}${num(d.times) ? ` for ${num(d.times)} requests` : ' until cleared'}`
            : `${endpoint} answers normally again`,
        },
      }
    }
    default:
      return undefined
  }
}

export const CONTROL_EVENT_TYPES = new Set([
  'clock.advanced',
  'keys.rotated',
  'directory.changed',
  'role_assignment.created',
  'role_assignment.deleted',
  'rbac.binding.created',
  'rbac.binding.deleted',
  'fault.set',
  'fault.cleared',
])

export function controlFlow(id: string, e: SimEvent): FlowDraft | undefined {
  const described = describe(e)
  if (!described) return undefined
  return {
    id,
    kind: 'control',
    startedAt: e.time,
    endedAt: e.time,
    title: described.title,
    outcome: 'info',
    decision: 'change',
    steps: [described.step],
    eventIds: [e.id],
  }
}
