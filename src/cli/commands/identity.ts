/**
 * `aks-auth-sim identity federated-credential create|update|list|show|delete`: `az identity
 * federated-credential` against the simulator's ARM, signed in like get-credentials, so a workshop can
 * fix a workload identity's federation live (the demo's inventory-identity).
 */
import { createInterface } from 'node:readline/promises'
import { parseArgs } from 'node:util'
import { ArmCallError } from '../../client/index.js'
import { signInToAzure } from '../../client/index.js'
import { SignInError } from '../../client/index.js'
import {
  DEFAULT_AUDIENCE,
  azView,
  deleteCredential,
  listCredentials,
  pathSegment,
  putCredential,
  resolveSubscription,
  showCredential,
  type IdentityRef,
} from '../../client/index.js'
import { parseGoDuration } from '../../client/index.js'
import type { ArmContext } from '../../client/index.js'
import { CliError } from '../errors.js'

export const identityHelp = `Usage:
  aks-auth-sim identity federated-credential create -n NAME --identity-name IDENTITY -g RG --issuer URL --subject SUB [--audiences AUD …]
  aks-auth-sim identity federated-credential update -n NAME --identity-name IDENTITY -g RG --issuer URL --subject SUB [--audiences AUD …]
  aks-auth-sim identity federated-credential list   --identity-name IDENTITY -g RG
  aks-auth-sim identity federated-credential show   -n NAME --identity-name IDENTITY -g RG
  aks-auth-sim identity federated-credential delete -n NAME --identity-name IDENTITY -g RG [--yes]

Like 'az identity federated-credential': --audiences defaults to ${DEFAULT_AUDIENCE}; update replaces the
credential as create does; --subscription defaults to the simulator's. The issuer must match the
tokens' iss exactly, trailing slash included: the cluster's is oidcIssuer.clusters.<cluster> in
<state-dir>/endpoints.json.

Signs in to Azure Resource Manager like get-credentials (device code, cached). The signed-in user needs
Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read|write|delete
(Managed Identity Contributor, Contributor, Owner) on the identity.
Common options: --state-dir DIR, --azure-config-dir DIR, --timeout DURATION (sign-in, default 15m)
`

const SUBCOMMANDS = ['create', 'update', 'list', 'show', 'delete'] as const
type Sub = (typeof SUBCOMMANDS)[number]

/** az takes `--audiences A B …` (nargs '+'); parseArgs wants the flag before each value. */
export function expandListOption(args: string[], flag: string): string[] {
  const out: string[] = []
  let collecting = false
  for (const [i, a] of args.entries()) {
    if (a === '--') return [...out, ...args.slice(i)]
    if (a === flag) {
      collecting = true
      // A flag without any value stays as it is, for parseArgs to report.
      if (args[i + 1] === undefined || args[i + 1]!.startsWith('-')) out.push(a)
      continue
    }
    if (collecting && !a.startsWith('-')) {
      out.push(flag, a)
      continue
    }
    collecting = false
    out.push(a)
  }
  return out
}

/** Options each subcommand takes besides the identity's and the common ones (az rejects the others). */
const OWN_OPTIONS: Record<Sub, string[]> = {
  create: ['name', 'issuer', 'subject', 'audiences'],
  update: ['name', 'issuer', 'subject', 'audiences'],
  show: ['name'],
  list: [],
  delete: ['name', 'yes'],
}
const PER_SUBCOMMAND = ['name', 'issuer', 'subject', 'audiences', 'yes']

/** az's argparse messages for options a subcommand does not take or misses, and create/update's check. */
function checkUsage(sub: Sub, v: Record<string, unknown>): void {
  const stray = PER_SUBCOMMAND.filter((k) => v[k] !== undefined && !OWN_OPTIONS[sub].includes(k))
  if (stray.length > 0)
    throw new SignInError('usage', `unrecognized arguments: ${stray.map((k) => `--${k}`).join(' ')}`)
  const required: [string, string][] = [
    ...(sub === 'list' ? [] : ([['name', '--name/-n']] as [string, string][])),
    ['identity-name', '--identity-name'],
    ['resource-group', '--resource-group/-g'],
  ]
  const missing = required.filter(([k]) => v[k] === undefined).map(([, label]) => label)
  if (missing.length > 0)
    throw new SignInError('usage', `the following arguments are required: ${missing.join(', ')}`)
  for (const [k, label] of [...required, ['subscription', '--subscription'] as [string, string]])
    if (typeof v[k] === 'string') pathSegment(v[k], label.split('/')[0]!)
  if ((sub === 'create' || sub === 'update') && (!v.issuer || !v.subject))
    throw new SignInError('usage', 'usage error: please provide both --issuer and --subject parameters')
}

/** az's confirmation for delete: without --yes it asks on a terminal and gives up without one. */
async function confirmDelete(): Promise<void> {
  if (!process.stdin.isTTY) {
    process.stderr.write('Unable to prompt for confirmation as no tty available. Use --yes.\n')
    throw new CliError('Operation cancelled.', 1)
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  // End of input (Ctrl-D) closes the interface; a pending question would otherwise never settle.
  const closed = new AbortController()
  rl.once('close', () => closed.abort())
  try {
    for (;;) {
      const line = await rl
        .question('Are you sure you want to perform this operation? (y/n): ', { signal: closed.signal })
        .catch(() => undefined)
      if (line === undefined) throw new CliError('Operation cancelled.', 1)
      const answer = line.trim().toLowerCase()
      if (answer === 'y' || answer === 'yes') return
      if (answer === 'n' || answer === 'no') throw new CliError('Operation cancelled.', 1)
    }
  } finally {
    rl.close()
  }
}

export async function identityCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: expandListOption(args, '--audiences'),
    strict: true,
    allowPositionals: true,
    options: {
      name: { type: 'string', short: 'n' },
      'identity-name': { type: 'string' },
      'resource-group': { type: 'string', short: 'g' },
      issuer: { type: 'string' },
      subject: { type: 'string' },
      audiences: { type: 'string', multiple: true },
      subscription: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      'state-dir': { type: 'string' },
      'azure-config-dir': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [group, sub, ...extra] = positionals
  if (values.help || group === undefined || (group === 'federated-credential' && sub === undefined)) {
    process.stdout.write(identityHelp)
    return
  }
  if (group !== 'federated-credential' || !SUBCOMMANDS.includes(sub as Sub))
    throw new CliError(
      `unknown command 'identity ${[group, sub].filter(Boolean).join(' ')}'\n\n${identityHelp}`,
      2,
    )
  if (extra.length > 0) throw new CliError(`unrecognized arguments: ${extra.join(' ')}`, 2)
  const command = sub as Sub
  try {
    checkUsage(command, values)
    if (command === 'delete' && !values.yes) await confirmDelete()
    const session = await signInToAzure({
      ...(values['state-dir'] !== undefined && { stateDir: values['state-dir'] }),
      ...(values['azure-config-dir'] !== undefined && { azureConfigDir: values['azure-config-dir'] }),
      timeoutSeconds: parseGoDuration(values.timeout ?? '15m'),
      stderr: (line) => void process.stderr.write(`${line}\n`),
    })
    const ctx: ArmContext = {
      arm: session.arm,
      token: session.token.token.access_token,
      fetch: session.target.fetch,
      endpoints: session.target.endpoints,
    }
    const ref: IdentityRef = {
      subscription: resolveSubscription(values.subscription, ctx.endpoints),
      resourceGroup: values['resource-group']!,
      identity: values['identity-name']!,
    }
    const print = (v: unknown) => void process.stdout.write(JSON.stringify(v, null, 2) + '\n')
    switch (command) {
      case 'create':
      case 'update':
        return print(
          azView(
            await putCredential(ctx, ref, values.name!, {
              issuer: values.issuer!,
              subject: values.subject!,
              audiences: values.audiences?.length ? values.audiences : [DEFAULT_AUDIENCE],
            }),
          ),
        )
      case 'show':
        return print(azView(await showCredential(ctx, ref, values.name!)))
      case 'list':
        return print((await listCredentials(ctx, ref)).map(azView))
      case 'delete':
        return await deleteCredential(ctx, ref, values.name!)
    }
  } catch (err) {
    if (err instanceof SignInError)
      throw new CliError(`identity federated-credential ${command}: ${err.message}`, err.exitCode)
    if (err instanceof ArmCallError) throw new CliError(err.message, 1)
    throw err
  }
}
