/**
 * The scenario's own users in room mode (alice, bob, … of the demo tenant): their documented password
 * `Workshop-2026!` is public, so in a room anyone could sign in as alice (cluster-admin). Unless the host
 * keeps it (`room.demoPasswords: shared`), each gets a random password drawn like an attendee's, which
 * only the host's sheet shows (docs/room.md).
 */
import type { Scenario } from '../scenario/index.js'

/** A scenario user with the password room mode gave them, for the host's sheet. */
export interface DemoUser {
  userPrincipalName: string
  displayName: string
  password: string
}

/** The scenario's users who sign in with a password (the others cannot sign in on the page anyway). */
export function passwordUsers(scenario: Scenario): { userPrincipalName: string; displayName: string }[] {
  return (scenario.users ?? [])
    .filter((u) => u.password !== undefined)
    .map((u) => ({ userPrincipalName: u.userPrincipalName, displayName: u.displayName }))
}

/** The scenario with these users' passwords replaced (matched by user principal name, any case). */
export function withDemoPasswords(scenario: Scenario, demoUsers: readonly DemoUser[]): Scenario {
  if (demoUsers.length === 0) return scenario
  const byUpn = new Map(demoUsers.map((d) => [d.userPrincipalName.toLowerCase(), d.password]))
  return {
    ...scenario,
    users: (scenario.users ?? []).map((u) => {
      const password = byUpn.get(u.userPrincipalName.toLowerCase())
      return password === undefined ? u : { ...u, password }
    }),
  }
}
