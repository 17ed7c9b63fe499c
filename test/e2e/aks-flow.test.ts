/**
 * The seed's eleven steps with the real kubectl (/usr/bin/kubectl, the dispatcher: the API server
 * reports 1.32, so it runs kubectl in-process and the plugin once per command) and the demo tenant.
 * Each user has a scratch HOME (their ~/.kube/config and ~/.kube/cache/kubelogin) and every command
 * runs from that HOME, not from the checkout: the kubeconfig must work as written. Device codes are
 * answered as the named user, as a person at the login page would.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { demoScenario, type Simulator } from '../../src/index.js'
import { ALICE, BOB, DAVE, FRANK, startTestSimulator } from '../helpers/sim.js'
import {
  AKS_CLIENT,
  AKS_SERVER,
  AZURE_CLI,
  KUBECTL,
  claimsOf,
  cleanEnv,
  cli,
  countEvents,
  deviceCodeAnswerer,
  lastEventId,
  run,
  scratch,
  type Run,
} from '../client/helpers.js'
import { kubectlDescribe } from '../helpers/kubectl.js'

// Where kubectl cannot run these, they are skipped with the reason in the title (test/helpers/kubectl.ts).
const describeK = kubectlDescribe()

const TIMEOUT = 240_000
const SIGN_IN =
  /^To sign in, use a web browser to open the page https:\/\/127\.0\.0\.1:\d+\/devicelogin and enter the code [A-Z0-9]{8,9} to authenticate\.$/m
const CLUSTER_PATH =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks-demo/providers/Microsoft.ContainerService/managedClusters/aks-demo'
const azureForbidden = (user: string, ns: string) =>
  `Error from server (Forbidden): pods is forbidden: User "${user}" cannot list resource "pods" in API group "" in the namespace "${ns}": User does not have access to the resource in Azure. Update role assignment to allow access.\n`

interface Person {
  upn: string
  home: string
  kubeconfig: string
}

function flow(sim: () => Simulator, tmp: ReturnType<typeof scratch>) {
  let step = 0
  const person = (upn: string, name: string): Person => {
    const home = tmp.sub(name)
    return { upn, home, kubeconfig: join(home, '.kube', 'config') }
  }
  const env = (p: Person) =>
    cleanEnv(p.home, { KUBECONFIG: p.kubeconfig, AKS_AUTH_SIM_STATE_DIR: sim().endpoints.stateDir })
  return {
    person,
    getCredentials: (p: Person, ...args: string[]) =>
      cli(['get-credentials', ...args], { env: env(p), cwd: p.home }),
    /** kubectl with a fresh discovery cache per call (kubectl's --cache-dir), from the user's HOME. */
    kubectl: (p: Person, ...args: string[]): Promise<Run> => {
      step += 1
      return run(KUBECTL, ['--cache-dir', join(tmp.dir, `kubectl-cache-${step}`), ...args], {
        env: env(p),
        cwd: p.home,
      })
    },
  }
}

describeK('the AKS sign-in flow with real kubectl and the demo tenant', () => {
  let sim: Simulator
  let answer: ReturnType<typeof deviceCodeAnswerer>
  const tmp = scratch('aks-sim-flow-')
  const f = flow(() => sim, tmp)
  const bob = f.person(BOB, 'bob')
  const dave = f.person(DAVE, 'dave')
  const frank = f.person(FRANK, 'frank')
  const alice = f.person(ALICE, 'alice')
  const oid = (upn: string) => sim.endpoints.directory.users.find((u) => u.upn === upn)!.oid
  const gid = (name: string) => sim.endpoints.directory.groups.find((g) => g.name === name)!.oid

  beforeAll(async () => {
    sim = await startTestSimulator()
    answer = deviceCodeAnswerer(sim)
  })
  afterAll(async () => {
    answer.stop()
    await sim.stop()
    tmp.cleanup()
  })

  it(
    '1. bob runs get-credentials: a device code sign-in to ARM, merged into his kubeconfig beside his other clusters',
    async () => {
      mkdirSync(join(bob.home, '.kube'), { recursive: true })
      writeFileSync(
        bob.kubeconfig,
        stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'kind-dev', cluster: { server: 'https://127.0.0.1:1' } }],
          contexts: [{ name: 'kind-dev', context: { cluster: 'kind-dev', user: 'kind-dev' } }],
          users: [{ name: 'kind-dev', user: { token: 'kind-token' } }],
          'current-context': 'kind-dev',
        }),
        { mode: 0o600 },
      )
      answer.approveAs(BOB)
      const r = await f.getCredentials(bob)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toBe(`Merged "aks-demo" as current context in ${bob.kubeconfig}\n`)
      expect(r.stderr).toMatch(SIGN_IN)
      expect(answer.issued.at(-1)).toMatchObject({
        clientId: AZURE_CLI,
        aud: 'https://management.azure.com/',
      })
      const kc = parse(readFileSync(bob.kubeconfig, 'utf8'))
      expect(kc['current-context']).toBe('aks-demo')
      expect(kc.contexts.map((c: any) => c.name)).toEqual(['kind-dev', 'aks-demo'])
      expect(kc.users.map((u: any) => u.name)).toEqual(['kind-dev', 'clusterUser_rg-aks-demo_aks-demo'])
      expect(kc.clusters.find((c: any) => c.name === 'aks-demo').cluster.server).toBe(sim.endpoints.apiServer)
      expect(statSync(bob.kubeconfig).mode & 0o777).toBe(0o600)
    },
    TIMEOUT,
  )

  it(
    '2. kubectl get pods -n dev: the plugin prompts on stderr, bob signs in, the pods are listed',
    async () => {
      answer.approveAs(BOB)
      const since = lastEventId(sim)
      const r = await f.kubectl(bob, 'get', 'pods', '-n', 'dev')
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/)
      expect(r.stdout).toMatch(/^web-5d8f7b9c6d-x2k4p\s+1\/1\s+Running\s+0\s+\d+[smhd]$/m)
      expect(r.stderr).toMatch(SIGN_IN)
      expect(answer.issued.at(-1)).toMatchObject({ clientId: AKS_CLIENT, aud: AKS_SERVER })
      expect(countEvents(sim, 'device_code.issued', since)).toBe(1)
    },
    TIMEOUT,
  )

  it(
    '3. bob is Forbidden in prod, with the message kube-apiserver and guard give',
    async () => {
      const r = await f.kubectl(bob, 'get', 'pods', '-n', 'prod')
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toBe(azureForbidden(BOB, 'prod'))
    },
    TIMEOUT,
  )

  it(
    '4. kubectl auth whoami shows his UPN, his group object ids and his oid',
    async () => {
      const r = await f.kubectl(bob, 'auth', 'whoami')
      expect(r.code, r.stderr).toBe(0)
      const groups = [gid('engineering'), gid('all-employees')].sort()
      expect(r.stdout).toMatch(new RegExp(`^Username\\s+${BOB}$`, 'm'))
      const line = r.stdout.split('\n').find((l) => l.startsWith('Groups'))!
      expect(
        line
          .match(/\[(.*)\]/)![1]!
          .split(' ')
          .sort(),
      ).toEqual([...groups, 'system:authenticated'].sort())
      expect(r.stdout).toMatch(new RegExp(`^Extra: oid\\s+\\[${oid(BOB)}\\]$`, 'm'))
    },
    TIMEOUT,
  )

  it(
    '5. the next kubectl commands reuse the cached token: no device code, no token request',
    async () => {
      answer.ignore()
      const since = lastEventId(sim)
      const r = await f.kubectl(bob, 'get', 'pods', '-n', 'dev')
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toBe('')
      expect(countEvents(sim, 'device_code.issued', since)).toBe(0)
      expect(countEvents(sim, 'token.issued', since)).toBe(0)
      const cache = join(bob.home, '.kube', 'cache', 'kubelogin')
      expect(readdirSync(cache)).toEqual([
        `AzurePublicCloud-${AKS_SERVER}-${AKS_CLIENT}-${sim.endpoints.tenantId}.json`,
      ])
    },
    TIMEOUT,
  )

  it(
    '6. after the token expires (simulated clock) the refresh token gets a new one, without a prompt',
    async () => {
      answer.ignore()
      sim.advanceClock(3600)
      const since = lastEventId(sim)
      const r = await f.kubectl(bob, 'get', 'pods', '-n', 'dev')
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toBe('')
      expect(countEvents(sim, 'device_code.issued', since)).toBe(0)
      expect(
        countEvents(sim, 'token.issued', since, (d) => d.grant === 'refresh_token' && d.user === BOB),
      ).toBe(1)
    },
    TIMEOUT,
  )

  it(
    '7. dave (250 groups: overage) gets his groups through Graph and reads prod through the sre binding',
    async () => {
      answer.approveAs(DAVE)
      expect((await f.getCredentials(dave)).code).toBe(0)
      const since = lastEventId(sim)
      const who = await f.kubectl(dave, 'auth', 'whoami')
      expect(who.code, who.stderr).toBe(0)
      expect(who.stdout).toMatch(new RegExp(`^Username\\s+${DAVE}$`, 'm'))
      const groups = who.stdout
        .split('\n')
        .find((l) => l.startsWith('Groups'))!
        .match(/\[(.*)\]/)![1]!
        .split(' ')
      expect(groups).toHaveLength(251)
      expect(groups).toContain(gid('sre'))
      const cached = JSON.parse(
        readFileSync(
          join(
            dave.home,
            '.kube',
            'cache',
            'kubelogin',
            readdirSync(join(dave.home, '.kube', 'cache', 'kubelogin'))[0]!,
          ),
          'utf8',
        ),
      )
      const claims = claimsOf(cached.access_token)
      expect(claims.groups).toBeUndefined()
      expect(claims._claim_names).toEqual({ groups: 'src1' })
      expect(
        countEvents(
          sim,
          'request.completed',
          since,
          (d) => /getMemberGroups$/.test(String(d.path)) && d.status === 200,
        ),
      ).toBeGreaterThan(0)
      const prod = await f.kubectl(dave, 'get', 'pods', '-n', 'prod')
      expect(prod.code, prod.stderr).toBe(0)
      expect(prod.stdout).toMatch(/^api-6b7f8c9d54-q8n2m\s+1\/1\s+Running/m)
    },
    TIMEOUT,
  )

  it(
    '8. frank cannot download a kubeconfig, but with the shared one reads prod through Azure RBAC only',
    async () => {
      answer.approveAs(FRANK)
      const denied = await f.getCredentials(frank)
      expect(denied.code).toBe(1)
      const msg = `The client '${FRANK}' with object id '${oid(FRANK)}' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action' over scope '${CLUSTER_PATH}' or the scope is invalid. If access was recently granted, please refresh your credentials.`
      const [prompt, ...rest] = denied.stderr.split('\n')
      expect(prompt).toMatch(SIGN_IN)
      expect(rest.join('\n')).toBe(
        `aks-auth-sim: (AuthorizationFailed) ${msg}\nCode: AuthorizationFailed\nMessage: ${msg}\n`,
      )
      // The user kubeconfig holds no secret: a colleague can hand it over.
      mkdirSync(join(frank.home, '.kube'), { recursive: true })
      copyFileSync(bob.kubeconfig, frank.kubeconfig)
      const prod = await f.kubectl(frank, 'get', 'pods', '-n', 'prod')
      expect(prod.code, prod.stderr).toBe(0)
      expect(prod.stdout).toMatch(/^api-6b7f8c9d54-q8n2m\s+1\/1\s+Running/m)
      // Kubernetes RBAC alone would not let him (no binding names frank or his groups): Azure RBAC does.
      const rbac = sim.kube.rbac.authorize({
        user: { name: FRANK, groups: ['system:authenticated'] },
        resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'prod' },
      })
      expect(rbac.decision).toBe('NoOpinion')
      const dev = await f.kubectl(frank, 'get', 'pods', '-n', 'dev')
      expect(dev.code).toBe(1)
      expect(dev.stderr).toBe(azureForbidden(FRANK, 'dev'))
    },
    TIMEOUT,
  )

  it(
    '9. alice’s --admin kubeconfig works with the masterclient certificate, no sign-in',
    async () => {
      answer.approveAs(ALICE)
      const r = await f.getCredentials(alice, '--admin')
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toBe(`Merged "aks-demo-admin" as current context in ${alice.kubeconfig}\n`)
      answer.ignore()
      const since = lastEventId(sim)
      const pods = await f.kubectl(alice, 'get', 'pods', '-A')
      expect(pods.code, pods.stderr).toBe(0)
      expect(pods.stdout).toMatch(/^prod\s+api-6b7f8c9d54-q8n2m/m)
      const who = await f.kubectl(alice, 'auth', 'whoami')
      expect(who.stdout).toMatch(/^Username\s+masterclient$/m)
      expect(who.stdout).toMatch(/^Groups\s+\[system:masters system:authenticated\]$/m)
      expect(countEvents(sim, 'device_code.issued', since)).toBe(0)
    },
    TIMEOUT,
  )

  it(
    '10. bob’s --admin is refused (Cluster User Role) and his kubeconfig is left as it was',
    async () => {
      const before = readFileSync(bob.kubeconfig, 'utf8')
      const r = await f.getCredentials(bob, '--admin')
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(
        /^aks-auth-sim: \(AuthorizationFailed\) The client 'bob@contoso\.onmicrosoft\.com' with object id '[0-9a-f-]{36}' does not have authorization to perform action 'Microsoft\.ContainerService\/managedClusters\/listClusterAdminCredential\/action' over scope/,
      )
      expect(readFileSync(bob.kubeconfig, 'utf8')).toBe(before)
    },
    TIMEOUT,
  )
})

describeK('11. with disableLocalAccounts nobody gets admin credentials', () => {
  let sim: Simulator
  let answer: ReturnType<typeof deviceCodeAnswerer>
  const tmp = scratch('aks-sim-flow-local-')
  const f = flow(() => sim, tmp)
  const alice = f.person(ALICE, 'alice')
  const bob = f.person(BOB, 'bob')

  beforeAll(async () => {
    const scenario = demoScenario()
    scenario.azure!.managedClusters[0]!.disableLocalAccounts = true
    sim = await startTestSimulator({ scenario })
    answer = deviceCodeAnswerer(sim)
  })
  afterAll(async () => {
    answer.stop()
    await sim.stop()
    tmp.cleanup()
  })

  it(
    'refuses alice’s --admin with AKS’s 400; admin-group members still get in through the user kubeconfig',
    async () => {
      answer.approveAs(ALICE)
      const r = await f.getCredentials(alice, '--admin')
      expect(r.code).toBe(1)
      const msg =
        'Getting static credential is not allowed because this cluster is set to disable local accounts.'
      const [prompt, ...rest] = r.stderr.split('\n')
      expect(prompt).toMatch(SIGN_IN)
      expect(rest.join('\n')).toBe(`aks-auth-sim: (BadRequest) ${msg}\nCode: BadRequest\nMessage: ${msg}\n`)
      answer.approveAs(BOB)
      expect((await f.getCredentials(bob, '--admin')).stderr).toMatch(/\(AuthorizationFailed\)/)
      expect((await f.getCredentials(bob)).code).toBe(0)
      mkdirSync(join(alice.home, '.kube'), { recursive: true })
      copyFileSync(bob.kubeconfig, alice.kubeconfig)
      answer.approveAs(ALICE)
      const pods = await f.kubectl(alice, 'get', 'pods', '-A')
      expect(pods.code, pods.stderr).toBe(0)
      expect(pods.stdout).toMatch(/^prod\s+api-6b7f8c9d54-q8n2m/m)
      expect(pods.stderr).toMatch(SIGN_IN)
    },
    TIMEOUT,
  )
})
