/**
 * RFC 8628 device authorizations and their state machine: pending → approved | declined → redeemed.
 * A code is redeemed exactly once: the state changes synchronously before any token is signed, so two
 * pollers racing on one code cannot both win.
 *
 * Memory stays bounded without a global lock-out: a code leaves the store when it expires (redeemed
 * or not), and the live codes are limited per source (client id + remote address), so one source
 * issuing codes in a loop is throttled while every other client still signs in. The last expired
 * codes are remembered in a small ring only so that a late poll gets `expired_token` rather than
 * "not found"; the ring never refuses anything.
 */
import type { Clock } from '../kernel/clock.js'
import { newUserCode, opaque } from '../kernel/ids.js'
import type { ResourceRequest } from './scopes.js'

const DEVICE_CODE_PREFIX = 'DAQABIQEAAAB'
/** Live (unexpired) codes one source may hold: far more than any sign-in or test suite needs at once. */
export const MAX_LIVE_CODES_PER_SOURCE = 5_000
/** Expired codes remembered for precise late answers (oldest forgotten first). */
const RETIRED_CODES = 2_000

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
  /**
   * Object id of the user whose password the login page checked for this code: in room mode only that
   * user may then Continue or Cancel (the consent form carries no password).
   */
  signedInUserId?: string
  /**
   * Why the token endpoint refused the approved code when it was redeemed (`invalid_grant AADSTS50057:
   * The user account is disabled.`): the code is used up, but no token was issued.
   */
  refusal?: string
  /** Scripted delay: polls still answered `authorization_pending` after approval. */
  pendingPollsLeft: number
  polls: number
}

/** Why `create` refused: the source holds its limit of live codes until `retryAfterSeconds` from now. */
export interface DeviceCodeLimit {
  limited: true
  retryAfterSeconds: number
}

export interface DeviceCodeStore {
  /** `source` is who asks (client id + remote address): the unit the live-code limit applies to. */
  create(
    a: Pick<DeviceAuthorization, 'clientId' | 'protocol' | 'resource' | 'oidcScopes'>,
    source: string,
  ): DeviceAuthorization | DeviceCodeLimit
  byDeviceCode(code: string): DeviceAuthorization | undefined
  byUserCode(code: string): DeviceAuthorization | undefined
  isWellFormed(code: string): boolean
  /** Live codes, oldest first. */
  list(): DeviceAuthorization[]
  /** Live codes held (for memory checks and metrics). */
  size(): number
}

/** What users type: case-insensitive, spaces and dashes ignored. */
export const normaliseUserCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '')

interface Held {
  entry: DeviceAuthorization
  source: string
}

export function createDeviceCodeStore(opts: {
  clock: Clock
  expiresIn: number
  interval: number
  /** Default MAX_LIVE_CODES_PER_SOURCE. */
  maxPerSource?: number
}): DeviceCodeStore {
  const maxPerSource = opts.maxPerSource ?? MAX_LIVE_CODES_PER_SOURCE
  // Every code lives expiresIn seconds and the clock never goes back, so insertion order is expiry
  // order: expiring walks from the front and stops at the first live code (O(expired), not O(all)).
  const live = new Map<string, Held>()
  const byUser = new Map<string, DeviceAuthorization>()
  /** Live codes per source, oldest first. */
  const perSource = new Map<string, DeviceAuthorization[]>()
  const retired = new Map<string, DeviceAuthorization>()
  const retire = (h: Held) => {
    live.delete(h.entry.deviceCode)
    byUser.delete(h.entry.userCode)
    const mine = perSource.get(h.source)
    if (mine) {
      mine.shift()
      if (mine.length === 0) perSource.delete(h.source)
    }
    retired.set(h.entry.deviceCode, h.entry)
    retired.set(h.entry.userCode, h.entry)
    while (retired.size > RETIRED_CODES * 2) retired.delete(retired.keys().next().value!)
  }
  const expire = () => {
    const now = opts.clock.now()
    for (const h of live.values()) {
      if (h.entry.expiresAt > now) break
      retire(h)
    }
  }
  return {
    create(a, source) {
      expire()
      const now = opts.clock.now()
      const mine = perSource.get(source) ?? []
      if (mine.length >= maxPerSource)
        return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil((mine[0]!.expiresAt - now) / 1000)) }
      let userCode = newUserCode()
      while (byUser.has(userCode)) userCode = newUserCode()
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
      live.set(entry.deviceCode, { entry, source })
      byUser.set(userCode, entry)
      mine.push(entry)
      perSource.set(source, mine)
      return entry
    },
    byDeviceCode(code) {
      expire()
      return live.get(code)?.entry ?? retired.get(code)
    },
    byUserCode(code) {
      expire()
      const normalised = normaliseUserCode(code)
      return byUser.get(normalised) ?? retired.get(normalised)
    },
    isWellFormed: (code) => code.startsWith(DEVICE_CODE_PREFIX) && /^[A-Za-z0-9_-]{140,}$/.test(code),
    list: () => {
      expire()
      return [...live.values()].map((h) => h.entry)
    },
    size: () => {
      expire()
      return live.size
    },
  }
}
