/**
 * `aks-auth-sim role-assignment create|delete|list`: `az role assignment` against the simulator's
 * ARM, signed in as a user who may manage role assignments (Owner, User Access Administrator), so a
 * workshop can grant and revoke Azure access live.
 */
import { parseArgs } from 'node:util'
import { ArmCallError } from '../../client/index.js'
import { signInToAzure } from '../../client/index.js'
import { SignInError } from '../../client/index.js'
import { parseGoDuration } from '../../client/index.js'
import {
  createAssignment,
  deleteAssignments,
  listAssignments,
  resolveScope,
  type ArmContext,
} from '../../client/index.js'
import { CliError } from '../errors.js'

export const roleAssignmentHelp = `Usage:
  aks-auth-sim role-assignment create --assignee WHO --role ROLE [--scope SCOPE] [--description TEXT]
  aks-auth-sim role-assignment list   [--assignee WHO] [--scope SCOPE]
  aks-auth-sim role-assignment delete --ids ID [--ids ID …] | --assignee WHO [--role ROLE] [--scope SCOPE]

WHO    a UPN, group name, application name or appId, or an object id
ROLE   a role name ('Azure Kubernetes Service RBAC Reader') or role definition GUID
SCOPE  an ARM scope id, or: subscription (default), resourceGroup[:RG], cluster[:NAME], namespace:[CLUSTER/]NS

Signs in to Azure Resource Manager like get-credentials (device code, cached). The signed-in user needs
Microsoft.Authorization/roleAssignments/write (Owner, User Access Administrator) at the scope.
Common options: --state-dir DIR, --azure-config-dir DIR, --timeout DURATION (sign-in, default 15m)
`

export async function roleAssignmentCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      assignee: { type: 'string' },
      role: { type: 'string' },
      scope: { type: 'string' },
      description: { type: 'string' },
      ids: { type: 'string', multiple: true },
      'state-dir': { type: 'string' },
      'azure-config-dir': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [sub] = positionals
  if (values.help || sub === undefined) {
    process.stdout.write(roleAssignmentHelp)
    return
  }
  if (!['create', 'list', 'delete'].includes(sub))
    throw new CliError(`unknown command 'role-assignment ${sub}'\n\n${roleAssignmentHelp}`, 2)
  try {
    if (sub === 'create' && (!values.assignee || !values.role))
      throw new SignInError('usage', 'role-assignment create needs --assignee and --role')
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
    const scope = resolveScope(values.scope, ctx.endpoints)
    const print = (v: unknown) => void process.stdout.write(JSON.stringify(v, null, 2) + '\n')
    if (sub === 'create')
      return print(
        await createAssignment(ctx, {
          assignee: values.assignee!,
          role: values.role!,
          scope,
          ...(values.description !== undefined && { description: values.description }),
        }),
      )
    if (sub === 'list')
      return print(
        await listAssignments(ctx, {
          scope,
          ...(values.assignee !== undefined && { assignee: values.assignee }),
        }),
      )
    const deleted = await deleteAssignments(ctx, {
      scope,
      ...(values.ids !== undefined && { ids: values.ids }),
      ...(values.assignee !== undefined && { assignee: values.assignee }),
      ...(values.role !== undefined && { role: values.role }),
    })
    process.stderr.write(`deleted ${deleted.length} role assignment(s)\n`)
  } catch (err) {
    if (err instanceof SignInError) throw new CliError(`role-assignment: ${err.message}`, err.exitCode)
    if (err instanceof ArmCallError) throw new CliError(err.message, 1)
    throw err
  }
}
