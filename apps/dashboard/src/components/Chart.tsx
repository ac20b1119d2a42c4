import { BarChart, LineChart } from 'echarts/charts'
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components'
import { type EChartsCoreOption, init, use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useRef } from 'react'

// Only the chart types and parts the pages draw: the rest of ECharts stays out of the bundle.
use([
  LineChart,
  BarChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  DataZoomComponent,
  CanvasRenderer,
])

/** An ECharts chart that follows its option and its container's size. */
export function Chart({
  option,
  height = 280,
  label,
}: {
  option: EChartsCoreOption
  height?: number
  label: string
}) {
  const container = useRef<HTMLDivElement>(null)
  const chart = useRef<ReturnType<typeof init> | null>(null)

  useEffect(() => {
    const element = container.current
    if (!element) return
    const instance = init(element)
    chart.current = instance
    const observer = new ResizeObserver(() => instance.resize())
    observer.observe(element)
    return () => {
      observer.disconnect()
      instance.dispose()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true })
  }, [option])

  return <div ref={container} role="img" aria-label={label} style={{ width: '100%', height }} />
}
