/**
 * The real kubectl (/usr/bin/kubectl, the dispatcher) against the mock API server. The server's
 * minor version makes the dispatcher run its built-in 1.32 or exec the bundled kubectl.1.29 /
 * kubectl.1.31, so each block drives a different kubectl build. Each test has its own HOME-relative
 * cache dir, so discovery and OpenAPI are fetched like on a first run.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthorizationAttributes, RulesResult, UserInfo } from '../../src/apiserver/index.js'
import { scratchDir, startApiServer, writeKubeconfig, type TestApiServer } from '../apiserver/helpers.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { kubectlSkipReason, kubectlTitle } from '../helpers/kubectl.js'

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** A stand-in for RBAC: `dev` may read pods and configmaps, review itself and read discovery. */
function devAuthorizer(a: AuthorizationAttributes) {
  if (a.user.username !== 'dev') return { decision: 'NoOpinion' as const, reason: '' }
  if (!a.resourceRequest)
    return /^\/(api|apis|openapi|version|healthz)(\/|$)/.test(a.path) && a.verb === 'get'
      ? { decision: 'Allow' as const, reason: '' }
      : { decision: 'NoOpinion' as const, reason: '' }
  if (
    a.verb === 'create' &&
    ['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'selfsubjectreviews'].includes(a.resource)
  )
    return { decision: 'Allow' as const, reason: '' }
  if (
    ['get', 'list', 'watch'].includes(a.verb) &&
    ['pods', 'configmaps'].includes(a.resource) &&
    a.apiGroup === ''
  )
    return { decision: 'Allow' as const, reason: '' }
  return { decision: 'NoOpinion' as const, reason: '' }
}

const devRules = (user: UserInfo): RulesResult =>
  user.username === 'dev'
    ? {
        resourceRules: [
          {
            verbs: ['create'],
            apiGroups: ['authorization.k8s.io'],
            resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
          },
          { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'configmaps'] },
        ],
        nonResourceRules: [
          { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/version'] },
        ],
        incomplete: false,
      }
    : { resourceRules: [], nonResourceRules: [], incomplete: false }

const SERVERS = ['1.32.4', '1.29.7', '1.31.9', '1.27.16']
// Without a kubectl for every one of these server minors, the tests skip and say why (test/helpers/kubectl.ts).
const noKubectl = kubectlSkipReason(...SERVERS)

describe.skipIf(noKubectl).each([
  // server version, minor, the kubectl build the dispatcher runs for it (docs/apiserver.md, /version)
  ['1.32.4', '32', 'v1.32.4-dispatcher'],
  ['1.29.7', '29', 'v1.29.14'],
  ['1.31.9', '31', 'v1.31.9'],
  // 1.27 reads /openapi/v2 in protobuf before apply and uses authentication.k8s.io/v1beta1 for whoami.
  ['1.27.16', '27', 'v1.27.16'],
])(kubectlTitle('kubectl against a %s API server', noKubectl), (serverVersion, minor, clientBuild) => {
  let server: TestApiServer
  const scratch = scratchDir(`kubectl-e2e-${minor}-`)
  let adminConfig: string
  let devConfig: string
  let badConfig: string
  let testNo = 0

  beforeAll(async () => {
    server = await startApiServer({
      version: serverVersion,
      staticTokens: [{ token: 'dev-static-token', user: { username: 'dev', groups: ['devs'] } }],
      authenticateToken: () => Promise.resolve({ authenticated: false, error: 'unknown token' }),
      authorize: devAuthorizer,
      rulesFor: devRules,
    })
    const admin = await server.pki.clientCert('kubectl-e2e-admin', {
      cn: 'masterclient',
      o: ['system:masters'],
    })
    adminConfig = writeKubeconfig(join(scratch.dir, 'admin.kubeconfig'), server, { cert: admin })
    devConfig = writeKubeconfig(join(scratch.dir, 'dev.kubeconfig'), server, { token: 'dev-static-token' })
    badConfig = writeKubeconfig(join(scratch.dir, 'bad.kubeconfig'), server, { token: 'not-a-valid-token' })
  })
  afterAll(async () => {
    await server.close()
    scratch.cleanup()
  })

  /** Runs kubectl with a fresh HOME and cache dir per test. */
  function kubectl(
    config: string,
    args: string[],
    opts: { input?: string; timeoutMs?: number } = {},
  ): Promise<Run> {
    const home = join(scratch.dir, `home-${testNo}`)
    mkdirSync(home, { recursive: true })
    return new Promise((resolve) => {
      const child = execFile(
        '/usr/bin/kubectl',
        ['--kubeconfig', config, '--cache-dir', join(home, 'cache'), ...args],
        { env: isolatedEnv({}, { home }), timeout: opts.timeoutMs ?? 60_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      )
      if (opts.input !== undefined) child.stdin?.end(opts.input)
    })
  }
  const admin = (...args: string[]) => kubectl(adminConfig, args)
  const dev = (...args: string[]) => kubectl(devConfig, args)
  const fresh = () => {
    testNo += 1
  }

  it('runs the kubectl build that matches the server minor', async () => {
    fresh()
    const r = await admin('version', '-o', 'json')
    expect(r.code).toBe(0)
    const v = JSON.parse(r.stdout)
    expect(v.serverVersion.gitVersion).toBe(`v${serverVersion}`)
    expect(v.clientVersion.gitVersion).toBe(clientBuild)
  })

  it('gets namespaces and pods as tables, with -A adding the NAMESPACE column', async () => {
    fresh()
    const ns = await admin('get', 'ns')
    expect(ns.stderr).toBe('')
    expect(ns.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+AGE$/)
    expect(ns.stdout).toMatch(/^default\s+Active\s+\d+s$/m)
    await admin('create', 'namespace', 'e2e')
    await admin('run', 'box', '-n', 'e2e', '--image=busybox:1.36', '--', 'sleep', '3600')
    const pods = await admin('get', 'pods', '-A')
    expect(pods.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/)
    expect(pods.stdout).toMatch(/^e2e\s+box\s+1\/1\s+Running\s+0\s+\d+s$/m)
    const wide = await admin('get', 'pod', 'box', '-n', 'e2e', '-o', 'wide')
    expect(wide.stdout.split('\n')[0]).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    )
  })

  it('creates objects (protobuf bodies from kubectl ≥ 1.32) and prints them', async () => {
    fresh()
    expect((await admin('create', 'namespace', 'team')).stdout).toBe('namespace/team created\n')
    expect((await admin('create', 'configmap', 'c1', '-n', 'team', '--from-literal=a=b')).stdout).toBe(
      'configmap/c1 created\n',
    )
    expect(
      (await admin('create', 'secret', 'generic', 's1', '-n', 'team', '--from-literal=p=q')).stdout,
    ).toBe('secret/s1 created\n')
    expect(
      (await admin('create', 'deployment', 'web', '-n', 'team', '--image=nginx:1.27', '--replicas=2')).stdout,
    ).toBe('deployment.apps/web created\n')
    expect(
      (await admin('create', 'rolebinding', 'devs', '-n', 'team', '--clusterrole=view', '--group=devs'))
        .stdout,
    ).toBe('rolebinding.rbac.authorization.k8s.io/devs created\n')
    const cms = await admin('get', 'cm', '-n', 'team')
    expect(cms.stdout).toMatch(/^NAME\s+DATA\s+AGE\nc1\s+1\s+\d+s\nkube-root-ca\.crt\s+1\s+\d+s\n$/)
    const deploy = await admin('get', 'deploy', 'web', '-n', 'team')
    expect(deploy.stdout).toMatch(
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+2\/2\s+2\s+2\s+\d+s\n$/,
    )
    const secret = await admin('get', 'secret', 's1', '-n', 'team', '-o', 'jsonpath={.data.p}')
    expect(Buffer.from(secret.stdout, 'base64').toString()).toBe('q')
    const dup = await admin('create', 'namespace', 'team')
    expect(dup.code).toBe(1)
    expect(dup.stderr).toBe('Error from server (AlreadyExists): namespaces "team" already exists\n')
  })

  it('applies a new and then a changed manifest without warnings', async () => {
    fresh()
    const file = join(scratch.dir, `apply-${minor}.yaml`)
    const manifest = (value: string, image: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: applied
  namespace: default
data:
  mode: "${value}"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: applied
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels: {app: applied}
  template:
    metadata:
      labels: {app: applied}
    spec:
      containers:
      - name: app
        image: ${image}
        env:
        - {name: MODE, value: "${value}"}
        ports:
        - containerPort: 8080
`
    writeFileSync(file, manifest('one', 'nginx:1.26'))
    const first = await admin('apply', '-f', file)
    expect(first).toMatchObject({ code: 0, stderr: '' })
    expect(first.stdout).toBe('configmap/applied created\ndeployment.apps/applied created\n')
    writeFileSync(file, manifest('two', 'nginx:1.27'))
    const second = await admin('apply', '-f', file)
    expect(second).toMatchObject({ code: 0, stderr: '' })
    expect(second.stdout).toBe('configmap/applied configured\ndeployment.apps/applied configured\n')
    const third = await admin('apply', '-f', file)
    expect(third.stdout).toBe('configmap/applied unchanged\ndeployment.apps/applied unchanged\n')
    const env = await admin(
      'get',
      'deploy',
      'applied',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].env[0].value} {.spec.template.spec.containers[0].image} {.metadata.generation}',
    )
    expect(env.stdout).toBe('two nginx:1.27 2')
  })

  it('patches, describes and deletes', async () => {
    fresh()
    await admin('create', 'configmap', 'p1', '--from-literal=a=1')
    expect((await admin('patch', 'configmap', 'p1', '-p', '{"data":{"b":"2"}}')).stdout).toBe(
      'configmap/p1 patched\n',
    )
    expect(
      (await admin('patch', 'configmap', 'p1', '--type=json', '-p', '[{"op":"remove","path":"/data/a"}]'))
        .stdout,
    ).toBe('configmap/p1 patched\n')
    const described = await admin('describe', 'configmap', 'p1')
    expect(described.code).toBe(0)
    expect(described.stdout).toMatch(/^Name:\s+p1\nNamespace:\s+default\n/)
    expect(described.stdout).toContain('b:\n----\n2\n')
    const pod = await admin('describe', 'pods', '-n', 'e2e')
    expect(pod.stdout).toMatch(/Status:\s+Running/)
    const deleted = await admin('delete', 'configmap', 'p1')
    expect(deleted.stdout).toBe('configmap "p1" deleted\n')
    const missing = await admin('delete', 'ns', 'nope')
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): namespaces "nope" not found\n',
    })
  })

  it('watches with get -w and prints each change', async () => {
    fresh()
    const watching = kubectl(adminConfig, ['get', 'configmaps', '-w', '--request-timeout=4s'])
    await new Promise((r) => setTimeout(r, 1500))
    await admin('create', 'configmap', 'watched', '--from-literal=x=y')
    const r = await watching
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+DATA\s+AGE$/)
    expect(r.stdout).toMatch(/^watched\s+1\s+\d+s$/m)
  })

  it('answers auth can-i yes, no and --list', async () => {
    fresh()
    expect(await admin('auth', 'can-i', 'delete', 'pods')).toMatchObject({ code: 0, stdout: 'yes\n' })
    expect(await dev('auth', 'can-i', 'get', 'pods')).toMatchObject({ code: 0, stdout: 'yes\n' })
    expect(await dev('auth', 'can-i', 'delete', 'pods')).toMatchObject({ code: 1, stdout: 'no\n' })
    expect(await dev('auth', 'can-i', 'get', '/version')).toMatchObject({ code: 0, stdout: 'yes\n' })
    const list = await dev('auth', 'can-i', '--list')
    expect(list.code).toBe(0)
    const lines = list.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/)
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^configmaps\s+\[\]\s+\[\]\s+\[get list watch\]$/),
        expect.stringMatching(/^\s+\[\/version\]\s+\[\]\s+\[get\]$/),
      ]),
    )
  })

  it('answers auth whoami for a certificate and a token user', async () => {
    fresh()
    const me = await admin('auth', 'whoami')
    expect(me.stdout).toMatch(
      /^ATTRIBUTE\s+VALUE\nUsername\s+masterclient\nGroups\s+\[system:masters system:authenticated\]\n$/,
    )
    const d = await dev('auth', 'whoami', '-o', 'json')
    expect(JSON.parse(d.stdout).status.userInfo).toEqual({
      username: 'dev',
      groups: ['devs', 'system:authenticated'],
    })
  })

  it('lists api-resources from aggregated discovery', async () => {
    fresh()
    const r = await admin('api-resources')
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/)
    expect(r.stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m)
    expect(r.stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m)
    expect(r.stdout).toMatch(
      /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview$/m,
    )
  })

  it('prints Forbidden exactly as a real cluster does', async () => {
    fresh()
    const r = await dev('delete', 'configmap', 'kube-root-ca.crt')
    expect(r).toMatchObject({
      code: 1,
      stderr:
        'Error from server (Forbidden): configmaps "kube-root-ca.crt" is forbidden: User "dev" cannot delete resource "configmaps" in API group "" in the namespace "default"\n',
    })
    const list = await dev('get', 'secrets', '-n', 'kube-system')
    expect(list.stderr).toBe(
      'Error from server (Forbidden): secrets is forbidden: User "dev" cannot list resource "secrets" in API group "" in the namespace "kube-system"\n',
    )
  })

  it('prints Unauthorized exactly as a real cluster does', async () => {
    fresh()
    const r = await kubectl(badConfig, ['get', 'pods'])
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines.at(-1)).toBe(
      'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    )
    expect(
      lines
        .slice(0, -1)
        .every((l) =>
          l.includes(
            "couldn't get current server API group list: the server has asked for the client to provide credentials",
          ),
        ),
    ).toBe(true)
  })

  it('impersonates with --as, subject to the impersonate check', async () => {
    fresh()
    const asDev = await admin('auth', 'whoami', '--as=dev', '--as-group=devs')
    expect(asDev.stdout).toMatch(/Username\s+dev\nGroups\s+\[devs system:authenticated\]/)
    expect((await admin('get', 'secrets', '--as=dev')).stderr).toBe(
      'Error from server (Forbidden): secrets is forbidden: User "dev" cannot list resource "secrets" in API group "" in the namespace "default"\n',
    )
    const escalate = await dev('get', 'pods', '--as=masterclient')
    expect(escalate.stderr).toBe(
      'Error from server (Forbidden): users "masterclient" is forbidden: User "dev" cannot impersonate resource "users" in API group "" at the cluster scope\n',
    )
  })
})
