/**
 * The attendees' sheet — who signs in with which password, into which namespace, and the commands that
 * get an attendee's machine going — as a table, JSON or CSV (`aks-auth-sim attendees`, the UI's host
 * page), and the kubeconfig those commands download. The kubeconfig holds no credential: like the one
 * `az aks get-credentials` returns for an Entra ID cluster, it names the API server, its CA and the
 * kubelogin-style `get-token` exec plugin, which signs the attendee in with the device code flow.
 */
import { X509Certificate } from 'node:crypto'
import { stringify } from 'yaml'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID } from '../kernel/first-party.js'
import type { Attendee } from './attendees.js'
import type { DemoUser } from './demo-users.js'

/** Where attendees reach the simulator (the first `--public-host` name, or loopback). */
export interface RoomLinks {
  /** The web UI's origin: the device login page, the CA certificate and the kubeconfig are served there. */
  ui: string
  /** SHA-256 fingerprint of the simulator's CA, as `openssl x509 -fingerprint -sha256` prints it. */
  caFingerprint: string
}

export interface SheetEntry {
  user: string
  password: string
  namespace: string
  commands: string[]
}

export const KUBECONFIG_PATH = '/room/kubeconfig'
export const CA_PATH = '/room/ca.crt'

export function caFingerprint(caPem: string): string {
  return new X509Certificate(caPem).fingerprint256
}

/** What an attendee types, in order; `#` comments say what each line does. */
export function attendeeCommands(links: RoomLinks, a: Attendee): string[] {
  return [
    `curl -fsSk ${links.ui}${CA_PATH} -o aks-sim-ca.crt   # the simulator's CA certificate`,
    `openssl x509 -in aks-sim-ca.crt -noout -fingerprint -sha256   # must print ${links.caFingerprint}`,
    `curl -fsS --cacert aks-sim-ca.crt '${links.ui}${KUBECONFIG_PATH}?namespace=${a.namespace}' -o aks-room.kubeconfig`,
    'export NODE_EXTRA_CA_CERTS=$PWD/aks-sim-ca.crt KUBECONFIG=$PWD/aks-room.kubeconfig',
    `kubectl get pods   # open ${links.ui}/devicelogin, enter the code, sign in as ${a.userPrincipalName}`,
  ]
}

export function sheetEntries(links: RoomLinks, attendees: readonly Attendee[]): SheetEntry[] {
  return attendees.map((a) => ({
    user: a.userPrincipalName,
    password: a.password,
    namespace: a.namespace,
    commands: attendeeCommands(links, a),
  }))
}

const csvField = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

/** The demo users' section of the table: host only, apart from the attendees' rows. */
function demoUsersTable(demoUsers: readonly DemoUser[]): string[] {
  if (demoUsers.length === 0) return []
  const wu = Math.max(4, ...demoUsers.map((d) => d.userPrincipalName.length))
  return [
    'DEMO USERS (HOST ONLY) — their drawn passwords; never hand these out (alice is cluster-admin):',
    `${'USER'.padEnd(wu)}  PASSWORD`,
    ...demoUsers.map((d) => `${d.userPrincipalName.padEnd(wu)}  ${d.password}`),
    '',
  ]
}

/**
 * The sheet as a table (attendees, then the demo users' host-only section), JSON (`demoUsers` apart) or
 * CSV. The CSV, made for a mail merge to the attendees, never carries the demo users.
 */
export function renderSheet(
  format: 'table' | 'json' | 'csv',
  links: RoomLinks,
  attendees: readonly Attendee[],
  demoUsers: readonly DemoUser[] = [],
): string {
  const entries = sheetEntries(links, attendees)
  if (format === 'json') return JSON.stringify({ ...links, attendees: entries, demoUsers }, null, 2) + '\n'
  if (format === 'csv')
    return (
      [
        'user,password,namespace,commands',
        ...entries.map((e) =>
          [e.user, e.password, e.namespace, e.commands.join('\n')].map(csvField).join(','),
        ),
      ].join('\n') + '\n'
    )
  const w = (k: keyof SheetEntry, title: string) =>
    Math.max(title.length, ...entries.map((e) => String(e[k]).length))
  const [wu, wp] = [w('user', 'USER'), w('password', 'PASSWORD')]
  const rows = entries.map((e) => `${e.user.padEnd(wu)}  ${e.password.padEnd(wp)}  ${e.namespace}`)
  const example = attendees[0]
  return [
    `${'USER'.padEnd(wu)}  ${'PASSWORD'.padEnd(wp)}  NAMESPACE`,
    ...rows,
    '',
    ...(example
      ? [
          `Each attendee runs (with their own namespace; this is ${example.name}'s):`,
          ...attendeeCommands(links, example).map((c) => `  ${c}`),
          '',
        ]
      : ['Room mode is off: start the simulator with --attendees N.', '']),
    ...demoUsersTable(demoUsers),
  ].join('\n')
}

/** An attendee's kubeconfig: the API server with its CA, and the device-code exec plugin (no secret). */
export function roomKubeconfig(o: {
  server: string
  caPem: string
  authority: string
  tenantId: string
  clusterName: string
  namespace: string | undefined
}): string {
  const user = `room-user_${o.clusterName}`
  return stringify(
    {
      apiVersion: 'v1',
      clusters: [
        {
          cluster: {
            'certificate-authority-data': Buffer.from(o.caPem).toString('base64'),
            server: o.server,
          },
          name: o.clusterName,
        },
      ],
      contexts: [
        {
          context: { cluster: o.clusterName, user, ...(o.namespace && { namespace: o.namespace }) },
          name: o.clusterName,
        },
      ],
      'current-context': o.clusterName,
      kind: 'Config',
      preferences: {},
      users: [
        {
          name: user,
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1beta1',
              args: [
                'get-token',
                '--login',
                'devicecode',
                '--server-id',
                AKS_SERVER_APP_ID,
                '--client-id',
                AKS_CLIENT_APP_ID,
                '--tenant-id',
                o.tenantId,
                '--environment',
                'AzurePublicCloud',
                '--authority-host',
                `${o.authority}/`,
              ],
              command: 'aks-auth-sim',
              env: null,
              installHint:
                '\naks-auth-sim is not installed: in an aks-auth-sim checkout run npm ci and npm link (docs/room.md).\n',
              interactiveMode: 'IfAvailable',
              provideClusterInfo: false,
            },
          },
        },
      ],
    },
    { lineWidth: 0, version: '1.1' },
  )
}
