/**
 * How the user kubeconfig ARM hands out runs this checkout's CLI as kubectl's exec credential plugin:
 * by absolute paths (no global install needed), pointed at this simulator's state directory.
 */
import { fileURLToPath } from 'node:url'
import type { ExecPlugin } from '../arm/index.js'

export function cliExecPlugin(stateDir: string): ExecPlugin {
  return {
    command: process.execPath,
    argsPrefix: [fileURLToPath(new URL('../../bin/aks-auth-sim.js', import.meta.url))],
    env: [{ name: 'AKS_AUTH_SIM_STATE_DIR', value: stateDir }],
  }
}
