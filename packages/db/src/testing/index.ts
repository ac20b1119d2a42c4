export {
  createScratchDatabase,
  type ScratchDatabase,
  type TestEngine,
  testDatabaseUrl,
  testEngines,
} from './engines.js'
