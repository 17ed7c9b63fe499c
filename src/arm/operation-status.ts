/**
 * ARM's asynchronous operation protocol for AKS: a write answers 201/202 with `Azure-AsyncOperation`
 * (…/locations/{l}/operations/{id}: the status resource clients poll until `Succeeded`) and `Location`
 * (…/locations/{l}/operationresults/{id}: 202 while running, 204 when done — where a POST's final GET
 * goes). Status times are the simulator clock's. Who may poll: anyone who may read the cluster the
 * operation changes (the simulator's rule; the status URL is subscription-level, where a role assigned
 * on the resource group does not reach).
 */
import type { ArmCaller } from './authenticate.js'
import { OperationNotFound } from './control-plane-errors.js'
import type { OperationRecord } from './control-plane-state.js'
import type { ArmDeps } from './deps.js'
import { AuthorizationFailed } from './errors.js'
import { ACTIONS, subscriptionOf } from './managed-clusters.js'

export const OPERATION_READ = 'Microsoft.ContainerService/locations/operations/read'

type OperationRef = { subscriptionId: string; location: string; id: string; operationId: string }

/** The absolute URLs of an operation's two headers, on this ARM's origin. */
export function operationUrls(origin: string, op: OperationRecord, apiVersion: string) {
  const base = `${origin}/subscriptions/${op.subscriptionId}/providers/Microsoft.ContainerService/locations/${op.location}`
  return {
    asyncOperation: `${base}/operations/${op.id}?api-version=${apiVersion}`,
    location: `${base}/operationresults/${op.id}?api-version=${apiVersion}`,
  }
}

function readable(caller: ArmCaller, deps: ArmDeps, r: OperationRef): OperationRecord {
  subscriptionOf(deps, r.subscriptionId)
  const op = deps.controlPlane.operation(r.operationId)
  const mayRead = (o: OperationRecord) =>
    deps.rbac?.hasAction(caller.objectId, caller.groupIds, ACTIONS.read, o.resourceId) === true
  if (op && !mayRead(op)) throw new AuthorizationFailed(caller.name, caller.objectId, OPERATION_READ, r.id)
  if (!op || op.location.toLowerCase() !== r.location.toLowerCase())
    throw new OperationNotFound(r.operationId)
  return op
}

const iso = (ms: number) => new Date(ms).toISOString()

/** GET …/operations/{id}: `{name, status, startTime[, endTime]}`. */
export function getOperationStatus(caller: ArmCaller, deps: ArmDeps, r: OperationRef) {
  const op = readable(caller, deps, r)
  return {
    body: {
      name: op.id,
      status: op.status,
      startTime: iso(op.startTime),
      ...(op.endTime !== undefined && { endTime: iso(op.endTime) }),
    },
    running: op.status === 'InProgress',
  }
}

/** GET …/operationresults/{id}: still running (202) or done (204). */
export function getOperationResult(caller: ArmCaller, deps: ArmDeps, r: OperationRef) {
  return { running: readable(caller, deps, r).status === 'InProgress' }
}
