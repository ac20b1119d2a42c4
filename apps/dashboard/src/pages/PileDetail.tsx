import { EditOutlined } from '@ant-design/icons'
import { Button, Card, Col, Descriptions, Result, Row, Space, Spin, Typography } from 'antd'
import { lazy, Suspense, useState } from 'react'
import { Link, useParams } from 'react-router'
import { useOrders, usePile } from '../api/queries'
import type { Pile } from '../api/types'
import { ApiErrorAlert } from '../components/ApiErrorAlert'
import { LiveCurve } from '../components/LiveCurve'
import { OnChainSettings } from '../components/OnChainSettings'
import { OrdersTable } from '../components/OrdersTable'
import { PileCommands } from '../components/PileCommands'
import { PileForm } from '../components/PileForm'
import { ConnectorTag, PileStateTag } from '../components/StateTags'
import { useFormat } from '../components/useFormat'
import { useIsAdmin } from '../layout/me'
import { chargingOrderId, pileState } from '../pileState'

const PileMap = lazy(async () => ({ default: (await import('../components/PileMap')).PileMap }))

/** One pile: metadata, on-chain settings, live curve while charging, commands, its charging records and its place. */
export default function PileDetail() {
  const id = Number(useParams().id)
  const pile = usePile(id)
  const { t } = useFormat()
  if (!Number.isSafeInteger(id) || id < 1) return <Result status="404" title={t('common.notFound')} />
  if (pile.error) return <ApiErrorAlert error={pile.error} />
  if (!pile.data) return <Spin />
  return <PileView pile={pile.data} />
}

function PileView({ pile }: { pile: Pile }) {
  const f = useFormat()
  const { t } = f
  const admin = useIsAdmin()
  const [editing, setEditing] = useState(false)
  const orderId = chargingOrderId(pile)
  const records = useOrders({ pileId: pile.id, limit: 10 })
  const placed = pile.latitude !== null && pile.longitude !== null

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Space wrap align="center">
          <Typography.Title level={2} className="page-title" style={{ marginBottom: 0 }}>
            {pile.name || pile.dmid || `#${pile.id}`}
          </Typography.Title>
          <span data-testid="pile-state">
            <PileStateTag state={pileState(pile)} />
          </span>
        </Space>
        {admin ? (
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
            {t('common.edit')}
          </Button>
        ) : null}
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('pile.metadata')}>
            <Descriptions
              size="small"
              column={{ xs: 1, sm: 2 }}
              items={[
                { key: 'dmid', label: t('pile.dmid'), children: pile.dmid ?? '' },
                { key: 'site', label: t('pile.site'), children: pile.site ?? '' },
                { key: 'installed', label: t('pile.installedOn'), children: f.day(pile.installedOn) },
                { key: 'brand', label: t('pile.brand'), children: pile.brand ?? '' },
                { key: 'model', label: t('pile.model'), children: pile.model ?? '' },
                {
                  key: 'type',
                  label: t('pile.currentType'),
                  children: pile.currentType ? t(`pile.${pile.currentType}`) : '',
                },
                { key: 'guns', label: t('pile.guns'), children: pile.guns },
                {
                  key: 'power',
                  label: t('pile.ratedPower'),
                  children: pile.ratedPowerW === null ? '' : `${f.kw(pile.ratedPowerW)} kW`,
                },
                { key: 'firmware', label: t('pile.firmware'), children: pile.firmwareVersion ?? '' },
                { key: 'address', label: t('pile.address'), children: pile.address ?? '' },
                { key: 'heartbeat', label: t('pile.heartbeat'), children: f.dateTime(pile.lastHeartbeatAt) },
                { key: 'charger', label: t('pile.charger'), children: pile.chargerId ?? '' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('pile.connectors')}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              {pile.connectors.length === 0 ? (
                <Typography.Text type="secondary">{t('pile.noConnectors')}</Typography.Text>
              ) : null}
              {pile.connectors.map((connector) => (
                <Space key={connector.connector} wrap data-testid={`connector-${connector.connector}`}>
                  <Typography.Text strong>
                    {t('pile.connector', { number: connector.connector })}
                  </Typography.Text>
                  <ConnectorTag status={connector.status} />
                  {connector.orderId !== null ? (
                    <Link to={`/orders/${connector.orderId}`}>
                      {t('pile.order')} {connector.orderId}
                    </Link>
                  ) : null}
                  {connector.meterWh !== null ? (
                    <Typography.Text type="secondary">{`${f.kwh(connector.meterWh)} kWh`}</Typography.Text>
                  ) : null}
                </Space>
              ))}
            </Space>
          </Card>
          {admin ? (
            <Card size="small" title={t('pile.commands')} style={{ marginTop: 16 }}>
              <PileCommands pile={pile} orderId={orderId} />
            </Card>
          ) : null}
        </Col>
      </Row>
      <Card size="small" title={t('pile.liveCurve')}>
        <LiveCurve orderId={orderId} />
      </Card>
      <Card size="small" title={t('pile.onChain')}>
        <OnChainSettings pile={pile} />
      </Card>
      <Card
        size="small"
        title={t('pile.records')}
        extra={<Link to={`/orders?pileId=${pile.id}`}>{t('overview.allOrders')}</Link>}
      >
        <ApiErrorAlert error={records.error} />
        <OrdersTable orders={records.data?.items} loading={records.isPending} compact />
      </Card>
      <Card size="small" title={t('pile.location')}>
        {placed ? (
          <Suspense fallback={<Spin />}>
            <PileMap piles={[pile]} height={320} zoom={16} />
          </Suspense>
        ) : (
          <Typography.Text type="secondary">{t('pile.noLocation')}</Typography.Text>
        )}
      </Card>
      <PileForm pile={pile} open={editing} onClose={() => setEditing(false)} />
    </Space>
  )
}
