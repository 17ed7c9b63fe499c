/**
 * Room mode at start (docs/room.md): the attendees loaded or drawn from `<stateDir>/room.json`, added to
 * the scenario before the directory is built, their Kubernetes objects created through the API server
 * when missing, and what the UI serves about them (the host's sheet, the attendees' kubeconfig).
 */
import type { ObjectWriter } from '../apiserver/index.js'
import { AlreadyExists } from '../kube/index.js'
import {
  attendeeObjects,
  caFingerprint,
  loadOrCreateAttendees,
  roomKubeconfig,
  sheetEntries,
  withAttendees,
  type Attendee,
} from '../room/index.js'
import type { Scenario } from '../scenario/index.js'
import type { UiRoom } from '../ui/index.js'

/** The scenario with the room's attendees (none when `count` is 0: the scenario as it was). */
export function roomScenario(
  scenario: Scenario,
  o: { stateDir: string; count: number; resetPasswords: boolean },
): { scenario: Scenario; attendees: Attendee[] } {
  if (o.count === 0) return { scenario, attendees: [] }
  const attendees = loadOrCreateAttendees({
    stateDir: o.stateDir,
    count: o.count,
    tenant: { id: scenario.tenant.id.toLowerCase(), domain: scenario.tenant.domain.toLowerCase() },
    resetPasswords: o.resetPasswords,
  })
  return { scenario: withAttendees(scenario, attendees), attendees }
}

const RESOURCES: Record<string, [group: string, resource: string]> = {
  Namespace: ['', 'namespaces'],
  RoleBinding: ['rbac.authorization.k8s.io', 'rolebindings'],
}

/** Creates each room object that does not exist yet; one the host changed or kept is left as it is. */
export function ensureRoomObjects(
  writer: ObjectWriter,
  scenario: Scenario,
  attendees: readonly Attendee[],
): void {
  for (const m of attendeeObjects(scenario, attendees)) {
    const [group, resource] = RESOURCES[m.kind]!
    try {
      writer.create(group, resource, m.metadata.namespace ?? '', m)
    } catch (err) {
      if (!(err instanceof AlreadyExists)) throw err
    }
  }
}

export function uiRoom(o: {
  attendees: readonly Attendee[]
  caPem: string
  uiUrl: string
  apiServerUrl: string
  authority: string
  tenantId: string
  clusterName: string
}): UiRoom {
  const links = { ui: o.uiUrl, caFingerprint: caFingerprint(o.caPem) }
  return {
    caPem: o.caPem,
    attendees: () =>
      o.attendees.map((a) => ({ user: a.userPrincipalName, name: a.name, namespace: a.namespace })),
    sheet: () => ({ ...links, attendees: sheetEntries(links, o.attendees) }),
    kubeconfig: (namespace) =>
      roomKubeconfig({
        server: o.apiServerUrl,
        caPem: o.caPem,
        authority: o.authority,
        tenantId: o.tenantId,
        clusterName: o.clusterName,
        namespace,
      }),
  }
}
