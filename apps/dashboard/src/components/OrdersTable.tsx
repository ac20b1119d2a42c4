import { Space, Table, type TableProps, Tooltip, Typography } from 'antd'
import { Link } from 'react-router'
import { useOrder } from '../api/queries'
import type { Order } from '../api/types'
import { ApiErrorAlert } from './ApiErrorAlert'
import { ShortHex, TxLink } from './Hex'
import { OrderStateTag } from './StateTags'
import { useFormat } from './useFormat'

/**
 * Orders as the 交易订单 page lists them: times, pile, vehicle, state, kWh, due, received and refund; a row opens to
 * its chain transactions. Paging is the caller's (the list pages by cursor on the server).
 */
export function OrdersTable({
  orders,
  loading,
  compact = false,
}: {
  orders: Order[] | undefined
  loading: boolean
  compact?: boolean
}) {
  const f = useFormat()
  const { t } = f
  const money = (field: 'amountDue' | 'amountReceived' | 'refund') => (_: unknown, order: Order) => (
    <span className="nowrap">{f.amount(order[field], order.currency)}</span>
  )
  const columns: TableProps<Order>['columns'] = [
    {
      key: 'id',
      title: t('order.id'),
      render: (_, order) => (
        <Link to={`/orders/${order.id}`} data-testid="order-link">
          {order.id}
        </Link>
      ),
    },
    {
      key: 'openedAt',
      title: t('order.openedAt'),
      render: (_, order) => (
        <span className="nowrap" data-testid="order-opened">
          {f.dateTime(order.openedAt)}
        </span>
      ),
    },
    ...(compact
      ? []
      : [
          {
            key: 'endedAt',
            title: t('order.endedAt'),
            responsive: ['md' as const],
            render: (_: unknown, order: Order) => <span className="nowrap">{f.dateTime(order.endedAt)}</span>,
          },
        ]),
    {
      key: 'pile',
      title: t('order.pile'),
      render: (_, order) => <Link to={`/piles/${order.pileId}`}>#{order.pileId}</Link>,
    },
    {
      key: 'vehicle',
      title: t('order.vehicle'),
      responsive: ['md'],
      render: (_, order) => (order.vehicle ? <ShortHex value={order.vehicle} /> : (order.idTag ?? '')),
    },
    {
      key: 'kind',
      title: t('order.kind'),
      responsive: ['md'],
      render: (_, order) => t(`orderKind.${order.kind}`),
    },
    {
      key: 'state',
      title: t('order.state'),
      render: (_, order) => (
        <Space size={2}>
          <OrderStateTag state={order.state} />
          {order.pending ? (
            <Tooltip title={t('common.pendingHint')}>
              <Typography.Text type="warning">{t('common.pending')}</Typography.Text>
            </Tooltip>
          ) : null}
        </Space>
      ),
    },
    {
      key: 'energy',
      title: t('order.energy'),
      align: 'right',
      render: (_, order) => <span data-testid="order-energy">{f.kwh(order.energyWh)}</span>,
    },
    ...(compact
      ? []
      : [
          {
            key: 'duration',
            title: t('order.duration'),
            responsive: ['md' as const],
            align: 'right' as const,
            render: (_: unknown, order: Order) => (
              <span className="nowrap" data-testid="order-duration">
                {f.duration(order.chargingSeconds)}
              </span>
            ),
          },
        ]),
    { key: 'due', title: t('order.due'), align: 'right', render: money('amountDue') },
    {
      key: 'received',
      title: t('order.received'),
      align: 'right',
      responsive: ['sm'],
      render: money('amountReceived'),
    },
    ...(compact
      ? []
      : [
          {
            key: 'refund',
            title: t('order.refund'),
            align: 'right' as const,
            responsive: ['md' as const],
            render: money('refund'),
          },
        ]),
  ]
  return (
    <Table<Order>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={orders}
      loading={loading}
      pagination={false}
      onRow={(order) => ({ 'data-order-id': order.id, 'data-state': order.state }) as object}
      expandable={
        compact
          ? undefined
          : {
              expandedRowRender: (order) => <OrderTransactions orderId={order.id} />,
              columnTitle: <span className="sr-only">{t('order.transactions')}</span>,
            }
      }
    />
  )
}

/** An order's chain transactions, loaded when its row opens. */
export function OrderTransactions({ orderId }: { orderId: number }) {
  const { t } = useFormat()
  const detail = useOrder(orderId)
  if (detail.error) return <ApiErrorAlert error={detail.error} />
  if (!detail.data) return <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
  if (detail.data.transactions.length === 0)
    return <Typography.Text type="secondary">{t('order.noTransactions')}</Typography.Text>
  return (
    <Space orientation="vertical" size={2}>
      {detail.data.transactions.map((transaction) => (
        <TxLink
          key={`${transaction.transactionHash}:${transaction.logIndex ?? transaction.eventName}`}
          hash={transaction.transactionHash}
          label={transaction.eventName}
          pending={transaction.pending}
        />
      ))}
    </Space>
  )
}
