import { Card, Descriptions, Result, Space, Spin, Table, Typography } from 'antd'
import { Link, useParams } from 'react-router'
import { useDispute } from '../api/queries'
import type { Dispute } from '../api/types'
import { ApiErrorAlert } from '../components/ApiErrorAlert'
import { HexText } from '../components/Hex'
import { LiveCurve } from '../components/LiveCurve'
import { OrderTransactions } from '../components/OrdersTable'
import { useFormat } from '../components/useFormat'

/** What the arbiter decided (or that it has not yet, or ran out of time). */
export function Decision({ dispute }: { dispute: Dispute }) {
  const f = useFormat()
  const { t } = f
  if (dispute.state === 'open')
    return <Typography.Text type="warning">{t('dispute.undecided')}</Typography.Text>
  if (dispute.state === 'expired')
    return <Typography.Text type="secondary">{t('dispute.expiredNote')}</Typography.Text>
  return (
    <span className="nowrap">
      {t('dispute.toPile')} {f.amount(dispute.amountToPile, dispute.order.currency)} ·{' '}
      {t('dispute.toVehicle')} {f.amount(dispute.amountToVehicle, dispute.order.currency)}
    </span>
  )
}

/** One claim with its evidence: the car's last voucher, the claimed energy, the meter readings, the decision. */
export default function DisputeDetail() {
  const orderId = Number(useParams().orderId)
  const f = useFormat()
  const { t } = f
  const dispute = useDispute(orderId)
  if (!Number.isSafeInteger(orderId) || orderId < 1)
    return <Result status="404" title={t('common.notFound')} />
  if (dispute.error) return <ApiErrorAlert error={dispute.error} />
  if (!dispute.data) return <Spin />
  const claim = dispute.data
  const currency = claim.order.currency
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} className="page-title">
        {t('dispute.title')} · {t('dispute.order')}{' '}
        <Link to={`/orders/${claim.orderId}`}>{claim.orderId}</Link>
      </Typography.Title>
      <Card size="small" title={t('dispute.evidence')}>
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, sm: 1, md: 2 }}
          items={[
            { key: 'state', label: t('order.state'), children: t(`dispute.states.${claim.state}`) },
            {
              key: 'pile',
              label: t('order.pile'),
              children: <Link to={`/piles/${claim.order.pileId}`}>#{claim.order.pileId}</Link>,
            },
            { key: 'opened', label: t('dispute.openedAt'), children: f.dateTime(claim.openedAt) },
            { key: 'deadline', label: t('dispute.deadline'), children: f.dateTime(claim.deadline) },
            {
              key: 'voucherEnergy',
              label: t('dispute.voucherEnergy'),
              children: f.kwh(claim.voucherEnergyWh),
            },
            {
              key: 'voucherAmount',
              label: t('dispute.voucher'),
              children: f.amount(claim.voucherAmount, currency),
            },
            {
              key: 'claimedEnergy',
              label: t('dispute.claimedEnergy'),
              children: f.kwh(claim.claimedEnergyWh),
            },
            {
              key: 'claimedAmount',
              label: t('dispute.claimed'),
              children: f.amount(claim.claimedAmount, currency),
            },
            {
              key: 'signature',
              label: t('dispute.signature'),
              children: <HexText value={claim.voucherSignature} />,
            },
            { key: 'vehicle', label: t('order.vehicle'), children: <HexText value={claim.order.vehicle} /> },
            {
              key: 'decision',
              label: t('dispute.decision'),
              span: 'filled',
              children: <Decision dispute={claim} />,
            },
          ]}
        />
      </Card>
      <Card size="small" title={t('dispute.readings')}>
        <LiveCurve
          orderId={claim.orderId}
          readings={claim.readings ?? []}
          baselineWh={claim.order.meterStartWh}
          marks={[
            { label: t('dispute.voucher'), energyWh: claim.voucherEnergyWh },
            { label: t('dispute.claimed'), energyWh: claim.claimedEnergyWh },
          ]}
        />
        <Table
          rowKey={(reading) => `${reading.measuredAt}:${reading.energyWh}`}
          size="small"
          style={{ marginTop: 12 }}
          dataSource={claim.readings ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { key: 'at', title: t('audit.at'), render: (_, reading) => f.dateTime(reading.measuredAt) },
            {
              key: 'energy',
              title: 'Wh',
              align: 'right',
              render: (_, reading) => f.number(reading.energyWh),
            },
            {
              key: 'power',
              title: t('pile.power'),
              align: 'right',
              render: (_, reading) => (reading.powerW === null ? '' : f.kw(reading.powerW)),
            },
            { key: 'flag', title: t('dispute.flag'), render: (_, reading) => reading.flag ?? '' },
          ]}
        />
      </Card>
      <Card size="small" title={t('order.transactions')}>
        <OrderTransactions orderId={claim.orderId} />
      </Card>
    </Space>
  )
}
