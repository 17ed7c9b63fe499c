// Writes docs/config.schema.json from src/config/schema.ts (a test fails if the committed copy drifts).
import { writeFileSync } from 'node:fs'
import { configFileSchema } from '../src/config/schema.js'

writeFileSync(
  new URL('../docs/config.schema.json', import.meta.url),
  JSON.stringify(configFileSchema, null, 2) + '\n',
)
