/**
 * Room mode at full size (issue 18): 100 attendees sign in with the device code flow through the real
 * endpoints and the device login page's forms, then loop kubectl's `list pods` (their namespace: 200;
 * prod: 403) through the whole chain for a minute. Correctness only — 0 errors, every attendee allowed
 * and refused; the latencies are printed, never asserted (docs/benchmarks.md records them).
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runRoomLoad } from '../../bench/room-load.js'
import type { Simulator } from '../../src/index.js'
import { startTestSimulator } from '../helpers/sim.js'

const ATTENDEES = 100
const SECONDS = Number(process.env.ROOM_LOAD_SECONDS ?? 60)
let sim: Simulator

beforeAll(async () => {
  sim = await startTestSimulator({ room: { attendees: ATTENDEES } })
}, 60_000)
afterAll(() => sim?.stop())

it(`${ATTENDEES} attendees sign in and loop kubectl requests for ${SECONDS} s with 0 errors`, async () => {
  const attendees = sim.directory
    .users()
    .filter((u) => /^attendee\d{3}@/.test(u.userPrincipalName))
    .map((u) => ({
      user: u.userPrincipalName,
      password: u.password!,
      namespace: u.userPrincipalName.split('@')[0]!,
    }))
  expect(attendees).toHaveLength(ATTENDEES)
  expect(attendees[0]!.namespace).toBe('attendee001')
  const result = await runRoomLoad({
    target: {
      authority: sim.endpoints.authority,
      tenantId: sim.endpoints.tenantId,
      ui: String(sim.endpoints.ui),
      apiServer: String(sim.endpoints.apiServer),
      caPem: sim.caPem,
    },
    attendees,
    seconds: SECONDS,
  })
  console.log(`room load: ${JSON.stringify(result)}`)
  expect(result.errors).toEqual([])
  // Every attendee got as far as both kinds of answer, so nobody's loop stalled.
  expect(result.allowed).toBeGreaterThanOrEqual(ATTENDEES)
  expect(result.forbidden).toBeGreaterThanOrEqual(ATTENDEES)
  const ui = String(sim.endpoints.ui)
  const rows = (
    (await (await fetch(`${ui}/api/room`)).json()) as {
      attendees: { signedIn?: unknown; firstAllowed?: unknown; firstForbidden?: unknown }[]
    }
  ).attendees
  expect(rows.filter((r) => r.signedIn && r.firstAllowed && r.firstForbidden)).toHaveLength(ATTENDEES)
}, 240_000)
