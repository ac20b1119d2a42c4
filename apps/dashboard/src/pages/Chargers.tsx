import { DeleteOutlined, KeyOutlined, PlusOutlined } from '@ant-design/icons'
import {
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd'
import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { api } from '../api/client'
import { keys, useAllPiles, useApiMutation, useChargers } from '../api/queries'
import type { Charger } from '../api/types'
import { ApiErrorAlert } from '../components/ApiErrorAlert'
import { IdTagList } from '../components/IdTags'
import { useFormat } from '../components/useFormat'
import { useIsAdmin } from '../layout/me'

/** Third-party OCPP chargers with their credentials, and the RFID cards they may start with. */
export default function Chargers() {
  const { t } = useFormat()
  const [search, setSearch] = useSearchParams()
  const tab = search.get('tab') === 'tags' ? 'tags' : 'chargers'
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} className="page-title">
        {t('nav.chargers')}
      </Typography.Title>
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(key) => setSearch(key === 'tags' ? { tab: 'tags' } : {})}
          items={[
            { key: 'chargers', label: t('charger.title'), children: <ChargerList /> },
            { key: 'tags', label: t('charger.tagsTitle'), children: <IdTagList /> },
          ]}
        />
      </Card>
    </Space>
  )
}

const PASSWORD_RULES = [{ required: true, min: 16, max: 40 }]

function ChargerList() {
  const f = useFormat()
  const { t } = f
  const admin = useIsAdmin()
  const { message } = App.useApp()
  const chargers = useChargers()
  const [adding, setAdding] = useState(false)
  const [passwordFor, setPasswordFor] = useState<Charger | null>(null)
  const remove = useApiMutation(
    (id: string) => api(`/api/chargers/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    [keys.chargers],
  )
  const endpoint = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ocpp/`
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Text type="secondary">
          {t('charger.endpoint')}: <Typography.Text code>{`${endpoint}{id}`}</Typography.Text>
        </Typography.Text>
        {admin ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
            {t('charger.add')}
          </Button>
        ) : null}
      </Space>
      <ApiErrorAlert error={chargers.error ?? remove.error} />
      <Table<Charger>
        rowKey="id"
        size="small"
        dataSource={chargers.data}
        loading={chargers.isPending}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            key: 'id',
            title: t('charger.id'),
            render: (_, charger) => <Typography.Text code>{charger.id}</Typography.Text>,
          },
          {
            key: 'pile',
            title: t('charger.pile'),
            render: (_, charger) => <Link to={`/piles/${charger.pileId}`}>#{charger.pileId}</Link>,
          },
          {
            key: 'connected',
            title: t('charger.connected'),
            render: (_, charger) => (
              <Tag color={charger.connected ? 'green' : 'default'}>
                {t(charger.connected ? 'common.yes' : 'common.no')}
              </Tag>
            ),
          },
          {
            key: 'last',
            title: t('charger.lastConnected'),
            render: (_, charger) => f.dateTime(charger.lastConnectedAt),
          },
          {
            key: 'created',
            title: t('charger.created'),
            render: (_, charger) => f.dateTime(charger.createdAt),
          },
          ...(admin
            ? [
                {
                  key: 'actions',
                  title: t('common.actions'),
                  render: (_: unknown, charger: Charger) => (
                    <Space size={4}>
                      <Button size="small" icon={<KeyOutlined />} onClick={() => setPasswordFor(charger)}>
                        {t('charger.setPassword')}
                      </Button>
                      <Popconfirm
                        title={t('common.confirmDelete', { name: charger.id })}
                        okText={t('common.delete')}
                        cancelText={t('common.cancel')}
                        onConfirm={async () => {
                          await remove.mutateAsync(charger.id)
                          message.success(t('common.deleted'))
                        }}
                      >
                        <Button
                          size="small"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={`${t('common.delete')} ${charger.id}`}
                        />
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <AddCharger open={adding} onClose={() => setAdding(false)} />
      <ChargerPassword charger={passwordFor} onClose={() => setPasswordFor(null)} />
    </Space>
  )
}

function AddCharger({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useFormat()
  const [form] = Form.useForm<{ id: string; pileId: number; password: string }>()
  const piles = useAllPiles(open)
  const add = useApiMutation(
    (body: { id: string; pileId: number; password: string }) =>
      api('/api/chargers', { method: 'POST', body }),
    [keys.chargers],
  )
  return (
    <Modal
      open={open}
      title={t('charger.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={add.isPending}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        onFinish={(values) => add.mutate(values, { onSuccess: onClose })}
      >
        <Form.Item name="id" label={t('charger.id')} rules={[{ required: true, max: 48 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="pileId" label={t('charger.pile')} rules={[{ required: true }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={piles.isPending}
            options={piles.data?.map((pile) => ({
              value: pile.id,
              label: `#${pile.id} ${pile.dmid ?? ''} ${pile.name}`.trim(),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('charger.password')}
          extra={t('charger.passwordHint')}
          rules={PASSWORD_RULES}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
      <ApiErrorAlert error={add.error} />
    </Modal>
  )
}

function ChargerPassword({ charger, onClose }: { charger: Charger | null; onClose: () => void }) {
  const { t } = useFormat()
  const { message } = App.useApp()
  const [form] = Form.useForm<{ password: string }>()
  const set = useApiMutation(
    ({ id, password }: { id: string; password: string }) =>
      api(`/api/chargers/${encodeURIComponent(id)}/password`, { method: 'PUT', body: { password } }),
    [keys.chargers],
  )
  return (
    <Modal
      open={charger !== null}
      title={`${t('charger.setPassword')} · ${charger?.id ?? ''}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={set.isPending}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        onFinish={({ password }) =>
          charger &&
          set.mutate(
            { id: charger.id, password },
            {
              onSuccess: () => {
                message.success(t('common.saved'))
                onClose()
              },
            },
          )
        }
      >
        <Form.Item
          name="password"
          label={t('charger.password')}
          extra={t('charger.passwordHint')}
          rules={PASSWORD_RULES}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
      <ApiErrorAlert error={set.error} />
    </Modal>
  )
}
