import { Card, Descriptions, Result, Space, Spin, Typography } from 'antd'
import { Link, useParams } from 'react-router'
import { useOrder } from '../api/queries'
import { ApiErrorAlert } from '../components/ApiErrorAlert'
import { HexText } from '../components/Hex'
import { LiveCurve } from '../components/LiveCurve'
import { OrderTransactions } from '../components/OrdersTable'
import { OrderStateTag } from '../components/StateTags'
import { useFormat } from '../components/useFormat'

/** One order: what it delivered and cost, its chain transactions and its meter curve (live while it charges). */
export default function OrderDetail() {
  const id = Number(useParams().id)
  const f = useFormat()
  const { t } = f
  const detail = useOrder(id, Number.isSafeInteger(id) && id > 0)
  if (!Number.isSafeInteger(id) || id < 1) return <Result status="404" title={t('common.notFound')} />
  if (detail.error) return <ApiErrorAlert error={detail.error} />
  if (!detail.data) return <Spin />
  const { order } = detail.data
  const money = (units: string | null) => f.amount(units, order.currency)
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap align="center">
        <Typography.Title level={2} className="page-title" style={{ marginBottom: 0 }}>
          {t('order.id')} {order.id}
        </Typography.Title>
        <span data-testid="order-state">
          <OrderStateTag state={order.state} />
        </span>
        {order.state === 'disputed' || order.state === 'resolved' ? (
          <Link to={`/disputes/${order.id}`}>{t('dispute.evidence')}</Link>
        ) : null}
      </Space>
      <Card size="small">
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, sm: 1, md: 2 }}
          items={[
            {
              key: 'pile',
              label: t('order.pile'),
              children: <Link to={`/piles/${order.pileId}`}>#{order.pileId}</Link>,
            },
            { key: 'kind', label: t('order.kind'), children: t(`orderKind.${order.kind}`) },
            { key: 'vehicle', label: t('order.vehicle'), children: <HexText value={order.vehicle} /> },
            { key: 'idTag', label: t('order.idTag'), children: order.idTag ?? '' },
            { key: 'opened', label: t('order.openedAt'), children: f.dateTime(order.openedAt) },
            { key: 'ended', label: t('order.endedAt'), children: f.dateTime(order.endedAt) },
            { key: 'energy', label: t('order.energy'), children: f.kwh(order.energyWh) },
            { key: 'duration', label: t('order.duration'), children: f.duration(order.chargingSeconds) },
            {
              key: 'meter',
              label: t('order.meter'),
              children:
                order.meterStartWh === null
                  ? ''
                  : `${f.number(order.meterStartWh)} → ${order.meterStopWh === null ? '…' : f.number(order.meterStopWh)}`,
            },
            { key: 'stop', label: t('order.stopReason'), children: order.stopReason ?? '' },
            { key: 'deposit', label: t('order.deposit'), children: money(order.deposit) },
            { key: 'due', label: t('order.due'), children: money(order.amountDue) },
            { key: 'received', label: t('order.received'), children: money(order.amountReceived) },
            { key: 'refund', label: t('order.refund'), children: money(order.refund) },
            { key: 'session', label: t('order.session'), children: <HexText value={order.sessionId} /> },
            { key: 'channel', label: t('order.channel'), children: <HexText value={order.channelId} /> },
          ]}
        />
      </Card>
      <Card size="small" title={t('order.transactions')}>
        <OrderTransactions orderId={order.id} />
      </Card>
      <Card size="small" title={t('pile.liveCurve')}>
        <LiveCurve orderId={order.id} baselineWh={order.meterStartWh} />
      </Card>
    </Space>
  )
}
