#!/usr/bin/env node
// Runs the TypeScript command line through tsx, resolved from this package, so `npx chargechain-server` works anywhere.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
