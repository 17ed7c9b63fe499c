/** `aks-auth-sim rbac …` run as a child process, the way users run it. */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { isolatedEnv } from '../helpers/isolation.js'
import { FIXTURES, REFERENCE_FIXTURE } from './helpers.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TEAM = `${FIXTURES}team`

interface Run {
  code: number
  stdout: string
  stderr: string
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bin/aks-auth-sim.js', ...args],
      { cwd: ROOT, encoding: 'utf8', env: isolatedEnv({}, { base: 'inherit' }) },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? -1) : 0
        resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr })
      },
    )
  })
}

describe('aks-auth-sim rbac can-i', () => {
  it('answers yes with exit code 0, like kubectl auth can-i', async () => {
    const r = await cli(
      'rbac',
      'can-i',
      'list',
      'pods',
      '-n',
      'team-a',
      '--as',
      'alice',
      '-f',
      REFERENCE_FIXTURE,
    )
    expect(r).toMatchObject({ code: 0, stdout: 'yes\n' })
  })

  it('answers no with the RBAC reason and exit code 1', async () => {
    const r = await cli(
      'rbac',
      'can-i',
      'get',
      'pods',
      '-n',
      'team-b',
      '--as',
      'frank',
      '-f',
      REFERENCE_FIXTURE,
    )
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('no - RBAC: clusterrole.rbac.authorization.k8s.io "does-not-exist" not found\n')
    // The reference-table.yaml fixture holds one object a real API server would reject; the CLI says so.
    expect(r.stderr).toContain('Warning: skipped ')
    expect(r.stderr).toContain('subjects[0].namespace: required')
  })

  it('reads directories of multi-document YAML, JSON Lists and CRDs; -R for sub-directories; -q', async () => {
    const jane = await cli('rbac', 'can-i', 'get', 'pods/log', '-n', 'dev', '--as', 'jane', '-f', TEAM)
    expect(jane).toMatchObject({ code: 0, stdout: 'yes\n' })
    expect(jane.stderr).toContain('invalid.yaml')
    expect(jane.stderr).toContain('roleRef.kind: unsupported value "Role"')
    // The CRD's short name maps to its group, as discovery would on a cluster.
    const widgets = await cli(
      'rbac',
      'can-i',
      'create',
      'wd',
      '-n',
      'x',
      '--as',
      'u',
      '--as-group',
      'widget-admins',
      '-f',
      TEAM,
      '-q',
    )
    expect(widgets).toMatchObject({ code: 0, stdout: '' })
    const flat = await cli('rbac', 'can-i', 'get', 'pods', '-n', 'x', '--as', 'nested-user', '-f', TEAM, '-q')
    expect(flat).toMatchObject({ code: 1, stdout: '' })
    const deep = await cli(
      'rbac',
      'can-i',
      'get',
      'pods',
      '-n',
      'x',
      '--as',
      'nested-user',
      '-f',
      TEAM,
      '-R',
      '-q',
    )
    expect(deep.code).toBe(0)
  })

  it('impersonates like the API server: ServiceAccount groups and system:authenticated are added', async () => {
    const sa = await cli(
      'rbac',
      'can-i',
      'get',
      '/openid/v1/jwks',
      '--as',
      'system:serviceaccount:dev:ci',
      '-f',
      TEAM,
      '-o',
      'json',
    )
    expect(sa.code).toBe(0)
    expect(JSON.parse(sa.stdout)).toMatchObject({
      decision: 'Allow',
      reason:
        'RBAC: allowed by ClusterRoleBinding "system:service-account-issuer-discovery" of ClusterRole "system:service-account-issuer-discovery" to Group "system:serviceaccounts"',
    })
    const noBootstrap = await cli(
      'rbac',
      'can-i',
      'get',
      '/version',
      '--as',
      'anyone',
      '-f',
      TEAM,
      '--no-bootstrap',
    )
    expect(noBootstrap).toMatchObject({ code: 1, stdout: 'no\n' })
  })

  it('lists rules like kubectl auth can-i --list', async () => {
    const r = await cli('rbac', 'can-i', '--list', '-n', 'dev', '--as', 'jane', '-f', TEAM)
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/)
    expect(lines).toContainEqual(expect.stringMatching(/^pods {3,}\[\] {3,}\[\] {3,}\[get list watch\]$/))
    expect(lines).toContainEqual(
      expect.stringMatching(/^pods\/log {3,}\[\] {3,}\[\] {3,}\[get list watch\]$/),
    )
    expect(lines[1]).toMatch(/^selfsubjectreviews\.authentication\.k8s\.io {3,}\[\] {3,}\[\] {3,}\[create\]$/)
    // Every column starts at the same offset on every line (tabwriter alignment).
    const verbsAt = lines[0]!.indexOf('Verbs')
    for (const line of lines.slice(1).filter(Boolean)) expect(line.lastIndexOf('[')).toBe(verbsAt)
  })

  it('rejects bad usage and unreadable input with exit code 2', async () => {
    const noAs = await cli('rbac', 'can-i', 'get', 'pods', '-f', TEAM)
    expect(noAs.code).toBe(2)
    expect(noAs.stderr).toContain('--as USER is required')
    const missing = await cli(
      'rbac',
      'can-i',
      'get',
      'pods',
      '--as',
      'x',
      '-f',
      `${FIXTURES}does-not-exist.yaml`,
    )
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('does not exist')
    const flag = await cli('rbac', 'can-i', 'get', 'pods', '--as', 'x', '-f', TEAM, '--bogus')
    expect(flag.code).toBe(2)
  })
})

describe('aks-auth-sim rbac why / who-can', () => {
  it('why: prints the closest bindings and what they lack, exit code 1 when not allowed', async () => {
    const r = await cli(
      'rbac',
      'why',
      'list',
      'pods',
      '-n',
      'team-b',
      '--as',
      'alice',
      '-f',
      REFERENCE_FIXTURE,
    )
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      'no\n  asked: User "alice" with groups ["system:authenticated"]: list pods in namespace "team-b"',
    )
    expect(r.stdout).toContain('1. RoleBinding "team-a/rb-edit" → ClusterRole "edit"')
    expect(r.stdout).toContain(
      '- namespace: RoleBinding in namespace "team-a" only grants inside "team-a" (request namespace: "team-b")',
    )
  })

  it('why: exit code 0 and the granting rule when allowed', async () => {
    const r = await cli(
      'rbac',
      'why',
      'get',
      'pods/log',
      '-n',
      'dev',
      '--as',
      'jane',
      '-f',
      TEAM,
      '-o',
      'json',
    )
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({
      decision: {
        decision: 'Allow',
        matched: {
          binding: { name: 'read-pods', namespace: 'dev' },
          role: { kind: 'Role', name: 'pod-reader' },
        },
      },
      candidates: [],
    })
  })

  it('who-can: lists subjects with their bindings', async () => {
    const r = await cli('rbac', 'who-can', 'get', 'pods', '-n', 'dev', '-f', TEAM)
    expect(r.code).toBe(0)
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s{3,}/))
    expect(rows[0]).toEqual(['KIND', 'NAME', 'NAMESPACE', 'BINDING', 'ROLE'])
    expect(rows).toContainEqual([
      'ServiceAccount',
      'ci',
      'dev',
      'RoleBinding/dev/read-pods',
      'Role/pod-reader',
    ])
    expect(rows).toContainEqual(['User', 'jane', 'RoleBinding/dev/read-pods', 'Role/pod-reader'])
    expect(rows).toContainEqual([
      'Group',
      'system:masters',
      'ClusterRoleBinding/cluster-admin',
      'ClusterRole/cluster-admin',
    ])
  })

  it('is listed in the top-level help', async () => {
    const r = await cli('--help')
    expect(r.stdout).toContain('rbac           can-i, why, who-can')
  })
})
