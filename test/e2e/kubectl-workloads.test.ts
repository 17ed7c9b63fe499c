/**
 * The first commands of a Kubernetes workshop with the real kubectl (1.32, the dispatcher's built-in)
 * against the mock API server with two agent nodes: create a deployment, wait for the rollout, read
 * the ReplicaSet → Pod chain, scale, change the image, read the history, undo, replace a deleted pod,
 * run a standalone ReplicaSet, and delete with each cascade.
 */
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scratchDir, startApiServer, writeKubeconfig, type TestApiServer } from '../apiserver/helpers.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { kubectlSkipReason, kubectlTitle } from '../helpers/kubectl.js'

interface Run {
  code: number
  stdout: string
  stderr: string
}

const noKubectl = kubectlSkipReason('1.32.4')
const NODES = ['aks-nodepool1-12345678-vmss000000', 'aks-nodepool1-12345678-vmss000001']

describe.skipIf(noKubectl)(kubectlTitle('kubectl workloads against the API server', noKubectl), () => {
  let server: TestApiServer
  const scratch = scratchDir('kubectl-workloads-')
  let config: string

  beforeAll(async () => {
    server = await startApiServer({ version: '1.32.4' })
    const admin = await server.pki.clientCert('kubectl-workloads-admin', {
      cn: 'masterclient',
      o: ['system:masters'],
    })
    config = writeKubeconfig(join(scratch.dir, 'admin.kubeconfig'), server, { cert: admin })
    NODES.forEach((name, i) =>
      server.api.writer.create('', 'nodes', '', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name },
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'kubelet is posting ready status',
            },
          ],
          addresses: [{ type: 'InternalIP', address: `10.224.0.${4 + i}` }],
        },
      }),
    )
  })
  afterAll(async () => {
    await server.close()
    scratch.cleanup()
  })

  const home = join(scratch.dir, 'home')
  function kubectl(...args: string[]): Promise<Run> {
    mkdirSync(home, { recursive: true })
    return new Promise((resolve) => {
      execFile(
        '/usr/bin/kubectl',
        ['--kubeconfig', config, '--cache-dir', join(home, 'cache'), ...args],
        { env: isolatedEnv({}, { home }), timeout: 60_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      )
    })
  }
  function kubectlIn(input: string, ...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      const child = execFile(
        '/usr/bin/kubectl',
        ['--kubeconfig', config, '--cache-dir', join(home, 'cache'), ...args],
        { env: isolatedEnv({}, { home }), timeout: 60_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      )
      child.stdin?.end(input)
    })
  }
  const ok = async (...args: string[]) => {
    const r = await kubectl(...args)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    return r.stdout
  }
  const rows = (out: string) => out.trim().split('\n').slice(1)
  /** Re-runs a kubectl read until `check` holds (the controllers act after the write). */
  async function eventually(args: string[], check: (out: string) => boolean): Promise<string> {
    let out = ''
    for (let i = 0; i < 100; i++) {
      out = (await kubectl(...args)).stdout
      if (check(out)) return out
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`kubectl ${args.join(' ')} never satisfied the check; last output:\n${out}`)
  }

  it('create deployment → rollout status → the ReplicaSet and its pods on the nodes', async () => {
    expect(await ok('create', 'deployment', 'x', '--image=nginx')).toBe('deployment.apps/x created\n')
    expect(await ok('rollout', 'status', 'deployment/x', '--timeout=60s')).toMatch(
      /deployment "x" successfully rolled out\n$/,
    )
    const out = await ok('get', 'rs,pods', '-o', 'wide')
    const [rsBlock, podBlock] = out.trim().split('\n\n')
    expect(rsBlock!.split('\n')[0]).toMatch(
      /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/,
    )
    const rs =
      /^replicaset\.apps\/(x-([a-z0-9]+))\s+1\s+1\s+1\s+\S+\s+nginx\s+nginx\s+app=x,pod-template-hash=([a-z0-9]+)$/m.exec(
        rsBlock!,
      )
    expect(rs, rsBlock).not.toBeNull()
    expect(rs![3]).toBe(rs![2])
    expect(podBlock!.split('\n')[0]).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    )
    expect(podBlock).toMatch(
      new RegExp(
        `^pod/${rs![1]}-[a-z0-9]{5}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+10\\.244\\.\\d+\\.\\d+\\s+aks-nodepool1-12345678-vmss00000[01]\\s+<none>\\s+<none>$`,
        'm',
      ),
    )
    const owner = await ok(
      'get',
      'pods',
      '-o',
      'jsonpath={.items[0].metadata.ownerReferences[0].kind}/{.items[0].metadata.ownerReferences[0].name}',
    )
    expect(owner).toBe(`ReplicaSet/${rs![1]}`)
    const deploy = await ok('get', 'deploy', 'x')
    expect(deploy).toMatch(/^x\s+1\/1\s+1\s+1\s+\S+$/m)
  })

  it('scale up and down', async () => {
    expect(await ok('scale', 'deployment', 'x', '--replicas=3')).toBe('deployment.apps/x scaled\n')
    await ok('rollout', 'status', 'deployment/x', '--timeout=60s')
    await eventually(['get', 'pods', '--no-headers'], (o) => rows(`h\n${o}`).length === 3)
    expect(await ok('get', 'deploy', 'x')).toMatch(/^x\s+3\/3\s+3\s+3\s+\S+$/m)
    expect(await ok('scale', 'deployment', 'x', '--replicas=2')).toBe('deployment.apps/x scaled\n')
    await eventually(['get', 'pods', '--no-headers'], (o) => rows(`h\n${o}`).length === 2)
  })

  it('set image rolls out revision 2; history lists both; undo brings revision 1’s template back as 3', async () => {
    const before = (await ok('get', 'rs', '-o', 'name')).trim()
    expect(await ok('set', 'image', 'deployment/x', 'nginx=nginx:1.27')).toBe(
      'deployment.apps/x image updated\n',
    )
    expect(await ok('rollout', 'status', 'deployment/x', '--timeout=60s')).toMatch(
      /deployment "x" successfully rolled out\n$/,
    )
    const rs = await ok('get', 'rs')
    expect(rs).toMatch(new RegExp(`^${before.replace('replicaset.apps/', '')}\\s+0\\s+0\\s+0\\s+\\S+$`, 'm'))
    expect(rows(rs).filter((l) => /\s+2\s+2\s+2\s+/.test(l))).toHaveLength(1)
    const pods = await eventually(
      ['get', 'pods', '-o', 'jsonpath={.items[*].spec.containers[0].image}'],
      (o) => o.split(' ').length === 2 && o.split(' ').every((i) => i === 'nginx:1.27'),
    )
    expect(pods).toBe('nginx:1.27 nginx:1.27')
    const history = await ok('rollout', 'history', 'deployment/x')
    expect(history).toMatch(/^deployment\.apps\/x \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n\n$/)
    expect(await ok('rollout', 'undo', 'deployment/x')).toBe('deployment.apps/x rolled back\n')
    await ok('rollout', 'status', 'deployment/x', '--timeout=60s')
    await eventually(
      ['get', 'pods', '-o', 'jsonpath={.items[*].spec.containers[0].image}'],
      (o) => o === 'nginx nginx',
    )
    expect(await ok('rollout', 'history', 'deployment/x')).toMatch(
      /^REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>$/m,
    )
    expect(
      await ok(
        'get',
        'rs',
        before.replace('replicaset.apps/', ''),
        '-o',
        'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}',
      ),
    ).toBe('3')
  })

  it('replaces a deleted pod', async () => {
    const [victim] = (await ok('get', 'pods', '-o', 'name')).trim().split('\n')
    expect(await ok('delete', victim!, '--wait=false')).toBe(`pod "${victim!.replace('pod/', '')}" deleted\n`)
    const after = await eventually(['get', 'pods', '-o', 'name'], (o) => {
      const names = o.trim().split('\n')
      return names.length === 2 && !names.includes(victim!)
    })
    expect(after.trim().split('\n')).toHaveLength(2)
  })

  it('runs a standalone ReplicaSet from a manifest; --cascade=orphan keeps its pods', async () => {
    const manifest = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: solo
spec:
  replicas: 2
  selector:
    matchLabels: {app: solo}
  template:
    metadata:
      labels: {app: solo}
    spec:
      containers:
      - name: c
        image: busybox
`
    const created = await kubectlIn(manifest, 'create', '-f', '-')
    expect(created).toMatchObject({ code: 0, stdout: 'replicaset.apps/solo created\n' })
    await eventually(['get', 'rs', 'solo', '--no-headers'], (o) => /^solo\s+2\s+2\s+2\s+/.test(o))
    expect(await ok('delete', 'rs', 'solo', '--cascade=orphan')).toBe('replicaset.apps "solo" deleted\n')
    const left = await ok(
      'get',
      'pods',
      '-l',
      'app=solo',
      '-o',
      'jsonpath={range .items[*]}{.metadata.ownerReferences}{"|"}{end}',
    )
    expect(left).toBe('||')
    await ok('delete', 'pods', '-l', 'app=solo', '--wait=false')
  })

  it('deleting the deployment takes its ReplicaSets and pods with it', async () => {
    expect(await ok('delete', 'deployment', 'x')).toBe('deployment.apps "x" deleted\n')
    await eventually(['get', 'rs,pods'], (o) => o === '')
    const r = await kubectl('get', 'rs,pods')
    expect(r.stderr).toBe('No resources found in default namespace.\n')
  })
})
