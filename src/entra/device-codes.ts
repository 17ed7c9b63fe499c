/**
 * RFC 8628 device authorizations and their state machine: pending → approved | declined → redeemed.
 * A code is redeemed exactly once: the state changes synchronously before any token is signed, so two
 * pollers racing on one code cannot both win. Memory stays bounded: expired entries are swept and the
 * number of live codes is capped.
 */
import type { Clock } from '../kernel/clock.js'
import { newUserCode, opaque } from '../kernel/ids.js'
import type { ResourceRequest } from './scopes.js'

const DEVICE_CODE_PREFIX = 'DAQABIQEAAAB'
/** Redeemed and expired codes are kept this long so replays get a precise error. */
const RETAIN_MS = 3_600_000
const MAX_LIVE_CODES = 10_000

export type DeviceCodeState = 'pending' | 'approved' | 'declined' | 'redeemed'

export interface DeviceAuthorization {
  deviceCode: string
  userCode: string
  clientId: string
  protocol: 'v1' | 'v2'
  resource: ResourceRequest
  oidcScopes: string[]
  issuedAt: number
  expiresAt: number
  interval: number
  state: DeviceCodeState
  /** Object id of the user who approved or declined. */
  userId: string | undefined
  /** Scripted delay: polls still answered `authorization_pending` after approval. */
  pendingPollsLeft: number
  polls: number
}

export interface DeviceCodeStore {
  create(
    a: Pick<DeviceAuthorization, 'clientId' | 'protocol' | 'resource' | 'oidcScopes'>,
  ): DeviceAuthorization | undefined
  byDeviceCode(code: string): DeviceAuthorization | undefined
  byUserCode(code: string): DeviceAuthorization | undefined
  isWellFormed(code: string): boolean
  list(): DeviceAuthorization[]
}

/** What users type: case-insensitive, spaces and dashes ignored. */
export const normaliseUserCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '')

export function createDeviceCodeStore(opts: {
  clock: Clock
  expiresIn: number
  interval: number
}): DeviceCodeStore {
  const byDevice = new Map<string, DeviceAuthorization>()
  const byUser = new Map<string, DeviceAuthorization>()
  let lastSweep = 0
  // Sweeping walks every entry, so it runs at most once a minute (or when the cap is reached).
  const sweep = () => {
    const now = opts.clock.now()
    if (now - lastSweep < 60_000 && byDevice.size < MAX_LIVE_CODES) return
    lastSweep = now
    for (const [k, a] of byDevice) {
      if (a.expiresAt + RETAIN_MS < now) {
        byDevice.delete(k)
        byUser.delete(a.userCode)
      }
    }
  }
  return {
    create(a) {
      sweep()
      if (byDevice.size >= MAX_LIVE_CODES) return undefined
      let userCode = newUserCode()
      while (byUser.has(userCode)) userCode = newUserCode()
      const now = opts.clock.now()
      const entry: DeviceAuthorization = {
        ...a,
        deviceCode: `${DEVICE_CODE_PREFIX}${opaque(96)}`,
        userCode,
        issuedAt: now,
        expiresAt: now + opts.expiresIn * 1000,
        interval: opts.interval,
        state: 'pending',
        userId: undefined,
        pendingPollsLeft: 0,
        polls: 0,
      }
      byDevice.set(entry.deviceCode, entry)
      byUser.set(userCode, entry)
      return entry
    },
    byDeviceCode: (code) => byDevice.get(code),
    byUserCode: (code) => byUser.get(normaliseUserCode(code)),
    isWellFormed: (code) => code.startsWith(DEVICE_CODE_PREFIX) && /^[A-Za-z0-9_-]{140,}$/.test(code),
    list: () => [...byDevice.values()],
  }
}
