import { Button, Result } from 'antd'
import { Link } from 'react-router'
import { useLocale } from '../i18n'

export default function NotFound() {
  const { t } = useLocale()
  return (
    <Result
      status="404"
      title={t('common.notFound')}
      extra={
        <Link to="/">
          <Button type="primary">{t('nav.overview')}</Button>
        </Link>
      }
    />
  )
}
