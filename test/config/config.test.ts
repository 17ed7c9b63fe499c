/**
 * Every option from a file: `aks-auth-sim start --config FILE` (docs/configuration.md). One schema
 * (src/config/schema.ts) checks the file and the programmatic options alike; docs/config.schema.json
 * is its published copy, docs/examples/config.yaml the documented example.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, ConfigError, type Endpoints } from '../../src/index.js'
import {
  configFileSchema,
  configOptionsSchema,
  defaults,
  loadConfigFile,
  resolveConfig,
  validateConfigFile,
} from '../../src/config/index.js'
import { configValidatorsCode } from '../../scripts/config-validators.js'
import { isolatedEnv } from '../helpers/isolation.js'
import { waitFor } from '../helpers/wait.js'

const ROOT = join(import.meta.dirname, '../..')
const EXAMPLE = join(ROOT, 'docs/examples/config.yaml')
const BIN = join(ROOT, 'bin/aks-auth-sim.js')
const tmp = mkdtempSync(join(tmpdir(), 'aks-sim-config-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function problemsOf(fn: () => unknown): string[] {
  try {
    fn()
    return []
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).problems
  }
}

function write(name: string, text: string): string {
  const file = join(tmp, name)
  writeFileSync(file, text)
  return file
}

/** Every option's dotted path in a schema (`webhook.cacheTtlSeconds`). */
function optionPaths(schema: { properties: object }, prefix = ''): string[] {
  return Object.entries(schema.properties).flatMap(
    ([k, s]: [string, { type?: string; properties?: object }]) =>
      s.type === 'object' && s.properties
        ? optionPaths(s as { properties: object }, `${prefix}${k}.`)
        : [`${prefix}${k}`],
  )
}

describe('the config file schema', () => {
  it('is published in docs/config.schema.json (regenerate with npm run docs:config)', () => {
    const published = readFileSync(join(ROOT, 'docs/config.schema.json'), 'utf8')
    expect(JSON.parse(published)).toEqual(JSON.parse(JSON.stringify(configFileSchema)))
  })

  it('is compiled ahead of time into src/config/validators.generated.js (regenerate with npm run docs:config)', () => {
    const committed = readFileSync(join(ROOT, 'src/config/validators.generated.js'), 'utf8')
    expect(committed).toBe(configValidatorsCode())
  })

  it('has exactly the options the defaults have, plus stateDir, autoApprove and the file-only keys', () => {
    const fromDefaults = Object.entries(defaults).flatMap(([k, v]) =>
      typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).map((n) => `${k}.${n}`) : [k],
    )
    expect(optionPaths(configOptionsSchema).sort()).toEqual(
      [...fromDefaults, 'stateDir', 'autoApprove'].sort(),
    )
    expect(optionPaths(configFileSchema).sort()).toEqual(
      [...optionPaths(configOptionsSchema), '$schema', 'scenario', 'pkiDir'].sort(),
    )
  })

  it('accepts the defaults', () => {
    const { webhook, ...rest } = defaults
    const { issuer: _unset, ...hook } = webhook
    expect(problemsOf(() => validateConfigFile({ ...rest, webhook: hook }, 'defaults', tmp))).toEqual([])
  })

  it('is documented option by option in docs/configuration.md, with the example file', () => {
    const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8')
    const missing = optionPaths(configFileSchema).filter(
      (p) => p !== '$schema' && !doc.includes('`' + p + '`'),
    )
    expect(missing).toEqual([])
    expect(doc).toContain('(examples/config.yaml)')
    expect(doc).toContain('(config.schema.json)')
  })
})

describe('loadConfigFile', () => {
  it('loads the documented example, with paths relative to the file', () => {
    const options = loadConfigFile(EXAMPLE)
    expect(options).toMatchObject({
      stateDir: '/tmp/aks-auth-sim-example',
      portBase: 9440,
      deviceCode: { expiresIn: 120, interval: 1 },
      webhook: { cacheTtlSeconds: 0, guardStatusCodes: true },
      apiServer: { version: '1.31.9', authorizationOrder: ['RBAC', 'Webhook'] },
    })
    expect(options).not.toHaveProperty('$schema')
    expect(() => resolveConfig(options)).not.toThrow()
  })

  it('reads JSON as well as YAML; relative paths are the file directory', () => {
    const file = write(
      'relative.json',
      JSON.stringify({ scenario: 'tenants/a.yaml', stateDir: 'state', pkiDir: '../pki', host: '::1' }),
    )
    expect(loadConfigFile(file)).toEqual({
      scenario: join(tmp, 'tenants/a.yaml'),
      stateDir: join(tmp, 'state'),
      pkiDir: join(tmp, '../pki'),
      host: '::1',
    })
    expect(loadConfigFile(write('empty.yaml', '# nothing set\n'))).toEqual({})
  })

  it('reports every problem at once, each with its path, unknown keys included', () => {
    const file = write(
      'bad.yaml',
      [
        'portBase: 70000',
        'colour: blue',
        'deviceCode: { interval: 0, expiresIn: "900" }',
        'tokens: { accessTokenLifetime: 300, realIssuers: "yes" }',
        'webhook:',
        '  cacheTtlSeconds: -1',
        '  cacheTTL: 5',
        '  apiAudiences: [a, 7]',
        'apiServer: { version: "1.32", authorizationOrder: [RBAC, ABAC] }',
        'keys: 5',
        '',
      ].join('\n'),
    )
    expect(problemsOf(() => loadConfigFile(file)).sort()).toEqual(
      [
        'portBase: must be an integer between 0 and 65520 (got 70000)',
        'colour: unknown option; valid here: scenario, pkiDir, stateDir, host, publicHosts, portBase, autoApprove, logFormat, deviceCode, tokens, keys, webhook, apiServer, arm, room',
        'deviceCode.expiresIn: must be an integer ≥ 1 (got "900")',
        'deviceCode.interval: must be an integer ≥ 1 (got 0)',
        'tokens.accessTokenLifetime: must be an integer > 300 (got 300)',
        'tokens.realIssuers: must be true or false (got "yes")',
        'keys: must be a mapping of options (got 5)',
        'webhook.cacheTTL: unknown option (did you mean cacheTtlSeconds?); valid here: audience, verifyAudience, issuer, apiAudiences, rejectDisabledUsers, cacheTtlSeconds, requireClientCert, guardStatusCodes, graphApplication, authzCacheTtlSeconds, denyAsNoOpinion',
        'webhook.apiAudiences[1]: must be a non-empty string (got 7)',
        'webhook.cacheTtlSeconds: must be an integer ≥ 0 (got -1)',
        'apiServer.version: must be a string like 1.32.4 (got "1.32")',
        'apiServer.authorizationOrder[1]: must be one of RBAC, Webhook (got "ABAC")',
      ]
        .map((p) => `${file}: ${p}`)
        .sort(),
    )
  })

  it('names the file when it cannot be read or parsed', () => {
    const missing = join(tmp, 'missing.yaml')
    expect(problemsOf(() => loadConfigFile(missing))).toEqual([
      `${missing}: cannot read the config file (ENOENT)`,
    ])
    const broken = write('broken.yaml', 'webhook: [unclosed\n')
    expect(problemsOf(() => loadConfigFile(broken))[0]).toMatch(new RegExp(`^${broken}: `))
    expect(problemsOf(() => loadConfigFile(write('list.yaml', '- a\n')))).toEqual([
      `${join(tmp, 'list.yaml')}: (root): must be a mapping of options (got ["a"])`,
    ])
  })
})

describe('resolveConfig and the file agree', () => {
  // Values of every kind, valid and not, for every option: each option is checked by the one schema,
  // so the programmatic API refuses exactly what a file refuses, with the same words.
  const anyValue = fc.oneof(
    fc.integer({ min: -2, max: 70_000 }),
    fc.constantFrom(0, 1, 300, 301, 65_520, 65_521, 1.5),
    fc.boolean(),
    fc.constantFrom('', 'x', '1.32.4', 'v1.2.3', '1.32', 'RBAC'),
    fc.constantFrom([], ['a'], [''], ['RBAC', 'Webhook'], ['ABAC'], [1]),
    fc.constant({}),
  )
  const paths = optionPaths(configOptionsSchema)
  const optionsArb = fc.dictionary(fc.constantFrom(...paths), anyValue, { maxKeys: 6 }).map((flat) => {
    const out: Record<string, any> = {}
    for (const [path, v] of Object.entries(flat)) {
      const [group, key] = path.split('.')
      if (key === undefined) out[group!] = v
      else out[group!] = { ...(out[group!] as object), [key]: v }
    }
    return out
  })

  it('refuses the same values with the same problems', () => {
    fc.assert(
      fc.property(optionsArb, (options) => {
        const fromFile = problemsOf(() => validateConfigFile(structuredClone(options), 'f', tmp)).map((p) =>
          p.replace(/^f: /, ''),
        )
        const fromApi = problemsOf(() => resolveConfig(structuredClone(options)))
        expect(fromApi).toEqual(fromFile)
      }),
      { numRuns: 300 },
    )
  })

  it('a valid file resolves to its values over the defaults', () => {
    const cfg = resolveConfig(loadConfigFile(EXAMPLE))
    expect(cfg.webhook).toEqual({
      ...defaults.webhook,
      cacheTtlSeconds: 0,
      guardStatusCodes: true,
      authzCacheTtlSeconds: 0,
      denyAsNoOpinion: false,
    })
    expect(cfg.tokens).toEqual({ accessTokenLifetime: 600, refreshTokenLifetime: 86_400, realIssuers: false })
  })
})

function postForm(
  url: string,
  ca: string,
  form: Record<string, string>,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
      },
    )
    req.on('error', reject)
    req.end(new URLSearchParams(form).toString())
  })
}

describe('aks-auth-sim start --config', () => {
  it('exits 2 listing every problem of the file', async () => {
    const file = write('cli-bad.yaml', 'webhook: { cacheTtlSeconds: -1, guardStatusCodes: 1 }\nportBase: x\n')
    const child = spawn(
      process.execPath,
      [BIN, 'start', '--config', file, '--state-dir', join(tmp, 'never')],
      {
        env: isolatedEnv({}, { base: 'inherit' }),
      },
    )
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((r) => child.on('exit', r))
    expect(code).toBe(2)
    expect(stderr).toContain(`${file}: portBase: must be an integer between 0 and 65520 (got "x")`)
    expect(stderr).toContain(`${file}: webhook.cacheTtlSeconds: must be an integer ≥ 0 (got -1)`)
    expect(stderr).toContain(`${file}: webhook.guardStatusCodes: must be true or false (got 1)`)
    expect(existsSync(join(tmp, 'never'))).toBe(false)
  })

  it('starts with the example file; command-line flags win over it, group by group', async () => {
    const stateDir = join(tmp, 'cli-state')
    const child = spawn(
      process.execPath,
      [
        BIN,
        'start',
        '--config',
        EXAMPLE,
        '--state-dir',
        stateDir,
        '--port-base',
        '0',
        '--device-code-interval',
        '3',
      ],
      { env: isolatedEnv({}, { base: 'inherit' }), stdio: ['ignore', 'ignore', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((r) => child.on('exit', r))
    try {
      await waitFor(
        () => existsSync(join(stateDir, 'endpoints.json')) || child.exitCode !== null,
        'the simulator to start',
      )
      expect(child.exitCode, stderr).toBeNull()
      const ep = JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8')) as Endpoints
      // --port-base 0 over the file's 9440: OS-chosen ports.
      expect(new URL(ep.authority).port).not.toBe('9440')
      const r = await postForm(
        `${ep.authority}/${ep.tenantId}/oauth2/v2.0/devicecode`,
        readFileSync(ep.caFile, 'utf8'),
        {
          client_id: AKS_CLIENT_APP_ID,
          scope: `${AKS_SERVER_APP_ID}/.default`,
        },
      )
      expect(r.status).toBe(200)
      // --device-code-interval 3 over the file's 1; the file's expiresIn (120) stays.
      expect(r.body).toMatchObject({ interval: 3, expires_in: 120 })
    } finally {
      child.kill('SIGTERM')
      await exited
    }
  })
})
