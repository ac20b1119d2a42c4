export {
  type OpenRawChargerOptions,
  openRawCharger,
  type RawAnswer,
  type RawCharger,
  UpgradeRefused,
} from './rawCharger.js'
export { selfSignedCertificate } from './serve.js'
