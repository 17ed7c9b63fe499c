import { DeviceCodeCredential } from '@azure/identity'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AKS_SERVER_APP_ID, AZURE_CLI_APP_ID, type Simulator } from '../../src/index.js'
import { FRANK, startTestSimulator } from '../helpers/sim.js'

let sim: Simulator
beforeAll(async () => {
  sim = await startTestSimulator()
})
afterAll(() => sim.stop())

describe('@azure/identity DeviceCodeCredential', () => {
  it('signs in once; the second getToken is silent (no second prompt)', async () => {
    const prompts: string[] = []
    const credential = new DeviceCodeCredential({
      tenantId: sim.endpoints.tenantId,
      clientId: AZURE_CLI_APP_ID,
      authorityHost: sim.endpoints.authority,
      disableInstanceDiscovery: true,
      userPromptCallback: (info) => {
        prompts.push(info.message)
        sim.approveDeviceCode(info.userCode, FRANK)
      },
    })
    const first = await credential.getToken(`${AKS_SERVER_APP_ID}/.default`)
    const second = await credential.getToken(`${AKS_SERVER_APP_ID}/.default`)
    expect(prompts).toHaveLength(1)
    expect(second.token).toBe(first.token)
    expect(first.expiresOnTimestamp).toBeGreaterThan(Date.now() + 300_000)
    const payload = JSON.parse(Buffer.from(first.token.split('.')[1]!, 'base64url').toString())
    expect(payload).toMatchObject({ upn: FRANK, appid: AZURE_CLI_APP_ID, aud: AKS_SERVER_APP_ID })
    // A different resource reuses the account and its refresh token: still no prompt.
    const graph = await credential.getToken('https://graph.microsoft.com/.default')
    expect(prompts).toHaveLength(1)
    expect(JSON.parse(Buffer.from(graph.token.split('.')[1]!, 'base64url').toString()).aud).toBe(
      'https://graph.microsoft.com',
    )
  })

  it('surfaces a declined sign-in as an authentication error', async () => {
    const credential = new DeviceCodeCredential({
      tenantId: sim.endpoints.tenantId,
      clientId: AZURE_CLI_APP_ID,
      authorityHost: sim.endpoints.authority,
      disableInstanceDiscovery: true,
      userPromptCallback: (info) => void sim.declineDeviceCode(info.userCode, FRANK),
    })
    await expect(credential.getToken(`${AKS_SERVER_APP_ID}/.default`)).rejects.toThrow(
      /authorization_declined/,
    )
  })
})
