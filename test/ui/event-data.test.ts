/**
 * The flow view's event readers. `timeOf` remembers the last time text it parsed (the tracker reads
 * an event's time several times, and events come in bursts within a millisecond): the answer must be
 * each event's own time whatever order events are read in.
 */
import { describe, expect, it } from 'vitest'
import type { SimEvent } from '../../src/kernel/events.js'
import { timeOf } from '../../src/ui/flows/event-data.js'

const at = (time: string): SimEvent => ({ id: 1, time, type: 'x', service: 'y', data: {} })

describe('timeOf', () => {
  it("gives each event's own time, read in any order, and 0 for a time it cannot read", () => {
    const a = at('2026-03-01T10:00:00.001Z')
    const b = at('2026-03-01T10:00:00.002Z')
    const bad = at('not a time')
    const order = [a, a, b, a, bad, bad, b, bad, a]
    expect(order.map(timeOf)).toEqual(order.map((e) => (e === bad ? 0 : Date.parse(e.time))))
  })
})
