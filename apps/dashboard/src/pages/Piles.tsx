import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons'
import { App, Button, Card, Input, Modal, Popconfirm, Space, Table, type TableProps, Typography } from 'antd'
import { lazy, Suspense, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { api } from '../api/client'
import { keys, useApiMutation, usePiles } from '../api/queries'
import type { Pile } from '../api/types'
import { ApiErrorAlert } from '../components/ApiErrorAlert'
import { OnChainSettings } from '../components/OnChainSettings'
import { PileForm } from '../components/PileForm'
import { PileStateTag } from '../components/StateTags'
import { useFormat } from '../components/useFormat'
import { useIsAdmin } from '../layout/me'
import { pileState } from '../pileState'
import { type PilesQuery, parsePilesQuery, pilesQueryToUrl } from '../urlState'

// The map is heavy (Leaflet); it loads when a location is first opened.
const PileMap = lazy(async () => ({ default: (await import('../components/PileMap')).PileMap }))

/** The prototype's 充电桩管理 table: search, sort and paging on the server, live state, admin edits. */
export default function Piles() {
  const f = useFormat()
  const { t } = f
  const admin = useIsAdmin()
  const { message } = App.useApp()
  const [search, setSearch] = useSearchParams()
  const query = parsePilesQuery(search)
  const piles = usePiles(query)
  const [editing, setEditing] = useState<Pile | 'new' | null>(null)
  const [located, setLocated] = useState<Pile | null>(null)
  const remove = useApiMutation(
    (id: number) => api(`/api/piles/${id}`, { method: 'DELETE' }),
    [keys.piles(), keys.overview],
  )

  const go = (next: PilesQuery) => setSearch(pilesQueryToUrl(next))
  const sortOrder = (column: string) =>
    query.sort === column ? (query.order === 'desc' ? 'descend' : 'ascend') : null

  const columns: TableProps<Pile>['columns'] = [
    {
      key: 'dmid',
      title: t('pile.dmid'),
      sorter: true,
      sortOrder: sortOrder('dmid'),
      render: (_, pile) => (
        <Link to={`/piles/${pile.id}`} data-testid="pile-link">
          <Typography.Text
            style={{ maxWidth: 180, fontFamily: 'monospace' }}
            ellipsis={{ tooltip: pile.dmid }}
          >
            {pile.dmid ?? `#${pile.id}`}
          </Typography.Text>
          {pile.name ? (
            <div>
              <Typography.Text type="secondary">{pile.name}</Typography.Text>
            </div>
          ) : null}
        </Link>
      ),
    },
    {
      key: 'site',
      dataIndex: 'site',
      title: t('pile.site'),
      sorter: true,
      sortOrder: sortOrder('site'),
      responsive: ['sm'],
    },
    {
      key: 'installedOn',
      responsive: ['md'],
      title: t('pile.installedOn'),
      sorter: true,
      sortOrder: sortOrder('installedOn'),
      render: (_, pile) => <span className="nowrap">{f.day(pile.installedOn)}</span>,
    },
    {
      key: 'brand',
      dataIndex: 'brand',
      title: t('pile.brand'),
      sorter: true,
      sortOrder: sortOrder('brand'),
      responsive: ['md'],
    },
    {
      key: 'currentType',
      responsive: ['md'],
      title: t('pile.currentType'),
      sorter: true,
      sortOrder: sortOrder('currentType'),
      render: (_, pile) => (pile.currentType ? t(`pile.${pile.currentType}`) : ''),
    },
    {
      key: 'guns',
      responsive: ['md'],
      dataIndex: 'guns',
      title: t('pile.guns'),
      sorter: true,
      sortOrder: sortOrder('guns'),
      align: 'right',
    },
    {
      key: 'ratedPowerW',
      responsive: ['md'],
      title: t('pile.ratedPower'),
      sorter: true,
      sortOrder: sortOrder('ratedPowerW'),
      align: 'right',
      render: (_, pile) =>
        pile.ratedPowerW === null ? '' : <span className="nowrap">{`${f.kw(pile.ratedPowerW)} kW`}</span>,
    },
    {
      key: 'firmwareVersion',
      responsive: ['md'],
      dataIndex: 'firmwareVersion',
      title: t('pile.firmware'),
      sorter: true,
      sortOrder: sortOrder('firmwareVersion'),
    },
    {
      key: 'state',
      title: t('pile.state'),
      render: (_, pile) => <PileStateTag state={pileState(pile)} />,
    },
    {
      key: 'records',
      title: t('pile.records'),
      render: (_, pile) => (
        <Link to={`/orders?pileId=${pile.id}`}>
          <Button size="small">{t('pile.view')}</Button>
        </Link>
      ),
    },
    {
      key: 'location',
      title: t('pile.location'),
      render: (_, pile) => (
        <Button
          size="small"
          disabled={pile.latitude === null || pile.longitude === null}
          onClick={() => setLocated(pile)}
          aria-label={`${t('pile.location')} ${pile.dmid ?? pile.id}`}
        >
          {t('pile.view')}
        </Button>
      ),
    },
    ...(admin
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, pile: Pile) => (
              <Space size={4}>
                <Button
                  size="small"
                  icon={<EditOutlined />}
                  aria-label={`${t('common.edit')} ${pile.dmid ?? pile.id}`}
                  onClick={() => setEditing(pile)}
                />
                <Popconfirm
                  title={t('common.confirmDelete', { name: pile.dmid ?? `#${pile.id}` })}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  onConfirm={async () => {
                    await remove.mutateAsync(pile.id)
                    message.success(t('common.deleted'))
                  }}
                >
                  <Button
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={`${t('common.delete')} ${pile.dmid ?? pile.id}`}
                  />
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ]

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} className="page-title">
        {t('pile.title')}
      </Typography.Title>
      <Card>
        <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
          <Input.Search
            key={query.search ?? ''}
            defaultValue={query.search}
            placeholder={t('pile.searchPlaceholder')}
            aria-label={t('common.search')}
            allowClear
            enterButton
            style={{ maxWidth: 360 }}
            onSearch={(value) => {
              const { search: _previous, ...rest } = query
              go({ ...rest, ...(value.trim() === '' ? {} : { search: value.trim() }), page: 1 })
            }}
          />
          {admin ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('pile.create')}
            </Button>
          ) : null}
        </Space>
        <ApiErrorAlert error={piles.error ?? remove.error} />
        <Table<Pile>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={piles.data?.items}
          loading={piles.isFetching && !piles.data}
          expandable={{
            expandedRowRender: (pile) => <OnChainSettings pile={pile} columns={3} />,
            columnTitle: <span className="sr-only">{t('pile.onChain')}</span>,
          }}
          pagination={{
            current: query.page,
            pageSize: query.pageSize,
            total: piles.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (total) => t('common.total', { count: total }),
          }}
          onChange={(pagination, _filters, sorter) => {
            const one = Array.isArray(sorter) ? sorter[0] : sorter
            const column = typeof one?.columnKey === 'string' && one.order ? one.columnKey : undefined
            go({
              ...(query.search ? { search: query.search } : {}),
              ...(column ? { sort: column, order: one?.order === 'descend' ? 'desc' : 'asc' } : {}),
              page: pagination.pageSize !== query.pageSize ? 1 : (pagination.current ?? 1),
              pageSize: pagination.pageSize ?? query.pageSize,
            })
          }}
        />
      </Card>
      <PileForm
        open={editing !== null}
        {...(editing !== null && editing !== 'new' ? { pile: editing } : {})}
        onClose={() => setEditing(null)}
      />
      <Modal
        open={located !== null}
        title={t('pile.location')}
        footer={null}
        onCancel={() => setLocated(null)}
        destroyOnHidden
        width={720}
      >
        {located ? (
          <Suspense fallback={null}>
            <PileMap piles={[located]} height={400} zoom={16} />
          </Suspense>
        ) : null}
      </Modal>
    </Space>
  )
}
