import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons'
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Result,
  Select,
  Space,
  Table,
  Typography,
} from 'antd'
import { useContext, useState } from 'react'
import { api } from '../api/client'
import { keys, useAccounts, useApiMutation, useTokens } from '../api/queries'
import type { Account, ApiToken, Role } from '../api/types'
import { ApiErrorAlert } from '../components/ApiErrorAlert'
import { useFormat } from '../components/useFormat'
import { MeContext, useIsAdmin } from '../layout/me'

/** Who may operate the server (admins change things, viewers read), and the API tokens scripts use. Admins only. */
export default function Accounts() {
  const { t } = useFormat()
  if (!useIsAdmin()) return <Result status="403" title={t('common.forbidden')} />
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} className="page-title">
        {t('account.title')}
      </Typography.Title>
      <AccountList />
      <TokenList />
    </Space>
  )
}

interface AccountValues {
  username: string
  password?: string
  role: Role
}

function AccountList() {
  const f = useFormat()
  const { t } = f
  const me = useContext(MeContext)
  const accounts = useAccounts()
  const [editing, setEditing] = useState<Account | 'new' | null>(null)
  const remove = useApiMutation(
    (id: number) => api(`/api/accounts/${id}`, { method: 'DELETE' }),
    [keys.accounts],
  )
  return (
    <Card
      size="small"
      title={t('account.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('account.add')}
        </Button>
      }
    >
      <ApiErrorAlert error={accounts.error ?? remove.error} />
      <Table<Account>
        rowKey="id"
        size="small"
        dataSource={accounts.data}
        loading={accounts.isPending}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { key: 'username', title: t('account.username'), dataIndex: 'username' },
          { key: 'role', title: t('account.role'), render: (_, account) => t(`header.role.${account.role}`) },
          {
            key: 'created',
            title: t('account.created'),
            render: (_, account) => f.dateTime(account.createdAt),
          },
          {
            key: 'login',
            title: t('account.lastLogin'),
            render: (_, account) => f.dateTime(account.lastLoginAt),
          },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, account) => (
              <Space size={4}>
                <Button
                  size="small"
                  icon={<EditOutlined />}
                  aria-label={`${t('common.edit')} ${account.username}`}
                  onClick={() => setEditing(account)}
                />
                <Popconfirm
                  title={t('common.confirmDelete', { name: account.username })}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  disabled={account.id === me?.id}
                  onConfirm={() => remove.mutateAsync(account.id)}
                >
                  <Button
                    size="small"
                    danger
                    disabled={account.id === me?.id}
                    icon={<DeleteOutlined />}
                    aria-label={`${t('common.delete')} ${account.username}`}
                  />
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <AccountForm account={editing} onClose={() => setEditing(null)} />
    </Card>
  )
}

function AccountForm({ account, onClose }: { account: Account | 'new' | null; onClose: () => void }) {
  const { t } = useFormat()
  const { modal } = App.useApp()
  const [form] = Form.useForm<AccountValues>()
  const existing = account !== null && account !== 'new' ? account : undefined
  const save = useApiMutation(
    ({ username, password, role }: AccountValues) =>
      existing
        ? api<Account>(`/api/accounts/${existing.id}`, {
            method: 'PATCH',
            body: { role, ...(password ? { password } : {}) },
          })
        : api<Account & { password?: string }>('/api/accounts', {
            method: 'POST',
            body: { username, role, ...(password ? { password } : {}) },
          }),
    [keys.accounts, keys.audit()],
  )
  return (
    <Modal
      open={account !== null}
      title={existing ? `${t('common.edit')} ${existing.username}` : t('account.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Form<AccountValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={existing ?? { role: 'viewer' }}
        onFinish={(values) =>
          save.mutate(values, {
            onSuccess: (saved) => {
              onClose()
              // An account created without a password gets one from the server, shown this once.
              if ('password' in saved && typeof saved.password === 'string')
                modal.info({
                  title: saved.username,
                  content: (
                    <Space orientation="vertical">
                      <Alert type="warning" showIcon title={t('account.tokenOnce')} />
                      <Typography.Text code copyable>
                        {saved.password}
                      </Typography.Text>
                    </Space>
                  ),
                })
            },
          })
        }
      >
        <Form.Item name="username" label={t('account.username')} rules={[{ required: true, max: 64 }]}>
          <Input disabled={existing !== undefined} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="password"
          label={existing ? t('account.newPassword') : t('account.password')}
          {...(existing ? {} : { extra: t('account.passwordGenerated') })}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="role" label={t('account.role')} rules={[{ required: true }]}>
          <Select
            options={(['admin', 'viewer'] as const).map((role) => ({
              value: role,
              label: t(`header.role.${role}`),
            }))}
          />
        </Form.Item>
      </Form>
      <ApiErrorAlert error={save.error} />
    </Modal>
  )
}

function TokenList() {
  const f = useFormat()
  const { t } = f
  const { modal } = App.useApp()
  const tokens = useTokens()
  const [name, setName] = useState('')
  const create = useApiMutation(
    (tokenName: string) => api<ApiToken>('/api/tokens', { method: 'POST', body: { name: tokenName } }),
    [keys.tokens],
  )
  const remove = useApiMutation((id: number) => api(`/api/tokens/${id}`, { method: 'DELETE' }), [keys.tokens])
  return (
    <Card size="small" title={t('account.tokens')}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input
          aria-label={t('account.tokenName')}
          placeholder={t('account.tokenName')}
          value={name}
          onChange={(event) => setName(event.target.value)}
          style={{ width: 220 }}
        />
        <Button
          icon={<PlusOutlined />}
          disabled={name.trim() === ''}
          loading={create.isPending}
          onClick={() =>
            create.mutate(name.trim(), {
              onSuccess: (token) => {
                setName('')
                modal.info({
                  title: t('account.addToken'),
                  content: (
                    <Space orientation="vertical">
                      <Alert type="warning" showIcon title={t('account.tokenOnce')} />
                      <Typography.Text code copyable>
                        {token.token ?? ''}
                      </Typography.Text>
                    </Space>
                  ),
                })
              },
            })
          }
        >
          {t('account.addToken')}
        </Button>
      </Space>
      <ApiErrorAlert error={tokens.error ?? create.error ?? remove.error} />
      <Table<ApiToken>
        rowKey="id"
        size="small"
        dataSource={tokens.data}
        loading={tokens.isPending}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { key: 'name', title: t('account.tokenName'), dataIndex: 'name' },
          { key: 'account', title: t('account.account'), dataIndex: 'accountId' },
          { key: 'created', title: t('account.created'), render: (_, token) => f.dateTime(token.createdAt) },
          { key: 'used', title: t('account.lastUsed'), render: (_, token) => f.dateTime(token.lastUsedAt) },
          { key: 'expires', title: t('account.expires'), render: (_, token) => f.dateTime(token.expiresAt) },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, token) => (
              <Popconfirm
                title={t('common.confirmDelete', { name: token.name })}
                okText={t('common.delete')}
                cancelText={t('common.cancel')}
                onConfirm={() => remove.mutateAsync(token.id)}
              >
                <Button
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={`${t('common.delete')} ${token.name}`}
                />
              </Popconfirm>
            ),
          },
        ]}
      />
    </Card>
  )
}
