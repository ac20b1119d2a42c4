export { ocppChannelLedger } from './ocppChannelLedger.js'
export { pileCommandHandlers } from './pileCommands.js'
export { type PileReport, type ReportPileOptions, reportPile, statusOfState } from './reportPile.js'
