import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { isLoopbackHost, startSimulator } from '../../composition/index.js'
import { loadConfigFile } from '../../config/index.js'
import { MAX_ATTENDEES } from '../../room/index.js'
import { DEFAULT_PORT_BASE, DEFAULT_STATE_DIR, invocation, startHelp, usageError } from '../help.js'

/** A whole number option within [min, max], or a usage error (exit 2). */
function intOption(raw: string | undefined, name: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw usageError(
      `${name} must be a whole number from ${min} to ${max} (got '${raw}')`,
      'aks-auth-sim start',
    )
  return n
}

export async function startCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      scenario: { type: 'string' },
      'state-dir': { type: 'string' },
      host: { type: 'string' },
      'public-host': { type: 'string', multiple: true },
      'port-base': { type: 'string' },
      'auto-approve': { type: 'string' },
      'device-code-interval': { type: 'string' },
      'real-issuers': { type: 'boolean' },
      'log-format': { type: 'string' },
      attendees: { type: 'string' },
      'reset-attendee-passwords': { type: 'boolean' },
      'demo-passwords': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    process.stdout.write(startHelp)
    return
  }
  if (positionals.length) throw usageError(`unexpected argument '${positionals[0]}'`, 'aks-auth-sim start')
  // Flags win over the config file, which wins over the defaults (docs/configuration.md).
  const file = values.config === undefined ? {} : loadConfigFile(values.config)
  // Ten services take port-base … port-base + 9.
  const portBase =
    intOption(values['port-base'], '--port-base', 0, 65535 - 9) ?? file.portBase ?? DEFAULT_PORT_BASE
  const interval = intOption(values['device-code-interval'], '--device-code-interval', 1, 3600)
  const attendees = intOption(values.attendees, '--attendees', 0, MAX_ATTENDEES)
  const logFormat = values['log-format']
  if (logFormat !== undefined && logFormat !== 'none' && logFormat !== 'text' && logFormat !== 'json')
    throw usageError(`--log-format must be none, text or json (got '${logFormat}')`, 'aks-auth-sim start')
  const demoPasswords = values['demo-passwords']
  if (demoPasswords !== undefined && demoPasswords !== 'random' && demoPasswords !== 'shared')
    throw usageError(
      `--demo-passwords must be random or shared (got '${demoPasswords}')`,
      'aks-auth-sim start',
    )
  const stateDir = values['state-dir'] ?? file.stateDir ?? DEFAULT_STATE_DIR
  const shutdown = signalShutdown()
  const sim = await startSimulator({
    ...file,
    ...(values.scenario !== undefined && { scenario: values.scenario }),
    stateDir,
    ...(values.host !== undefined && { host: values.host }),
    ...(values['public-host'] !== undefined && { publicHosts: values['public-host'] }),
    portBase,
    ...(values['auto-approve'] !== undefined && { autoApprove: values['auto-approve'] }),
    ...(interval !== undefined && { deviceCode: { ...file.deviceCode, interval } }),
    ...(values['real-issuers'] && { tokens: { ...file.tokens, realIssuers: true } }),
    ...(logFormat !== undefined && { logFormat }),
    ...((attendees !== undefined || demoPasswords !== undefined) && {
      room: {
        ...file.room,
        ...(attendees !== undefined && { attendees }),
        ...(demoPasswords !== undefined && { demoPasswords }),
      },
    }),
    ...(values['reset-attendee-passwords'] && { resetAttendeePasswords: true }),
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
    ['admin token', extra.adminTokenFile],
    ['CA certificate', ep.caFile],
    ['endpoints.json', join(ep.stateDir, 'endpoints.json')],
  ]
  const cli = invocation()
  // The default state dir needs no flag; any other is named, so the commands reach this simulator.
  const dirFlag = resolve(ep.stateDir) === resolve(DEFAULT_STATE_DIR) ? '' : ` --state-dir ${ep.stateDir}`
  const lines = [
    ...exposureWarning(sim.config.host, sim.config.publicHosts, String(extra.adminTokenFile)),
    `aks-auth-sim is running for tenant ${ep.tenantDomain} (${ep.tenantId})`,
    ...(sim.config.publicHosts.length > 0
      ? [`  reachable from other machines as ${sim.config.publicHosts.join(', ')}`]
      : []),
    '',
    ...services.filter(([, v]) => typeof v === 'string').map(([k, v]) => `  ${k.padEnd(24)} ${String(v)}`),
    '',
    'Next steps:',
    `  export NODE_EXTRA_CA_CERTS=${ep.caFile}     # trust the simulator's CA (Node clients)`,
    `  ${cli} get-credentials${dirFlag}             # sign in to Azure, merge the kubeconfig`,
    `  ${cli} device-code list${dirFlag}`,
    `  ${cli} device-code approve <CODE> --as bob@${ep.tenantDomain}${dirFlag}`,
    ...(cli === 'aks-auth-sim'
      ? []
      : [
          "  (for the short name 'aks-auth-sim': 'npm link' in the checkout, or install the package globally)",
        ]),
    ...(sim.config.room.attendees > 0
      ? [
          '',
          `Room mode: ${sim.config.room.attendees} attendees (attendee01… in ${ep.tenantDomain}, group workshop-attendees).`,
          `  ${cli} attendees${dirFlag}        # the sheet: users, passwords, namespaces, commands`,
          `  ${url(extra.ui) ?? ''}/room.html      # the host dashboard (host sign-in when exposed)`,
          sim.config.room.demoPasswords === 'shared'
            ? `  WARNING: --demo-passwords shared: alice, bob, … keep the public password; anyone here can sign in as alice (cluster-admin).`
            : `  The demo users (alice, bob, …) have random passwords: on the sheet, section DEMO USERS (HOST ONLY).`,
        ]
      : []),
    '',
    `Press Ctrl-C to stop (or: ${cli} stop${dirFlag}).`,
  ]
  process.stderr.write(lines.join('\n') + '\n')
  await shutdown.stopped(sim)
}

/**
 * Listening beyond the loopback interface exposes every service to the network: say what, and what
 * protects it (docs/security.md).
 */
function exposureWarning(host: string, publicHosts: readonly string[], tokenFile: string): string[] {
  if (isLoopbackHost(host)) return []
  return [
    `WARNING: listening on ${host}: every service is reachable from other machines — Entra ID's token`,
    '  endpoint and device login page (anyone who reaches them can sign in as a scenario user), Graph, ARM,',
    "  the Kubernetes API server, the webhook, IMDS (plain HTTP), the service-account issuer, the web UI's",
    `  host controls (host sign-in with the admin token required) and the admin API (admin token required:`,
    `  ${tokenFile}). Use it on a trusted network only.`,
    publicHosts.length > 0
      ? `  Requests must name ${['localhost', '127.0.0.1', ...publicHosts].join(', ')} in their Host header.`
      : '  No --public-host given: other machines are refused until they use a name given with --public-host NAME.',
    '',
  ]
}

/**
 * Stops the simulator on SIGINT or SIGTERM (listeners closed, state written, the state-dir lock
 * released). Installed before the simulator starts, so a signal that arrives while it starts (or
 * between `endpoints.json` being written and the banner) still shuts it down cleanly once it is up.
 * A second signal during the shutdown exits at once with 128 + its number.
 */
function signalShutdown(): { stopped(sim: { stop(): Promise<void> }): Promise<void> } {
  let received: NodeJS.Signals | undefined
  let wake: (() => void) | undefined
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      process.stderr.write(`received ${signal} again: exiting without a clean shutdown\n`)
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15))
    }
    received = signal
    wake?.()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    async stopped(sim) {
      if (!received) await new Promise<void>((r) => (wake = r))
      process.stderr.write(`\nreceived ${String(received)}, shutting down\n`)
      await sim.stop()
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}
