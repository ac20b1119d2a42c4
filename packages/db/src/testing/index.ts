export {
  createScratchDatabase,
  type ScratchDatabase,
  type TestEngine,
  testDatabaseUrl,
  testEngines,
} from './engines.js'
export {
  hexOf,
  insertOrder,
  insertPile,
  type NewOrder,
  type NewPile,
  type SeedBenchFleetParameters,
  type SeedOrdersParameters,
  seedBenchFleet,
  seedOrders,
} from './fixtures.js'
