import { Card, Space, Table, type TableProps, Tabs, Typography } from 'antd'
import { Link, useSearchParams } from 'react-router'
import { useDisputes } from '../api/queries'
import type { Dispute, DisputeState } from '../api/types'
import { ApiErrorAlert } from '../components/ApiErrorAlert'
import { ShortHex } from '../components/Hex'
import { useFormat } from '../components/useFormat'
import { Decision } from './DisputeDetail'

const states: DisputeState[] = ['open', 'decided', 'expired']

/** Claims beyond the car's last voucher: open ones (closing first first), and those decided or expired. */
export default function Disputes() {
  const f = useFormat()
  const { t } = f
  const [search, setSearch] = useSearchParams()
  const state = states.find((value) => value === search.get('state')) ?? 'open'
  const disputes = useDisputes(state)
  const columns: TableProps<Dispute>['columns'] = [
    {
      key: 'order',
      title: t('dispute.order'),
      render: (_, dispute) => <Link to={`/disputes/${dispute.orderId}`}>{dispute.orderId}</Link>,
    },
    {
      key: 'pile',
      title: t('order.pile'),
      render: (_, dispute) => <Link to={`/piles/${dispute.order.pileId}`}>#{dispute.order.pileId}</Link>,
    },
    {
      key: 'vehicle',
      title: t('order.vehicle'),
      render: (_, dispute) => <ShortHex value={dispute.order.vehicle} />,
    },
    {
      key: 'opened',
      title: t('dispute.openedAt'),
      render: (_, dispute) => <span className="nowrap">{f.dateTime(dispute.openedAt)}</span>,
    },
    {
      key: 'deadline',
      title: t('dispute.deadline'),
      render: (_, dispute) => <span className="nowrap">{f.dateTime(dispute.deadline)}</span>,
    },
    {
      key: 'voucher',
      title: t('dispute.voucher'),
      align: 'right',
      render: (_, dispute) => (
        <span className="nowrap">
          {f.kwh(dispute.voucherEnergyWh)} kWh · {f.amount(dispute.voucherAmount, dispute.order.currency)}
        </span>
      ),
    },
    {
      key: 'claimed',
      title: t('dispute.claimed'),
      align: 'right',
      render: (_, dispute) => (
        <span className="nowrap">
          {f.kwh(dispute.claimedEnergyWh)} kWh · {f.amount(dispute.claimedAmount, dispute.order.currency)}
        </span>
      ),
    },
    { key: 'decision', title: t('dispute.decision'), render: (_, dispute) => <Decision dispute={dispute} /> },
  ]
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} className="page-title">
        {t('dispute.title')}
      </Typography.Title>
      <Card size="small">
        <Tabs
          activeKey={state}
          onChange={(key) => setSearch(key === 'open' ? {} : { state: key })}
          items={states.map((key) => ({ key, label: t(`dispute.states.${key}`) }))}
        />
        <ApiErrorAlert error={disputes.error} />
        <Table<Dispute>
          rowKey="orderId"
          size="small"
          columns={columns}
          dataSource={disputes.data}
          loading={disputes.isPending}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
        />
      </Card>
    </Space>
  )
}
