/**
 * The workshop host's controls: pending device logins, the clock, signing keys, faults, Azure role
 * assignments, Kubernetes bindings and group membership. The shared admin controls and the host
 * controls emit events, so every action shows up in the flow view.
 */
import { Router } from 'express'
import type { UiDeps } from './deps.js'
import { badRequest } from './errors.js'
import type { HostControls } from './host-controls.js'
import { bodyOf, oneOf, query, text } from './input.js'

const FAULT_ENDPOINT = /^[a-zA-Z]+\.(\*|[a-zA-Z.]+)$/

export function controlRoutes(deps: UiDeps, host: HostControls): Router {
  const c = deps.controls
  const r = Router()
  r.get('/device-codes', (_req, res) => void res.json({ value: c.deviceCodes() }))
  r.post('/device-codes/:code/:decision', (req, res) => {
    const user = text(bodyOf(req), 'user')
    const decision = req.params.decision
    if (decision === 'approve') res.json(c.approveDeviceCode(req.params.code, user))
    else if (decision === 'decline') res.json(c.declineDeviceCode(req.params.code, user))
    else throw badRequest(`'${decision}' is neither approve nor decline`)
  })
  r.post('/clock/advance', (req, res) => {
    const seconds = bodyOf(req).seconds
    if (
      typeof seconds !== 'number' ||
      !Number.isFinite(seconds) ||
      seconds < 0 ||
      seconds > 10 * 365 * 86_400
    )
      throw badRequest("'seconds' must be a number from 0 to ten years")
    res.json(c.advanceClock(seconds))
  })
  r.post('/keys/rotate', async (_req, res) => void res.json(await c.rotateKeys()))
  r.get('/faults', (_req, res) => void res.json({ value: c.faults.list() }))
  r.put('/faults/:endpoint', (req, res) => {
    if (!FAULT_ENDPOINT.test(req.params.endpoint))
      throw badRequest(`'${req.params.endpoint}' is not an endpoint name like entra.token or graph.*`)
    host.setFault(req.params.endpoint, bodyOf(req))
    res.json({ value: c.faults.list() })
  })
  r.delete('/faults/:endpoint', (req, res) => {
    host.clearFault(req.params.endpoint)
    res.status(204).end()
  })
  r.delete('/faults', (_req, res) => {
    host.clearFault()
    res.status(204).end()
  })
  r.post('/azure/role-assignments', (req, res) => {
    const b = bodyOf(req)
    const namespace = text(b, 'namespace', true)
    res.status(201).json(
      host.grantRole({
        principal: text(b, 'principal'),
        role: text(b, 'role'),
        ...(namespace && { namespace }),
      }),
    )
  })
  r.delete('/azure/role-assignments/:id', (req, res) => {
    host.revokeRole(req.params.id)
    res.status(204).end()
  })
  r.post('/kubernetes/bindings', (req, res) => {
    const b = bodyOf(req)
    const namespace = text(b, 'namespace', true)
    host.createBinding({
      kind: oneOf(b, 'kind', ['RoleBinding', 'ClusterRoleBinding'] as const),
      name: text(b, 'name'),
      ...(namespace && { namespace }),
      role: text(b, 'role'),
      ...(b.roleKind !== undefined && { roleKind: oneOf(b, 'roleKind', ['ClusterRole', 'Role'] as const) }),
      subjectKind: oneOf(b, 'subjectKind', ['User', 'Group', 'ServiceAccount'] as const),
      subject: text(b, 'subject'),
    })
    res.status(201).json({ created: true })
  })
  r.delete('/kubernetes/bindings/:kind/:name', (req, res) => {
    const kind = req.params.kind
    if (kind !== 'RoleBinding' && kind !== 'ClusterRoleBinding')
      throw badRequest("kind must be 'RoleBinding' or 'ClusterRoleBinding'")
    host.deleteBinding(kind, req.params.name, query(req, 'namespace'))
    res.status(204).end()
  })
  r.patch('/directory/users/:id', (req, res) => {
    const enabled = bodyOf(req).accountEnabled
    if (typeof enabled !== 'boolean') throw badRequest("'accountEnabled' must be true or false")
    res.json(c.setAccountEnabled(req.params.id, enabled))
  })
  r.post('/directory/groups/:id/members', (req, res) => {
    res.status(201).json(c.addGroupMember(req.params.id, text(bodyOf(req), 'member')))
  })
  r.delete('/directory/groups/:id/members/:member', (req, res) => {
    c.removeGroupMember(req.params.id, req.params.member)
    res.status(204).end()
  })
  return r
}
