import type { ConnectorStatus } from '@chargechain/db'
import type { ChargePointStatus } from '../messages.js'

/**
 * OCPP 1.6 connector statuses onto the operator's six. Charging, SuspendedEV and SuspendedEVSE are all a session in
 * progress. Unavailable (taken out of service, ChangeAvailability Inoperative) shows as `offline`: like a charger
 * that is gone, it takes no car, and it is not a fault. Reserved shows as `available`: online and idle, held for one
 * driver.
 */
export const connectorStatusOf: Readonly<Record<ChargePointStatus, ConnectorStatus>> = {
  Available: 'available',
  Preparing: 'preparing',
  Charging: 'charging',
  SuspendedEV: 'charging',
  SuspendedEVSE: 'charging',
  Finishing: 'finishing',
  Faulted: 'faulted',
  Unavailable: 'offline',
  Reserved: 'available',
}
