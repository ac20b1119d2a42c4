import { LockOutlined, UserOutlined } from '@ant-design/icons'
import { useQueryClient } from '@tanstack/react-query'
import { Button, Card, Form, Input, Typography } from 'antd'
import { useState } from 'react'
import { useNavigate, useSearchParams } from 'react-router'
import { api } from '../api/client'
import { keys } from '../api/queries'
import type { Me } from '../api/types'
import { ApiErrorAlert } from '../components/ApiErrorAlert'
import { useLocale } from '../i18n'
import { LanguageSwitch } from '../layout/AppLayout'

interface Credentials {
  username: string
  password: string
}

export default function Login() {
  const { t } = useLocale()
  const client = useQueryClient()
  const navigate = useNavigate()
  const [search] = useSearchParams()
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (credentials: Credentials) => {
    setBusy(true)
    setError(null)
    try {
      await api('/api/auth/login', { method: 'POST', body: { ...credentials } })
      client.setQueryData(keys.me, await api<Me>('/api/auth/me'))
      const next = search.get('next')
      // Only a path on this site: a crafted link cannot send the operator elsewhere after signing in.
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true })
    } catch (caught) {
      setError(caught)
    } finally {
      setBusy(false)
    }
  }

  return (
    <main
      style={{
        minHeight: '100vh',
        display: 'grid',
        placeItems: 'center',
        background: '#f0f2f5',
        padding: 16,
      }}
    >
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <div
          style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 16 }}
        >
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            {t('app.subtitle')}
          </Typography.Title>
        </div>
        <div style={{ marginBottom: 16 }}>
          <LanguageSwitch />
        </div>
        <Form<Credentials> layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, message: t('login.required') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.required') }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          {error ? (
            <div style={{ marginBottom: 16 }}>
              <ApiErrorAlert error={error} />
            </div>
          ) : null}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  )
}
