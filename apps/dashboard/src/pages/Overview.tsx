import { Card, Col, Row, Space, Statistic, Tooltip, Typography } from 'antd'
import { useMemo } from 'react'
import { Link } from 'react-router'
import { useDailyTotals, useOrders, useOverview, useServerConfig } from '../api/queries'
import type { DailyTotal, Figures, PileState } from '../api/types'
import { ApiErrorAlert } from '../components/ApiErrorAlert'
import { Chart } from '../components/Chart'
import { OrdersTable } from '../components/OrdersTable'
import { useFormat } from '../components/useFormat'
import { currencyInfo, shortHex, unitsToDecimal } from '../format'
import { pileStateColor } from '../pileState'

const states: PileState[] = ['online', 'charging', 'faulted', 'offline']
const DAYS = 30

/** What an operator keeps open: piles by state, today's and this month's energy and revenue, trends, latest sessions. */
export default function Overview() {
  const f = useFormat()
  const { t } = f
  const overview = useOverview()
  const latest = useOrders({ limit: 10 })
  const { from, to } = useMemo(() => lastDays(DAYS), [])
  const totals = useDailyTotals(from, to)

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} className="page-title">
        {t('overview.title')}
      </Typography.Title>
      <ApiErrorAlert error={overview.error} />
      <Row gutter={[16, 16]}>
        {states.map((state) => (
          <Col xs={12} md={6} key={state}>
            <Card size="small">
              <Statistic
                title={t(`pileState.${state}`)}
                value={overview.data?.piles[state] ?? '–'}
                loading={overview.isPending}
                styles={{ content: { color: pileStateColor[state] } }}
                data-testid={`piles-${state}`}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <FiguresCard title={t('overview.today')} figures={overview.data?.today} testId="today" />
        </Col>
        <Col xs={24} lg={12}>
          <FiguresCard title={t('overview.month')} figures={overview.data?.month} testId="month" />
        </Col>
      </Row>
      <ApiErrorAlert error={totals.error} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('overview.energyPerDay')}>
            <EnergyChart days={totals.data ?? []} from={from} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('overview.revenuePerDay')}>
            <RevenueChart days={totals.data ?? []} from={from} />
          </Card>
        </Col>
      </Row>
      <Card
        size="small"
        title={t('overview.latest')}
        extra={<Link to="/orders">{t('overview.allOrders')}</Link>}
      >
        <ApiErrorAlert error={latest.error} />
        <div data-testid="latest-orders">
          <OrdersTable orders={latest.data?.items} loading={latest.isPending} compact />
        </div>
      </Card>
    </Space>
  )
}

function FiguresCard({
  title,
  figures,
  testId,
}: {
  title: string
  figures: Figures | undefined
  testId: string
}) {
  const f = useFormat()
  const { t } = f
  const kwh = figures ? figures.energyWh / 1000 : undefined
  return (
    <Card size="small" title={title} data-testid={`figures-${testId}`}>
      <Row gutter={16}>
        <Col xs={12} sm={8}>
          <Tooltip title={kwh === undefined ? '' : `${f.kwh(figures?.energyWh ?? 0)} kWh`}>
            <Statistic
              title={t('overview.energy')}
              value={kwh === undefined ? '–' : kwh >= 1000 ? f.compact(kwh) : f.number(kwh, 1)}
              data-testid={`energy-${testId}`}
            />
          </Tooltip>
        </Col>
        <Col xs={12} sm={8}>
          <Statistic
            title={t('overview.sessions')}
            value={figures?.sessions === undefined ? '–' : f.number(figures.sessions)}
          />
        </Col>
        <Col xs={24} sm={8}>
          <div className="ant-statistic-title" style={{ color: 'rgba(0,0,0,0.65)', marginBottom: 4 }}>
            {t('overview.revenue')}
          </div>
          {figures && figures.revenue.filter((revenue) => revenue.currency !== null).length > 0 ? (
            figures.revenue
              .filter((revenue) => revenue.currency !== null)
              .map((revenue) => (
                <div key={revenue.currency} style={{ fontSize: 18 }} data-testid={`revenue-${testId}`}>
                  {f.amount(revenue.amount, revenue.currency)}
                </div>
              ))
          ) : (
            <Typography.Text type="secondary">{t('overview.noRevenue')}</Typography.Text>
          )}
        </Col>
      </Row>
    </Card>
  )
}

/** The last `count` UTC days, as the server's daily totals count them. */
function lastDays(count: number): { from: string; to: string } {
  const today = new Date()
  const start = new Date(
    Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - (count - 1)),
  )
  return { from: start.toISOString().slice(0, 10), to: today.toISOString().slice(0, 10) }
}

/** Every day from `from` for DAYS days: days without sessions show as zero, not as a gap in the axis. */
function axis(from: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`)
  return Array.from({ length: DAYS }, (_, index) =>
    new Date(start + index * 86_400_000).toISOString().slice(0, 10),
  )
}

function EnergyChart({ days, from }: { days: DailyTotal[]; from: string }) {
  const f = useFormat()
  const option = useMemo(() => {
    const byDay = new Map(days.map((day) => [day.day, day.energyWh]))
    const dates = axis(from)
    return {
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: dates.map((day) => f.shortDay(day)) },
      // kWh ticks on a quiet day are fractions (0.05, 0.1…): rounded to whole numbers they would all read 0.
      yAxis: { type: 'value', axisLabel: { formatter: (value: number) => f.number(value, 3) } },
      series: [
        {
          type: 'bar',
          name: f.t('overview.energy'),
          data: dates.map((day) => Number(((byDay.get(day) ?? 0) / 1000).toFixed(3))),
          itemStyle: { color: '#0958d9' },
        },
      ],
    }
  }, [days, from, f])
  return <Chart option={option} label={f.t('overview.energyPerDay')} height={260} />
}

function RevenueChart({ days, from }: { days: DailyTotal[]; from: string }) {
  const f = useFormat()
  const currencies = useServerConfig().data?.currencies
  const option = useMemo(() => {
    const dates = axis(from)
    const codes = [
      ...new Set(
        days.flatMap((day) => day.revenue.flatMap((revenue) => (revenue.currency ? [revenue.currency] : []))),
      ),
    ]
    return {
      grid: { left: 56, right: 16, top: 32, bottom: 32 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      xAxis: { type: 'category', data: dates.map((day) => f.shortDay(day)) },
      yAxis: { type: 'value' },
      series: codes.map((currency) => {
        const info = currencyInfo(currency, currencies)
        const amounts = new Map(
          days.flatMap((day) =>
            day.revenue
              .filter((revenue) => revenue.currency === currency)
              .map((revenue) => [day.day, revenue.amount]),
          ),
        )
        return {
          type: 'line',
          name: info?.symbol ?? shortHex(currency),
          smooth: true,
          // Chart points only: the figures above and in the tables are exact.
          data: dates.map((day) => Number(unitsToDecimal(amounts.get(day) ?? '0', info?.decimals ?? 0))),
        }
      }),
    }
  }, [days, from, f, currencies])
  return <Chart option={option} label={f.t('overview.revenuePerDay')} height={260} />
}
