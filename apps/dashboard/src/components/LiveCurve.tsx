import { Typography } from 'antd'
import { useMemo } from 'react'
import { useMeterValues } from '../api/queries'
import type { MeterValue } from '../api/types'
import { ApiErrorAlert } from './ApiErrorAlert'
import { Chart } from './Chart'
import { useFormat } from './useFormat'

/**
 * A session's power and energy (delivered since it started) over time: its readings so far, then each new one as the live stream brings it.
 * `marks` draws horizontal lines on the energy axis (a dispute's voucher and claim).
 */
export function LiveCurve({
  orderId,
  readings: given,
  marks = [],
  baselineWh,
}: {
  orderId: number | null
  readings?: Array<Pick<MeterValue, 'measuredAt' | 'energyWh' | 'powerW' | 'flag'>>
  marks?: Array<{ label: string; energyWh: number }>
  /** The meter's register when the session started; the first reading's by default. */
  baselineWh?: number | null
}) {
  const f = useFormat()
  const { t } = f
  const fetched = useMeterValues(given ? null : orderId)
  const readings = given ?? fetched.data
  const option = useMemo(() => {
    const points = [...(readings ?? [])].sort((a, b) => a.measuredAt.localeCompare(b.measuredAt))
    const start = baselineWh ?? points[0]?.energyWh ?? 0
    return {
      grid: { left: 56, right: 56, top: 40, bottom: 40 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
      yAxis: [
        { type: 'value', name: t('pile.power'), position: 'left' },
        { type: 'value', name: t('pile.energy'), position: 'right' },
      ],
      series: [
        {
          type: 'line',
          name: t('pile.power'),
          showSymbol: false,
          data: points
            .filter((point) => point.powerW !== null)
            .map((point) => [point.measuredAt, (point.powerW ?? 0) / 1000]),
        },
        {
          type: 'line',
          name: t('pile.energy'),
          yAxisIndex: 1,
          showSymbol: false,
          areaStyle: { opacity: 0.1 },
          data: points.map((point) => [point.measuredAt, (point.energyWh - start) / 1000]),
          markLine:
            marks.length === 0
              ? undefined
              : {
                  symbol: 'none',
                  data: marks.map((mark) => ({ yAxis: mark.energyWh / 1000, name: mark.label })),
                  label: { formatter: '{b}' },
                },
        },
      ],
    }
  }, [readings, t, marks, baselineWh])

  if (fetched.error) return <ApiErrorAlert error={fetched.error} />
  if (orderId === null && !given)
    return <Typography.Text type="secondary">{t('pile.noSession')}</Typography.Text>
  return (
    <div data-testid="live-curve" data-points={readings?.length ?? 0}>
      <Chart option={option} label={t('pile.liveCurve')} height={280} />
    </div>
  )
}
