export { ocppChannelLedger } from './ocppChannelLedger.js'
export { type PileReport, type ReportPileOptions, reportPile, statusOfState } from './reportPile.js'
