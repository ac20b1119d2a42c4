export { ocppChannelLedger } from './ocppChannelLedger.js'
export { type PileCommandOptions, pileCommandHandlers } from './pileCommands.js'
export { type PileReport, type ReportPileOptions, reportPile, statusOfState } from './reportPile.js'
