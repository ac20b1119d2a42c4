export {
  type OpenRawChargerOptions,
  openRawCharger,
  type RawAnswer,
  type RawCharger,
  UpgradeRefused,
} from './rawCharger.js'
export {
  addTestCharger,
  addTestTag,
  freePort,
  type ServedOcpp,
  selfSignedCertificate,
  serveOcpp,
} from './serve.js'
