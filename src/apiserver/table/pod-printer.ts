/**
 * printPod of pkg/printers/internalversion: the READY, STATUS (the reason kubectl derives from the
 * container states) and RESTARTS cells, and the wide columns.
 */
import type { KubeObject } from '../types.js'
import { text } from '../values.js'
import { arr, obj, str } from '../values.js'
import { since } from './age.js'
import type { Cell } from './format.js'

/** printPod: READY, STATUS (the reason kubectl derives), RESTARTS with the last restart's age. */
export function podCells(o: KubeObject, now: number): Cell[] {
  const spec = obj(o.spec)
  const status = obj(o.status)
  let reason = str(status.reason) || str(status.phase)
  let restarts = 0
  let ready = 0
  let lastRestart = ''
  let hasRunning = false
  const statuses = arr(status.containerStatuses)
  for (let i = statuses.length - 1; i >= 0; i--) {
    const c = statuses[i]!
    restarts += Number(c.restartCount ?? 0)
    const last = obj(obj(c.lastState).terminated)
    if (str(last.finishedAt) > lastRestart) lastRestart = str(last.finishedAt)
    const state = obj(c.state)
    const waiting = obj(state.waiting)
    const terminated = obj(state.terminated)
    if (state.waiting && str(waiting.reason)) reason = str(waiting.reason)
    else if (state.terminated && str(terminated.reason)) reason = str(terminated.reason)
    else if (state.terminated)
      reason = terminated.signal
        ? `Signal:${text(terminated.signal)}`
        : `ExitCode:${text(terminated.exitCode ?? 0)}`
    else if (c.ready === true && state.running) {
      hasRunning = true
      ready++
    }
  }
  if (reason === 'Completed' && hasRunning)
    reason = arr(status.conditions).some((c) => c.type === 'Ready' && c.status === 'True')
      ? 'Running'
      : 'NotReady'
  if (o.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(str(status.phase)))
    reason = 'Terminating'
  const restartsText =
    restarts && lastRestart ? `${restarts} (${since(lastRestart, now)} ago)` : String(restarts)
  const gates = arr(spec.readinessGates)
  return [
    o.metadata.name ?? '',
    `${ready}/${arr(spec.containers).length}`,
    reason,
    restartsText,
    since(o.metadata.creationTimestamp, now),
    str(status.podIP) || '<none>',
    str(spec.nodeName) || '<none>',
    str(status.nominatedNodeName) || '<none>',
    gates.length
      ? `${gates.filter((g) => arr(status.conditions).some((c) => c.type === g.conditionType && c.status === 'True')).length}/${gates.length}`
      : '<none>',
  ]
}
