/**
 * The simulator's control surface, shared by the admin API, the programmatic API and the CLI:
 * plain functions over the services' state.
 */
import { ClockRangeError, type Clock } from '../kernel/clock.js'
import type { Directory } from '../kernel/directory.js'
import type { EventBus } from '../kernel/events.js'
import type { FaultRegistry } from '../kernel/faults.js'
import type { KeyStore } from '../kernel/keys.js'
import type { EntraDeps } from '../entra/index.js'
import { decideDeviceCode, DeviceCodeDecisionError } from '../entra/index.js'
import type { Endpoints } from '../kernel/endpoints.js'
import { AdminError } from './routes.js'
import type { DeviceCodeView, SimulatorControls } from './types.js'

export function createControls(a: {
  entra: EntraDeps
  directory: Directory
  clock: Clock
  keys: KeyStore
  events: EventBus
  faults: FaultRegistry
  endpoints: () => Endpoints
  metrics: SimulatorControls['metrics']
}): SimulatorControls {
  const { directory, clock, keys, events } = a
  const view = (userCode: string): DeviceCodeView => {
    const e = a.entra.deviceCodes.byUserCode(userCode)!
    return {
      userCode: e.userCode,
      clientId: e.clientId,
      client: directory.application(e.clientId)?.name ?? e.clientId,
      resource: e.resource.audience,
      state: e.refusal ? 'refused' : e.state,
      ...(e.refusal && { reason: e.refusal }),
      user: e.userId ? directory.user(e.userId)?.userPrincipalName : undefined,
      polls: e.polls,
      expiresAt: new Date(e.expiresAt).toISOString(),
    }
  }
  const decide = (userCode: string, user: string, decision: 'approve' | 'decline', afterPolls?: number) => {
    try {
      const { entry } = decideDeviceCode(a.entra, {
        userCode,
        user,
        decision,
        ...(afterPolls !== undefined && { afterPolls }),
      })
      return view(entry.userCode)
    } catch (err) {
      if (err instanceof DeviceCodeDecisionError) throw new AdminError(err.status, err.code, err.message)
      throw err
    }
  }
  const clockView = () => ({
    now: new Date(clock.now()).toISOString(),
    offsetSeconds: clock.offsetMs() / 1000,
  })
  const keysView = () => ({ current: keys.current().kid, published: keys.published().map((k) => k.kid) })
  const lookup = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new AdminError(404, 'not_found', `no ${what}`)
    return value
  }
  return {
    events,
    faults: a.faults,
    endpoints: a.endpoints,
    metrics: a.metrics,
    deviceCodes: () =>
      a.entra.deviceCodes
        .list()
        .filter((e) => e.expiresAt > clock.now() || e.state !== 'pending')
        .map((e) => view(e.userCode)),
    approveDeviceCode: (userCode, user, opts = {}) => decide(userCode, user, 'approve', opts.afterPolls),
    declineDeviceCode: (userCode, user) => decide(userCode, user, 'decline'),
    clock: clockView,
    advanceClock(seconds) {
      try {
        clock.advance(seconds * 1000)
      } catch (err) {
        if (err instanceof ClockRangeError) throw new AdminError(400, 'invalid_body', err.message)
        throw err
      }
      events.emit('clock.advanced', 'admin', { seconds, ...clockView() })
      return clockView()
    },
    async rotateKeys() {
      const k = await keys.rotate()
      events.emit('keys.rotated', 'admin', { kid: k.kid })
      return keysView()
    },
    keys: keysView,
    setAccountEnabled(user, enabled) {
      const u = lookup(directory.user(user), `user '${user}'`)
      directory.setAccountEnabled(u.id, enabled)
      events.emit('directory.changed', 'admin', { user: u.userPrincipalName, accountEnabled: enabled })
      return { id: u.id, userPrincipalName: u.userPrincipalName, accountEnabled: enabled }
    },
    addGroupMember(group, member) {
      const g = lookup(directory.group(group), `group '${group}'`)
      const m = lookup(
        directory.object(member) ?? directory.user(member) ?? directory.group(member),
        `directory object '${member}'`,
      )
      if (m.id === g.id) throw new AdminError(400, 'invalid_member', 'a group cannot be a member of itself')
      directory.addMember(g.id, m.id)
      events.emit('directory.changed', 'admin', { group: g.displayName, added: m.id })
      return { group: g.id, member: m.id }
    },
    removeGroupMember(group, member) {
      const g = lookup(directory.group(group), `group '${group}'`)
      const m = lookup(
        directory.object(member) ?? directory.user(member) ?? directory.group(member),
        `directory object '${member}'`,
      )
      directory.removeMember(g.id, m.id)
      events.emit('directory.changed', 'admin', { group: g.displayName, removed: m.id })
    },
  }
}
