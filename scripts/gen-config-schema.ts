// Writes docs/config.schema.json and src/config/validators.generated.js from src/config/schema.ts (a test
// fails if either committed copy drifts).
import { writeFileSync } from 'node:fs'
import { configFileSchema } from '../src/config/schema.js'
import { configValidatorsCode } from './config-validators.js'

writeFileSync(
  new URL('../docs/config.schema.json', import.meta.url),
  JSON.stringify(configFileSchema, null, 2) + '\n',
)
writeFileSync(new URL('../src/config/validators.generated.js', import.meta.url), configValidatorsCode())
