/**
 * What the web UI needs from the composition root. The Kubernetes part is a function because the
 * API server may be absent (a simulator without one) or wired after the UI.
 */
import type { SimulatorControls } from '../admin/index.js'
import type { AzureRbac } from '../azure-rbac/index.js'
import type { ResolvedConfig } from '../config/index.js'
import type { EntraDeps } from '../entra/index.js'
import type { Directory } from '../kernel/directory.js'
import type { EventBus } from '../kernel/events.js'
import type { StreamLimits } from './stream.js'
import type { UiKubernetes } from './kubernetes.js'

export interface UiAzure {
  rbac: AzureRbac
  /** ARM id of the managed cluster the authorization webhook serves. */
  clusterResourceId: string
  clusterName: string
  /** Whether Azure RBAC for Kubernetes is on (the SAR webhook joins the authorizer chain). */
  enabled: () => boolean
}

/** Room mode (docs/room.md): the attendees, their sheet (host only) and what every attendee downloads. */
export interface UiRoom {
  attendees(): { user: string; name: string; namespace: string }[]
  /** The printable sheet: links, and per attendee the user, password, namespace and commands. */
  sheet(): {
    ui: string
    caFingerprint: string
    attendees: { user: string; password: string; namespace: string; commands: string[] }[]
    /** The scenario's users with the passwords room mode drew for them: host only, never on a card. */
    demoUsers: { userPrincipalName: string; displayName: string; password: string }[]
  }
  /** An attendee's kubeconfig (no credential in it), with `namespace` as the context's default. */
  kubeconfig(namespace: string | undefined): string
  /** The simulator's CA certificate (public), served at /room/ca.crt. */
  caPem: string
}

export interface UiDeps {
  events: EventBus
  controls: SimulatorControls
  directory: Directory
  /** The device login page is served from the UI too (it is the `verification_uri`). */
  entra: EntraDeps
  config: ResolvedConfig
  azure?: UiAzure
  kubernetes?: () => UiKubernetes | undefined
  /**
   * Set when other machines can reach the UI (a non-loopback `--host`): its API then requires the
   * host's sign-in with this token (host-signin.ts).
   */
  hostSignIn?: { token: string }
  /** Set in room mode (`--attendees N`). */
  room?: UiRoom
  /** Bounds of the event stream (tests shrink them). */
  streamLimits?: Partial<StreamLimits>
  /** How many flows the UI remembers. Default 500. */
  flowCapacity?: number
  onUnexpected: (err: unknown) => void
}
