/**
 * User impersonation (`kubectl --as`, `--as-group`, `--as-uid`): the Impersonate-User, -Group, -Uid
 * and -Extra-<key> headers, each checked with an `impersonate` authorization on users, groups,
 * serviceaccounts, uids.authentication.k8s.io or userextras.authentication.k8s.io, as
 * k8s.io/apiserver/pkg/endpoints/filters/impersonation.go does.
 */
import type { IncomingMessage } from 'node:http'
import { BadRequest } from '../../kube/index.js'
import { forbidden, type Authorize } from '../authz/attributes.js'
import type { AuthorizationAttributes, UserInfo } from '../types.js'

interface ImpersonationRequest {
  kind: 'User' | 'ServiceAccount' | 'Group' | 'UserExtra' | 'UID'
  name: string
  namespace?: string
  extraKey?: string
}

export interface ImpersonationStep {
  kind: string
  name: string
  decision: string
  reason: string
}

const SA_PREFIX = 'system:serviceaccount:'

function headerValues(req: IncomingMessage, name: string): string[] {
  const v = req.headersDistinct[name]
  return v ? v.filter((x) => x.length > 0) : []
}

function requestsOf(req: IncomingMessage): ImpersonationRequest[] {
  const out: ImpersonationRequest[] = []
  const user = headerValues(req, 'impersonate-user')[0]
  if (user) {
    const parts = user.startsWith(SA_PREFIX) ? user.slice(SA_PREFIX.length).split(':') : []
    if (parts.length === 2 && parts[0] && parts[1])
      out.push({ kind: 'ServiceAccount', namespace: parts[0], name: parts[1] })
    else out.push({ kind: 'User', name: user })
  }
  const groups = headerValues(req, 'impersonate-group')
  for (const g of groups) out.push({ kind: 'Group', name: g })
  let extras = false
  for (const [header, values] of Object.entries(req.headersDistinct)) {
    if (!header.startsWith('impersonate-extra-') || !values) continue
    extras = true
    let key = header.slice('impersonate-extra-'.length).toLowerCase()
    try {
      key = decodeURIComponent(key)
    } catch {
      // kube keeps an undecodable key as it is
    }
    for (const v of values) out.push({ kind: 'UserExtra', name: v, extraKey: key })
  }
  const uid = headerValues(req, 'impersonate-uid')[0]
  if (uid) out.push({ kind: 'UID', name: uid })
  if ((groups.length || extras || uid) && !user)
    // kube-apiserver answers this with a 500; the simulator answers 400 (bad input is never a 5xx here).
    throw new BadRequest(
      `requested ${JSON.stringify(out.map((r) => ({ kind: r.kind, name: r.name })))} without impersonating a user`,
    )
  return out
}

export function hasImpersonation(req: IncomingMessage): boolean {
  return Object.keys(req.headers).some((h) => h.startsWith('impersonate-'))
}

/** Resolves the impersonated user, or throws Forbidden / BadRequest. */
export async function impersonate(
  req: IncomingMessage,
  requestor: UserInfo,
  authorize: Authorize,
  steps: ImpersonationStep[],
): Promise<UserInfo | undefined> {
  const requests = requestsOf(req)
  if (requests.length === 0) return undefined
  let username = ''
  let groups: string[] = []
  const groupsSpecified = requests.some((r) => r.kind === 'Group')
  const extra: Record<string, string[]> = {}
  let uid: string | undefined
  for (const r of requests) {
    const attrs: AuthorizationAttributes = {
      user: requestor,
      verb: 'impersonate',
      resourceRequest: true,
      path: '',
      namespace: r.namespace ?? '',
      apiGroup: r.kind === 'UserExtra' || r.kind === 'UID' ? 'authentication.k8s.io' : '',
      apiVersion: r.kind === 'UserExtra' || r.kind === 'UID' ? 'v1' : 'v1',
      resource: '',
      subresource: '',
      name: r.name,
    }
    switch (r.kind) {
      case 'ServiceAccount':
        attrs.resource = 'serviceaccounts'
        username = `${SA_PREFIX}${r.namespace!}:${r.name}`
        if (!groupsSpecified) groups = ['system:serviceaccounts', `system:serviceaccounts:${r.namespace!}`]
        break
      case 'User':
        attrs.resource = 'users'
        username = r.name
        break
      case 'Group':
        attrs.resource = 'groups'
        groups.push(r.name)
        break
      case 'UserExtra':
        attrs.resource = 'userextras'
        attrs.subresource = r.extraKey!
        ;(extra[r.extraKey!] ??= []).push(r.name)
        break
      case 'UID':
        attrs.resource = 'uids'
        uid = r.name
        break
    }
    const result = await authorize(attrs)
    steps.push({ kind: r.kind, name: r.name, decision: result.decision, reason: result.reason })
    if (result.decision !== 'Allow') throw forbidden(attrs, result.reason)
  }
  const marker = username === 'system:anonymous' ? 'system:unauthenticated' : 'system:authenticated'
  if (!groups.includes(marker)) groups.push(marker)
  return { username, groups, ...(uid !== undefined && { uid }), ...(Object.keys(extra).length && { extra }) }
}
