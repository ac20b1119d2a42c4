import { PauseCircleOutlined, PoweroffOutlined } from '@ant-design/icons'
import { App, Button, Divider, InputNumber, Popconfirm, Select, Space, Typography } from 'antd'
import { useState } from 'react'
import { api } from '../api/client'
import { keys, useApiMutation } from '../api/queries'
import type { Pile } from '../api/types'
import { useLocale } from '../i18n'
import { ApiErrorAlert } from './ApiErrorAlert'

type Command =
  | { path: 'stop'; body: { orderId?: number } }
  | { path: 'stop-at'; body: { orderId?: number; energyWh: number } }
  | { path: 'availability'; body: { connector: number; type: 'Operative' | 'Inoperative' } }

/** Remote commands an admin sends a pile through the server: stop, stop at N kWh, connector availability. */
export function PileCommands({ pile, orderId }: { pile: Pile; orderId: number | null }) {
  const { t } = useLocale()
  const { message } = App.useApp()
  const [kwh, setKwh] = useState<number | null>(null)
  const connectorNumbers = pile.connectors
    .map((connector) => connector.connector)
    .filter((number) => number > 0)
  const [connector, setConnector] = useState<number>(connectorNumbers[0] ?? 1)
  const send = useApiMutation(
    (command: Command) =>
      api(`/api/piles/${pile.id}/commands/${command.path}`, { method: 'POST', body: command.body }),
    [keys.pile(pile.id)],
  )
  const run = (command: Command) =>
    send.mutate(command, { onSuccess: () => void message.success(t('pile.sent')) })
  const order = orderId === null ? {} : { orderId }

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Popconfirm
          title={t('pile.stop')}
          okText={t('common.yes')}
          cancelText={t('common.no')}
          onConfirm={() => run({ path: 'stop', body: order })}
        >
          <Button danger icon={<PoweroffOutlined />} loading={send.isPending} disabled={orderId === null}>
            {t('pile.stop')}
          </Button>
        </Popconfirm>
      </Space>
      <Space wrap>
        <Typography.Text id="stop-at-label">{t('pile.stopAt')}</Typography.Text>
        <InputNumber<number>
          aria-labelledby="stop-at-label"
          min={0.001}
          step={1}
          precision={3}
          value={kwh}
          onChange={setKwh}
          suffix="kWh"
          style={{ width: 160 }}
        />
        <Button
          icon={<PauseCircleOutlined />}
          disabled={orderId === null || kwh === null}
          loading={send.isPending}
          onClick={() =>
            kwh !== null && run({ path: 'stop-at', body: { ...order, energyWh: Math.round(kwh * 1000) } })
          }
        >
          {t('pile.stopAtSubmit')}
        </Button>
      </Space>
      <Divider style={{ margin: '8px 0' }} />
      <Space wrap>
        <Typography.Text id="availability-label">{t('pile.availability')}</Typography.Text>
        <Select<number>
          aria-labelledby="availability-label"
          value={connector}
          onChange={setConnector}
          style={{ width: 140 }}
          options={(connectorNumbers.length > 0 ? connectorNumbers : [1]).map((number) => ({
            value: number,
            label: t('pile.connector', { number }),
          }))}
        />
        <Button onClick={() => run({ path: 'availability', body: { connector, type: 'Operative' } })}>
          {t('pile.operative')}
        </Button>
        <Button onClick={() => run({ path: 'availability', body: { connector, type: 'Inoperative' } })}>
          {t('pile.inoperative')}
        </Button>
      </Space>
      <ApiErrorAlert error={send.error} />
    </Space>
  )
}
