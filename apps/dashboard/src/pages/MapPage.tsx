import { Alert, Card, Segmented, Space, Spin, Typography } from 'antd'
import { useMemo } from 'react'
import { useNavigate, useSearchParams } from 'react-router'
import { useAllPiles, useServerConfig } from '../api/queries'
import type { PileState } from '../api/types'
import { ApiErrorAlert } from '../components/ApiErrorAlert'
import { PileMap } from '../components/PileMap'
import { PileStateTag } from '../components/StateTags'
import { useFormat } from '../components/useFormat'
import { pileState } from '../pileState'

const states: PileState[] = ['online', 'charging', 'faulted', 'offline']

/** Every pile on a map, coloured by state and clustered; `?state=` shows one state; a click opens the pile. */
export default function MapPage() {
  const { t } = useFormat()
  const piles = useAllPiles()
  const config = useServerConfig()
  const navigate = useNavigate()
  const [search, setSearch] = useSearchParams()
  const only = states.find((state) => state === search.get('state'))
  const shown = useMemo(
    () => (piles.data ?? []).filter((pile) => only === undefined || pileState(pile) === only),
    [piles.data, only],
  )
  const unplaced = shown.filter((pile) => pile.latitude === null || pile.longitude === null).length

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} className="page-title">
        {t('map.title')}
      </Typography.Title>
      <ApiErrorAlert error={piles.error} />
      <Space wrap>
        <Segmented<string>
          aria-label={t('pile.state')}
          value={only ?? 'all'}
          options={[
            { value: 'all', label: t('common.all') },
            ...states.map((state) => ({ value: state, label: <PileStateTag state={state} /> })),
          ]}
          onChange={(value) => setSearch(value === 'all' ? {} : { state: value })}
        />
        {unplaced > 0 ? (
          <Typography.Text type="secondary">{t('map.unplaced', { count: unplaced })}</Typography.Text>
        ) : null}
      </Space>
      {config.data && !config.data.tileUrl ? <Alert type="info" showIcon title={t('map.noTiles')} /> : null}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        {piles.data ? (
          <PileMap
            piles={shown}
            height="calc(100vh - 280px)"
            onOpen={(pile) => navigate(`/piles/${pile.id}`)}
          />
        ) : (
          <Spin />
        )}
      </Card>
    </Space>
  )
}
