/**
 * The whole access-control path with real kubectl: an Entra token from the device code flow (msal-node),
 * the API server, the TokenReview webhook over mTLS (Graph for overage), Kubernetes RBAC then the Azure
 * RBAC webhook — and what kubectl prints for each outcome.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Simulator } from '../../src/index.js'
import { kubectl, kubectlDescribe, tokenKubeconfig } from '../helpers/kubectl.js'
import { deviceCodeToken } from '../helpers/sign-in.js'
import { ALICE, BOB, CAROL, DAVE, ERIN, FRANK, startTestSimulator } from '../helpers/sim.js'

// Where kubectl cannot run these, they are skipped with the reason in the title (test/helpers/kubectl.ts).
const describeK = kubectlDescribe()

let sim: Simulator
const configs = new Map<string, string>()

beforeAll(async () => {
  sim = await startTestSimulator()
  sim.setAccountEnabled(ERIN, true)
  for (const who of [ALICE, BOB, CAROL, DAVE, ERIN, FRANK])
    configs.set(who, tokenKubeconfig(sim, { token: await deviceCodeToken(sim, who) }))
  sim.setAccountEnabled(ERIN, false)
})
afterAll(() => sim.stop())

const as = (who: string, ...args: string[]) => kubectl(configs.get(who)!, args)

describeK('kubectl through the whole chain', () => {
  it('bob (engineering → edit in dev) lists pods in dev', async () => {
    const r = await as(BOB, 'get', 'pods', '-n', 'dev')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/)
  })

  it('bob is Forbidden in prod with the real message and Azure RBAC’s reason', async () => {
    const r = await as(BOB, 'get', 'pods', '-n', 'prod')
    expect(r.code).toBe(1)
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): pods is forbidden: User "bob@contoso.onmicrosoft.com" cannot list resource "pods" in API group "" in the namespace "prod": User does not have access to the resource in Azure. Update role assignment to allow access.',
    )
  })

  it('auth whoami shows bob’s upn, group ids and oid', async () => {
    const r = await as(BOB, 'auth', 'whoami')
    expect(r.stdout).toContain('Username     bob@contoso.onmicrosoft.com')
    expect(r.stdout).toContain(sim.directory.group('engineering')!.id)
    expect(r.stdout).toContain('system:authenticated')
    expect(r.stdout).toContain(`Extra: oid   [${sim.directory.user(BOB)!.id}]`)
  })

  it('frank reads prod through Azure RBAC only, and is refused cluster-wide', async () => {
    expect((await as(FRANK, 'get', 'pods', '-n', 'prod')).code).toBe(0)
    const all = await as(FRANK, 'get', 'pods', '-A')
    expect(all.stderr).toContain('cannot list resource "pods" in API group "" at the cluster scope')
    expect((await as(FRANK, 'auth', 'can-i', 'list', 'pods', '-n', 'prod')).stdout.trim()).toBe('yes')
    expect((await as(FRANK, 'auth', 'can-i', 'delete', 'pods', '-n', 'prod')).stdout.trim()).toMatch(/^no/)
  })

  it('dave (250 groups, overage → Graph) reads everywhere through sre → view', async () => {
    expect((await as(DAVE, 'get', 'pods', '-A')).code).toBe(0)
    const reviews = sim.events.recent({ type: 'token_review.completed' })
    expect(reviews.some((e) => e.data.user === DAVE && e.data.groupsSource === 'graph')).toBe(true)
  })

  it('carol, a guest, is known by object id and can view dev', async () => {
    const r = await as(CAROL, 'auth', 'whoami')
    expect(r.stdout).toContain(`Username     ${sim.directory.user(CAROL)!.id}`)
    expect((await as(CAROL, 'get', 'configmaps', '-n', 'dev')).code).toBe(0)
  })

  it('alice (aks-admins → cluster-admin) creates and deletes a namespace', async () => {
    expect((await as(ALICE, 'create', 'namespace', 'scratch')).stdout.trim()).toBe(
      'namespace/scratch created',
    )
    expect((await as(ALICE, 'delete', 'namespace', 'scratch')).stdout.trim()).toBe(
      'namespace "scratch" deleted',
    )
  })

  it('erin, disabled after signing in, gets Unauthorized; the reason is in the event stream', async () => {
    const r = await as(ERIN, 'get', 'pods', '-n', 'dev')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('error: You must be logged in to the server')
    const review = sim.events
      .recent({ type: 'token_review.completed' })
      .filter((e) => e.data.outcome === 'rejected')
      .at(-1)!
    expect(review.data.error).toBe('user erin@contoso.onmicrosoft.com is disabled (accountEnabled: false)')
  })

  it('can-i --list is marked incomplete because the webhook cannot list rules', async () => {
    const r = await as(BOB, 'auth', 'can-i', '--list', '-n', 'dev')
    expect(r.stdout).toMatch(/Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/)
    expect(r.stdout + r.stderr).toContain('webhook authorizer does not support user rule resolution')
  })
})

describeK('cluster-role aggregation as readers of the API see it', () => {
  it('shows the aggregated rules of admin, edit and view', async () => {
    const r = await as(ALICE, 'get', 'clusterrole', 'view', '-o', 'json')
    expect(r.code, r.stderr).toBe(0)
    const view = JSON.parse(r.stdout)
    expect(view.aggregationRule.clusterRoleSelectors).toBeTruthy()
    expect(view.rules.some((rule: { resources?: string[] }) => rule.resources?.includes('pods'))).toBe(true)
    const admin = JSON.parse((await as(ALICE, 'get', 'clusterrole', 'admin', '-o', 'json')).stdout)
    expect(admin.rules.length).toBeGreaterThan(view.rules.length)
  })
})
