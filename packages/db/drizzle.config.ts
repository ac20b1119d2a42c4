// drizzle-kit's settings: `npm run generate -w @chargechain/db` diffs the schema into a new SQL migration.
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './drizzle',
  casing: 'snake_case',
})
