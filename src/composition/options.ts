/**
 * Simulator options: the programmatic API's input. Everything but the scenario resolves into the
 * services' configuration (src/config); docs/configuration.md describes each one.
 */
import type { ConfigOptions } from '../config/index.js'
import type { Scenario } from '../scenario/index.js'

export interface SimulatorOptions extends ConfigOptions {
  /** A scenario object, or the path of a YAML/JSON scenario file. Default: the built-in demo tenant. */
  scenario?: Scenario | string
  /** Room mode: draw new passwords for every attendee instead of keeping the saved ones (docs/room.md). */
  resetAttendeePasswords?: boolean
}
