import { DownloadOutlined } from '@ant-design/icons'
import { Button, Card, DatePicker, Input, Select, Space, Typography } from 'antd'
import dayjs from 'dayjs'
import { useDeferredValue, useState } from 'react'
import { useLocation, useNavigate, useSearchParams } from 'react-router'
import { useAllPiles, useOrders } from '../api/queries'
import { orderKinds, orderStates } from '../api/types'
import { ApiErrorAlert } from '../components/ApiErrorAlert'
import { OrdersTable } from '../components/OrdersTable'
import { useFormat } from '../components/useFormat'
import { type OrdersFilter, ordersCsvUrl, ordersFilterToUrl, parseOrdersFilter } from '../urlState'

/** The cursors of the pages before this one, kept in the history entry so Previous works after a reload too. */
interface PagingState {
  previous?: string[]
}

/** Rows of a page that fill a laptop's screen. */
const firstScreenful = 20

const sorts = {
  newest: { sort: 'openedAt', order: 'desc' },
  oldest: { sort: 'openedAt', order: 'asc' },
  mostEnergy: { sort: 'energyWh', order: 'desc' },
  leastEnergy: { sort: 'energyWh', order: 'asc' },
} as const

/**
 * The 交易订单 page: filters by pile, vehicle, state, payment and days, all in the URL; pages by cursor on the
 * server (the hundredth page costs what the first does); CSV of exactly the filtered rows.
 */
export default function Orders() {
  const f = useFormat()
  const { t } = f
  const [search] = useSearchParams()
  const navigate = useNavigate()
  const location = useLocation()
  const filter = parseOrdersFilter(search)
  const orders = useOrders(filter)
  const previous = (location.state as PagingState | null)?.previous ?? []
  const [pilesWanted, setPilesWanted] = useState(false)
  // The pile list for the picker loads once the picker opens (or names a pile), not with the page.
  const piles = useAllPiles(pilesWanted || filter.pileId !== undefined)

  /** A new filter starts at the first page. */
  const refine = (change: Partial<OrdersFilter>) => {
    const { cursor: _cursor, ...rest } = { ...filter, ...change }
    const next = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined))
    navigate({ search: ordersFilterToUrl(next).toString() })
  }
  const page = (cursor: string | undefined, stack: string[]) => {
    const { cursor: _cursor, ...rest } = filter
    navigate(
      { search: ordersFilterToUrl(cursor ? { ...rest, cursor } : rest).toString() },
      {
        state: { previous: stack } satisfies PagingState,
      },
    )
  }
  // The first render shows a screenful of rows, React renders the rest of the page's rows right after: the first
  // rows appear without waiting for fifty rows' layout.
  const items = orders.data?.items
  const shown = useDeferredValue(items, items?.slice(0, firstScreenful))
  const nextCursor = orders.data?.nextCursor ?? undefined
  const sortKey =
    (Object.keys(sorts) as Array<keyof typeof sorts>).find(
      (key) =>
        sorts[key].sort === (filter.sort ?? 'openedAt') && sorts[key].order === (filter.order ?? 'desc'),
    ) ?? 'newest'

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} className="page-title">
        {t('order.title')}
      </Typography.Title>
      <Card size="small">
        <Space wrap>
          <Select<number>
            aria-label={t('order.pile')}
            data-testid="filter-pile"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('order.anyPile')}
            style={{ width: 220 }}
            value={filter.pileId}
            onOpenChange={(open) => open && setPilesWanted(true)}
            loading={pilesWanted && piles.isPending}
            options={
              piles.data?.map((pile) => ({
                value: pile.id,
                label: `#${pile.id} ${pile.dmid ?? ''} ${pile.name}`.trim(),
              })) ?? (filter.pileId ? [{ value: filter.pileId, label: `#${filter.pileId}` }] : [])
            }
            onChange={(pileId) => refine({ pileId })}
          />
          <Input.Search
            key={filter.vehicle ?? ''}
            aria-label={t('order.vehicle')}
            placeholder={t('order.vehiclePlaceholder')}
            defaultValue={filter.vehicle}
            allowClear
            style={{ width: 260 }}
            onSearch={(value) =>
              refine({ vehicle: value.trim() === '' ? undefined : value.trim().toLowerCase() })
            }
          />
          <Select
            aria-label={t('order.state')}
            data-testid="filter-state"
            allowClear
            placeholder={t('order.state')}
            style={{ width: 140 }}
            value={filter.state}
            options={orderStates.map((state) => ({ value: state, label: t(`orderState.${state}`) }))}
            onChange={(state) => refine({ state })}
          />
          <Select
            aria-label={t('order.kind')}
            allowClear
            placeholder={t('order.kind')}
            style={{ width: 140 }}
            value={filter.kind}
            options={orderKinds.map((kind) => ({ value: kind, label: t(`orderKind.${kind}`) }))}
            onChange={(kind) => refine({ kind })}
          />
          <DatePicker.RangePicker
            aria-label={t('order.dateRange')}
            value={[filter.from ? dayjs(filter.from) : null, filter.to ? dayjs(filter.to) : null]}
            allowEmpty={[true, true]}
            onChange={(range) =>
              refine({ from: range?.[0]?.format('YYYY-MM-DD'), to: range?.[1]?.format('YYYY-MM-DD') })
            }
          />
          <Select
            aria-label={t('order.sortBy')}
            style={{ width: 150 }}
            value={sortKey}
            options={(Object.keys(sorts) as Array<keyof typeof sorts>).map((key) => ({
              value: key,
              label: t(`order.${key}`),
            }))}
            onChange={(key) =>
              refine(key === 'newest' ? { sort: undefined, order: undefined } : { ...sorts[key] })
            }
          />
          <Button icon={<DownloadOutlined />} href={ordersCsvUrl(filter)} data-testid="export-csv" download>
            {t('order.exportCsv')}
          </Button>
        </Space>
      </Card>
      <Card size="small">
        <ApiErrorAlert error={orders.error} />
        <div data-testid="orders-table">
          <OrdersTable orders={shown} loading={orders.isFetching} />
        </div>
        <Space style={{ marginTop: 12, justifyContent: 'flex-end', width: '100%' }} wrap>
          <Button disabled={!filter.cursor} onClick={() => page(undefined, [])}>
            {t('common.firstPage')}
          </Button>
          <Button
            disabled={!filter.cursor}
            onClick={() => page(previous.at(-1) || undefined, previous.slice(0, -1))}
          >
            {t('common.previousPage')}
          </Button>
          <Button
            type="primary"
            disabled={!nextCursor}
            data-testid="next-page"
            onClick={() => nextCursor && page(nextCursor, [...previous, filter.cursor ?? ''])}
          >
            {t('common.nextPage')}
          </Button>
        </Space>
      </Card>
    </Space>
  )
}
