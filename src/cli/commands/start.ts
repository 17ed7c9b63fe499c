import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startSimulator } from '../../composition/index.js'
import { loadConfigFile } from '../../config/index.js'
import { CliError } from '../errors.js'
import { DEFAULT_PORT_BASE, DEFAULT_STATE_DIR, startHelp } from '../help.js'

export async function startCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      scenario: { type: 'string' },
      'state-dir': { type: 'string' },
      host: { type: 'string' },
      'port-base': { type: 'string' },
      'auto-approve': { type: 'string' },
      'device-code-interval': { type: 'string' },
      'real-issuers': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    process.stdout.write(startHelp)
    return
  }
  // Flags win over the config file, which wins over the defaults (docs/configuration.md).
  const file = values.config === undefined ? {} : loadConfigFile(values.config)
  const portBase =
    values['port-base'] === undefined ? (file.portBase ?? DEFAULT_PORT_BASE) : Number(values['port-base'])
  if (!Number.isInteger(portBase))
    throw new CliError(`--port-base must be a whole number (got '${values['port-base']}')`)
  const interval =
    values['device-code-interval'] === undefined ? undefined : Number(values['device-code-interval'])
  const stateDir = values['state-dir'] ?? file.stateDir ?? DEFAULT_STATE_DIR
  const sim = await startSimulator({
    ...file,
    ...(values.scenario !== undefined && { scenario: values.scenario }),
    stateDir,
    ...(values.host !== undefined && { host: values.host }),
    portBase,
    ...(values['auto-approve'] !== undefined && { autoApprove: values['auto-approve'] }),
    ...(interval !== undefined && { deviceCode: { ...file.deviceCode, interval } }),
    ...(values['real-issuers'] && { tokens: { ...file.tokens, realIssuers: true } }),
  })
  const ep = sim.endpoints
  const extra = ep as Record<string, unknown>
  const url = (v: unknown) =>
    typeof v === 'string' ? v : typeof v === 'object' && v && 'url' in v ? String(v.url) : undefined
  const services: [string, unknown][] = [
    ['Entra ID authority', `${ep.authority}/${ep.tenantId}`],
    ['device login page', ep.deviceLogin],
    ['Kubernetes API server', extra.apiServer],
    ['webhook (TokenReview)', (extra.webhook as { authenticate?: string } | undefined)?.authenticate],
    ['webhook (SAR)', (extra.webhook as { authorize?: string } | undefined)?.authorize],
    ['Microsoft Graph', extra.graph],
    ['Azure Resource Manager', extra.arm],
    ['IMDS (managed identity)', extra.imds],
    ['web UI', url(extra.ui)],
    ['service-account issuer', url(extra.oidcIssuer)],
    ['workload identity webhook', url(extra.workloadIdentityWebhook)],
    ['admin API', ep.admin],
    ['CA certificate', ep.caFile],
    ['endpoints.json', join(ep.stateDir, 'endpoints.json')],
  ]
  const lines = [
    `aks-auth-sim is running for tenant ${ep.tenantDomain} (${ep.tenantId})`,
    '',
    ...services.filter(([, v]) => typeof v === 'string').map(([k, v]) => `  ${k.padEnd(24)} ${String(v)}`),
    '',
    'Next steps:',
    `  export NODE_EXTRA_CA_CERTS=${ep.caFile}     # trust the simulator's CA (Node clients)`,
    `  aks-auth-sim device-code list --state-dir ${ep.stateDir}`,
    `  aks-auth-sim device-code approve <CODE> --as bob@${ep.tenantDomain} --state-dir ${ep.stateDir}`,
    '',
    'Press Ctrl-C to stop.',
  ]
  process.stderr.write(lines.join('\n') + '\n')
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      process.stderr.write(`\nreceived ${signal}, shutting down\n`)
      void sim.stop().then(resolve)
    }
    process.once('SIGINT', () => shutdown('SIGINT'))
    process.once('SIGTERM', () => shutdown('SIGTERM'))
  })
}
