export {
  type ChannelStream,
  type HardwareChannel,
  type IpcEndpoint,
  ipcChannel,
  streamChannel,
} from './channel.js'
export { type RemoteHardware, type RemoteHardwareOptions, remoteHardware } from './client.js'
export { HardwareBridgeError, RemoteHardwareError } from './errors.js'
export type { ClockDescription, PartDescription, PartKind } from './protocol.js'
export { type ServablePart, type ServedHardware, type ServeHardwareOptions, serveHardware } from './serve.js'
