import { Tag } from 'antd'
import type { ConnectorStatus, OrderState, PileState } from '../api/types'
import { useLocale } from '../i18n'

const pileColors: Record<PileState, string> = {
  online: 'green',
  charging: 'blue',
  faulted: 'red',
  offline: 'default',
}

const connectorColors: Record<ConnectorStatus, string> = {
  offline: 'default',
  available: 'green',
  preparing: 'gold',
  charging: 'blue',
  finishing: 'cyan',
  faulted: 'red',
}

const orderColors: Record<OrderState, string> = {
  open: 'gold',
  charging: 'blue',
  settled: 'green',
  refunded: 'default',
  disputed: 'red',
  resolved: 'purple',
}

export function PileStateTag({ state }: { state: PileState }) {
  const { t } = useLocale()
  return (
    <Tag color={pileColors[state]} data-state={state}>
      {t(`pileState.${state}`)}
    </Tag>
  )
}

export function ConnectorTag({ status }: { status: ConnectorStatus }) {
  const { t } = useLocale()
  return (
    <Tag color={connectorColors[status]} data-state={status}>
      {t(`connectorStatus.${status}`)}
    </Tag>
  )
}

export function OrderStateTag({ state }: { state: OrderState }) {
  const { t } = useLocale()
  return (
    <Tag color={orderColors[state]} data-state={state}>
      {t(`orderState.${state}`)}
    </Tag>
  )
}
