import type { Simulator } from '../../src/index.js'
import { RG, SUB } from './helpers.js'

export const ACR_NS = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry`
export const registryPath = (name: string) => `${ACR_NS}/registries/${name}`
export const ACR_API = 'api-version=2023-07-01'
export const ROLE = {
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
} as const

/** Grants `role` to `principalId` at the demo resource group; returns the undo. */
export function grantAtGroup(sim: Simulator, principalId: string, role: string) {
  const a = sim.azureRbac!.createRoleAssignment({
    principalId,
    roleDefinitionId: role,
    scope: `/subscriptions/${SUB}/resourceGroups/${RG}`,
  })
  return () => void sim.azureRbac!.deleteRoleAssignment(a.id)
}

/** `GET /oauth2/token` with Basic credentials (skopeo's way): the status, and the granted access. */
export async function basicToken(
  sim: Simulator,
  registry: string,
  user: string,
  password: string,
  scope: string,
) {
  const r = sim.endpoints.registries!.find((x) => x.name === registry)!
  const q = new URLSearchParams({ service: r.loginServer, scope })
  const res = await fetch(`${r.url}/oauth2/token?${q}`, {
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
  })
  const body = (await res.json()) as { access_token?: string }
  const access = body.access_token
    ? (
        JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString()) as {
          access: { name: string; actions: string[] }[]
        }
      ).access
    : undefined
  return { status: res.status, access }
}
