/**
 * The room's sheet, kept in `<stateDir>/room.json` (0600: it holds the attendees' passwords, and the demo
 * users' when room mode drew theirs). A restart with the same `--attendees` gives every attendee and demo
 * user the same password; a larger N adds attendees and keeps the others; `resetPasswords` draws new ones
 * for all. Passwords of attendees a smaller N left out are kept, so growing the room again gives them back.
 */
import { join } from 'node:path'
import { jsonStateFile } from '../kernel/state-file.js'
import { ConfigError } from '../kernel/errors.js'
import { attendeeId, attendeeNames, newAttendeePassword, type Attendee } from './attendees.js'
import type { DemoUser } from './demo-users.js'

export const ROOM_FILE = 'room.json'

export interface RoomFile {
  tenant: { id: string; domain: string }
  /** The attendees of the last start, in order. */
  attendees: Attendee[]
  /** Every password ever drawn, by attendee name. */
  passwords: Record<string, string>
  /** The scenario's users with the passwords room mode drew for them this start (none with `shared`). */
  demoUsers?: DemoUser[]
  /** Every demo user's password ever drawn, by lower-case user principal name. */
  demoPasswords?: Record<string, string>
}

export function roomFile(stateDir: string) {
  return jsonStateFile<RoomFile>(join(stateDir, ROOM_FILE), 0o600)
}

/**
 * The attendees of this start and the demo users to give a drawn password (`demoUsers`, none when the
 * host keeps the shared one), their passwords loaded or drawn, saved before it returns.
 */
export function loadOrCreateRoom(o: {
  stateDir: string
  count: number
  tenant: { id: string; domain: string }
  resetPasswords?: boolean
  demoUsers?: readonly { userPrincipalName: string; displayName: string }[]
}): { attendees: Attendee[]; demoUsers: DemoUser[] } {
  const file = roomFile(o.stateDir)
  const saved = file.load()
  if (saved !== undefined && (typeof saved !== 'object' || typeof saved.passwords !== 'object'))
    throw new ConfigError([`${file.path}: not a room file (delete it to draw new passwords)`])
  const passwords: Record<string, string> = o.resetPasswords ? {} : { ...saved?.passwords }
  const attendees = attendeeNames(o.count).map((name) => {
    const password = (passwords[name] ??= newAttendeePassword())
    return {
      name,
      userPrincipalName: `${name}@${o.tenant.domain}`,
      id: attendeeId(o.tenant.id, name),
      displayName: `Attendee ${name.slice('attendee'.length)}`,
      password,
      namespace: name,
    }
  })
  const demoPasswords: Record<string, string> = o.resetPasswords ? {} : { ...saved?.demoPasswords }
  const demoUsers = (o.demoUsers ?? []).map((u) => ({
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    password: (demoPasswords[u.userPrincipalName.toLowerCase()] ??= newAttendeePassword()),
  }))
  file.save({ tenant: o.tenant, attendees, passwords, demoUsers, demoPasswords })
  return { attendees, demoUsers }
}

/** The sheet of the last start, for `aks-auth-sim attendees`; undefined when the state dir never had a room. */
export function readRoomFile(stateDir: string): RoomFile | undefined {
  return roomFile(stateDir).load()
}
