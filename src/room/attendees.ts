/**
 * Room mode's attendees (docs/room.md): `attendee01` … `attendeeNN`, each a user of the tenant with a
 * password of their own and a namespace of the same name. Names are zero-padded to the width N needs
 * (at least two digits), so a sheet sorts as the room counts.
 */
import { randomInt } from 'node:crypto'
import { stableGuid } from '../kernel/ids.js'

/** The most attendees one simulator is set up for (the load test proves 100; docs/benchmarks.md). */
export const MAX_ATTENDEES = 100
/** The Entra group every attendee belongs to; the workshop's shared bindings name it. */
export const ATTENDEE_GROUP = 'workshop-attendees'

export interface Attendee {
  /** `attendee07`: the user's mail nickname and their namespace. */
  name: string
  userPrincipalName: string
  /** Object id, derived from the tenant and the name: the same on every start. */
  id: string
  displayName: string
  password: string
  namespace: string
}

export function attendeeNames(count: number): string[] {
  if (!Number.isInteger(count) || count < 0 || count > MAX_ATTENDEES)
    throw new RangeError(`attendees must be a whole number from 0 to ${MAX_ATTENDEES} (got ${count})`)
  const width = Math.max(2, String(count).length)
  return Array.from({ length: count }, (_, i) => `attendee${String(i + 1).padStart(width, '0')}`)
}

export const attendeeId = (tenantId: string, name: string) => stableGuid(tenantId, `room:user:${name}`)
export const attendeeGroupId = (tenantId: string) => stableGuid(tenantId, `room:group:${ATTENDEE_GROUP}`)

// No 0/O, 1/l/I: read aloud or copied from paper without a second try.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/** `Room-k7pm-q2rx-9mwd`: 60 random bits, with an upper-case letter, a digit and a symbol as Entra's rules ask. */
export function newAttendeePassword(): string {
  const group = () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')
  return `Room-${group()}-${group()}-${group()}`
}
