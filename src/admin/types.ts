/**
 * The contract between the simulator's control surface (controls.ts) and its callers: the admin API
 * (routes.ts), the UI and the programmatic API. Kept apart from both sides so neither imports the other.
 */
import type { EventBus } from '../kernel/events.js'
import type { FaultRegistry } from '../kernel/faults.js'
import type { Endpoints } from '../kernel/endpoints.js'

export interface DeviceCodeView {
  userCode: string
  clientId: string
  client: string
  resource: string
  /** pending, approved, declined, redeemed (a token was issued) or refused (redeemed without a token). */
  state: string
  /** For a refused code: Entra's error and AADSTS reason (`invalid_grant AADSTS50057: …`). */
  reason?: string
  user: string | undefined
  polls: number
  expiresAt: string
}

export interface SimulatorControls {
  events: EventBus
  faults: FaultRegistry
  endpoints(): Endpoints
  deviceCodes(): DeviceCodeView[]
  approveDeviceCode(userCode: string, user: string, opts?: { afterPolls?: number }): DeviceCodeView
  declineDeviceCode(userCode: string, user: string): DeviceCodeView
  clock(): { now: string; offsetSeconds: number }
  advanceClock(seconds: number): { now: string; offsetSeconds: number }
  rotateKeys(): Promise<{ current: string; published: string[] }>
  keys(): { current: string; published: string[] }
  setAccountEnabled(
    user: string,
    enabled: boolean,
  ): { id: string; userPrincipalName: string; accountEnabled: boolean }
  addGroupMember(group: string, member: string): { group: string; member: string }
  removeGroupMember(group: string, member: string): void
  /** The Prometheus text exposition of the simulator's metrics. */
  metrics(): Promise<{ contentType: string; body: string }>
}
