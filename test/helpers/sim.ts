import { startSimulator, type Simulator, type StartOptions } from '../../src/index.js'
export { adminFetch } from '../../src/index.js'

/** The admin API's credential as a header, for requests a test builds itself. */
export const adminAuthorization = (sim: Pick<Simulator, 'adminToken'>) => ({
  authorization: `Bearer ${sim.adminToken}`,
})

/** A simulator on OS-chosen ports with the run's shared CA and a 1-second device-code interval. */
export async function startTestSimulator(opts: StartOptions = {}): Promise<Simulator> {
  const pkiDir = process.env.AKS_SIM_TEST_PKI_DIR
  if (!pkiDir || !process.env.NODE_EXTRA_CA_CERTS) throw new Error('test/global-setup.ts did not run')
  return startSimulator({
    portBase: 0,
    pkiDir,
    ...opts,
    deviceCode: { interval: 1, ...opts.deviceCode },
    onUnexpectedError: (err) => {
      // A bug. The response is a generic 5xx, which every test treats as a failure; this shows why.
      console.error('aks-auth-sim unexpected error in test:', err)
    },
  })
}

export const BOB = 'bob@contoso.onmicrosoft.com'
export const ALICE = 'alice@contoso.onmicrosoft.com'
export const DAVE = 'dave@contoso.onmicrosoft.com'
export const ERIN = 'erin@contoso.onmicrosoft.com'
export const FRANK = 'frank@contoso.onmicrosoft.com'
export const CAROL = 'carol_fabrikam.com#EXT#@contoso.onmicrosoft.com'
