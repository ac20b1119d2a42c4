import {
  AlertOutlined,
  ApiOutlined,
  AuditOutlined,
  DashboardOutlined,
  EnvironmentOutlined,
  LogoutOutlined,
  MenuOutlined,
  ThunderboltOutlined,
  UnorderedListOutlined,
  UserOutlined,
} from '@ant-design/icons'
import { useQueryClient } from '@tanstack/react-query'
import {
  Badge,
  Button,
  Drawer,
  Dropdown,
  Grid,
  Layout,
  Menu,
  type MenuProps,
  Segmented,
  Spin,
  Typography,
} from 'antd'
import { Suspense, useState } from 'react'
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router'
import { api } from '../api/client'
import { type LiveStatus, useLiveUpdates } from '../api/live'
import { keys, useMe } from '../api/queries'
import type { Me } from '../api/types'
import { ApiErrorAlert } from '../components/ApiErrorAlert'
import { type Language, languages, setLanguage, useLocale } from '../i18n'
import { MeContext } from './me'

const { Header, Sider, Content } = Layout

/** The frame of every signed-in page: menu, header (live state, language, account), and the page. */
export function AppLayout() {
  const me = useMe()
  const location = useLocation()
  if (me.isPending)
    return (
      <div style={{ display: 'grid', placeItems: 'center', minHeight: '100vh' }}>
        <Spin size="large" />
      </div>
    )
  if (me.error) return <ApiErrorAlert error={me.error} />
  if (!me.data) {
    const next = `${location.pathname}${location.search}`
    return <Navigate to={`/login${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`} replace />
  }
  return <SignedIn me={me.data} />
}

function SignedIn({ me }: { me: Me }) {
  const { t } = useLocale()
  const screens = Grid.useBreakpoint()
  const wide = screens.lg ?? true
  const [drawerOpen, setDrawerOpen] = useState(false)
  const live = useLiveUpdates(true)
  const location = useLocation()
  const navigate = useNavigate()

  const section = `/${location.pathname.split('/')[1] ?? ''}`
  const items: MenuProps['items'] = [
    { key: '/', icon: <DashboardOutlined />, label: t('nav.overview') },
    { key: '/piles', icon: <ThunderboltOutlined />, label: t('nav.piles') },
    { key: '/map', icon: <EnvironmentOutlined />, label: t('nav.map') },
    { key: '/orders', icon: <UnorderedListOutlined />, label: t('nav.orders') },
    { key: '/disputes', icon: <AlertOutlined />, label: t('nav.disputes') },
    { key: '/chargers', icon: <ApiOutlined />, label: t('nav.chargers') },
    ...(me.role === 'admin'
      ? [
          { key: '/accounts', icon: <UserOutlined />, label: t('nav.accounts') },
          { key: '/audit', icon: <AuditOutlined />, label: t('nav.audit') },
        ]
      : []),
  ]
  const menu = (
    <Menu
      theme="dark"
      mode="inline"
      selectedKeys={[section]}
      items={items}
      onClick={({ key }) => {
        setDrawerOpen(false)
        navigate(key)
      }}
    />
  )
  const title = (
    <Typography.Title level={1} style={{ color: '#fff', fontSize: 17, margin: '16px', whiteSpace: 'nowrap' }}>
      {t('app.subtitle')}
    </Typography.Title>
  )

  return (
    <MeContext.Provider value={me}>
      <Layout style={{ minHeight: '100vh' }}>
        {wide ? (
          <Sider width={220} style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}>
            <nav aria-label={t('nav.menu')}>
              {title}
              {menu}
            </nav>
          </Sider>
        ) : (
          <Drawer
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            placement="left"
            size={240}
            styles={{ body: { padding: 0, background: '#001529' }, header: { display: 'none' } }}
          >
            <nav aria-label={t('nav.menu')}>
              {title}
              {menu}
            </nav>
          </Drawer>
        )}
        <Layout style={{ minWidth: 0 }}>
          <Header
            style={{
              background: '#fff',
              padding: wide ? '0 24px' : '0 12px',
              display: 'flex',
              alignItems: 'center',
              gap: 12,
              borderBottom: '1px solid #f0f0f0',
            }}
          >
            {wide ? null : (
              <Button
                type="text"
                icon={<MenuOutlined />}
                aria-label={t('nav.menu')}
                onClick={() => setDrawerOpen(true)}
              />
            )}
            <LiveBadge status={live} />
            <div style={{ flex: 1 }} />
            <LanguageSwitch />
            <AccountMenu me={me} compact={!wide} />
          </Header>
          <Content style={{ padding: wide ? 24 : 12, minWidth: 0 }}>
            <Suspense fallback={<Spin />}>
              <Outlet />
            </Suspense>
          </Content>
        </Layout>
      </Layout>
    </MeContext.Provider>
  )
}

function LiveBadge({ status }: { status: LiveStatus }) {
  const { t } = useLocale()
  const color = status === 'open' ? 'green' : status === 'connecting' ? 'gold' : 'red'
  return (
    <span data-testid="live-status" data-status={status} className="nowrap">
      <Badge color={color} text={t(`header.live.${status}`)} />
    </span>
  )
}

export function LanguageSwitch() {
  const { language, t } = useLocale()
  return (
    <Segmented<Language>
      aria-label={t('header.language')}
      size="small"
      value={language}
      options={(Object.keys(languages) as Language[]).map((value) => ({
        value,
        label: languages[value].label,
      }))}
      onChange={(value) => void setLanguage(value)}
    />
  )
}

function AccountMenu({ me, compact }: { me: Me; compact: boolean }) {
  const { t } = useLocale()
  const client = useQueryClient()
  const navigate = useNavigate()
  const logout = async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined)
    client.clear()
    client.setQueryData(keys.me, null)
    navigate('/login')
  }
  return (
    <Dropdown
      menu={{
        items: [{ key: 'logout', icon: <LogoutOutlined />, label: t('header.logout') }],
        onClick: () => void logout(),
      }}
    >
      <Button type="text" icon={<UserOutlined />} data-testid="account-menu" aria-label={me.username}>
        {compact ? null : `${me.username} (${t(`header.role.${me.role}`)})`}
      </Button>
    </Dropdown>
  )
}
