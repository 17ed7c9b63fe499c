// Writes docs/scenario.schema.json from src/scenario/schema.ts (a test fails if the committed copy drifts).
import { writeFileSync } from 'node:fs'
import { scenarioSchema } from '../src/scenario/schema.js'

writeFileSync(
  new URL('../docs/scenario.schema.json', import.meta.url),
  JSON.stringify(scenarioSchema, null, 2) + '\n',
)
