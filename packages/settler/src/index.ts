export {
  type ChannelOperatorClient,
  type ChannelSettler,
  type CreateChannelSettlerParameters,
  createChannelSettler,
  type SettleDueReturnType,
} from './createChannelSettler.js'
export { type DueChannel, type DueChannelsParameters, dueChannels } from './dueChannels.js'
export { SettlerOptionError } from './errors.js'
