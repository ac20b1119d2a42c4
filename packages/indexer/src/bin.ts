#!/usr/bin/env -S node --import tsx
// `chargechain-indexer`: the indexer as a process of its own (see runIndexer for options).
import { runIndexer } from './runIndexer.js'

process.exitCode = await runIndexer({ argv: process.argv.slice(2), env: process.env })
