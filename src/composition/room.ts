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
  loadOrCreateRoom,
  passwordUsers,
  roomKubeconfig,
  sheetEntries,
  withAttendees,
  withDemoPasswords,
  type Attendee,
  type DemoUser,
} from '../room/index.js'
import type { Scenario } from '../scenario/index.js'
import type { UiRoom } from '../ui/index.js'

/**
 * The scenario with the room's attendees, and its own users' passwords replaced by drawn ones unless the
 * host keeps them (`demoPasswords: shared`). With `count` 0: the scenario as it was.
 */
export function roomScenario(
  scenario: Scenario,
  o: { stateDir: string; count: number; resetPasswords: boolean; demoPasswords: 'random' | 'shared' },
): { scenario: Scenario; attendees: Attendee[]; demoUsers: DemoUser[] } {
  if (o.count === 0) return { scenario, attendees: [], demoUsers: [] }
  const { attendees, demoUsers } = loadOrCreateRoom({
    stateDir: o.stateDir,
    count: o.count,
    tenant: { id: scenario.tenant.id.toLowerCase(), domain: scenario.tenant.domain.toLowerCase() },
    resetPasswords: o.resetPasswords,
    demoUsers: o.demoPasswords === 'random' ? passwordUsers(scenario) : [],
  })
  return {
    scenario: withAttendees(withDemoPasswords(scenario, demoUsers), attendees),
    attendees,
    demoUsers,
  }
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
  demoUsers: readonly DemoUser[]
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
    sheet: () => ({
      ...links,
      attendees: sheetEntries(links, o.attendees),
      demoUsers: o.demoUsers.map((d) => ({ ...d })),
    }),
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
