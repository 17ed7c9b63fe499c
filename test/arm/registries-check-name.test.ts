/**
 * `POST …/providers/Microsoft.ContainerRegistry/checkNameAvailability`, what `az acr create` asks first:
 * the RegistryNameStatus shape of azure-rest-api-specs (RegistryCheckNameNotAvailable.json), ARM's
 * authorization, and bad bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { armToken } from '../client/helpers.js'
import { ALICE, FRANK, startTestSimulator } from '../helpers/sim.js'
import { SUB, arm, expectArmError } from './helpers.js'
import { ACR_API } from './registries.helpers.js'

const PATH = `/subscriptions/${SUB}/providers/Microsoft.ContainerRegistry/checkNameAvailability?${ACR_API}`
const TYPE = 'Microsoft.ContainerRegistry/registries'

let sim: Simulator
let alice: string
let frank: string
beforeAll(async () => {
  sim = await startTestSimulator()
  const oid = sim.endpoints.directory.users.find((u) => u.upn === ALICE)!.oid
  sim.azureRbac!.createRoleAssignment({
    principalId: oid,
    roleDefinitionId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', // Reader
    scope: `/subscriptions/${SUB}`,
  })
  ;[alice, frank] = await Promise.all([armToken(sim, ALICE), armToken(sim, FRANK)])
})
afterAll(() => sim.stop())

describe('checkNameAvailability', () => {
  it('answers taken, free and invalid names', async () => {
    const check = (name: string) => arm(sim, 'POST', PATH, { token: alice, body: { name, type: TYPE } })
    const taken = await check('ContosoACR')
    expect(taken.status).toBe(200)
    expect(taken.body).toEqual({
      nameAvailable: false,
      reason: 'AlreadyExists',
      message: 'The registry ContosoACR is already in use.',
    })
    expect((await check('contosonew')).body).toEqual({ nameAvailable: true })
    expect((await check('no-dashes')).body).toMatchObject({ nameAvailable: false, reason: 'Invalid' })
  })

  it('refuses a caller without a role, a bad body and other methods', async () => {
    expectArmError(
      await arm(sim, 'POST', PATH, { token: frank, body: { name: 'contosonew', type: TYPE } }),
      403,
      'AuthorizationFailed',
    )
    expectArmError(await arm(sim, 'POST', PATH, { token: alice, body: { name: 5 } }), 400, 'BadRequest')
    expectArmError(await arm(sim, 'GET', PATH, { token: alice }), 405, 'MethodNotAllowed')
  })
})
