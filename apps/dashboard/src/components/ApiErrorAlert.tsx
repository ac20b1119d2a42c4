import { Alert } from 'antd'
import type { TFunction } from 'i18next'
import { ApiError } from '../api/client'
import { useLocale } from '../i18n'

/** An error in words: what kind of failure (in the operator's language), then the server's own message. */
export function errorText(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error)
  const kind = kindOf(t, error)
  return kind ? `${kind} ${error.shortMessage}` : error.shortMessage
}

function kindOf(t: TFunction, error: ApiError): string | undefined {
  switch (error.code) {
    case 'network':
      return t('error.network')
    case 'unauthorized':
      return t('error.unauthorized')
    case 'forbidden':
      return t('error.forbidden')
    case 'not_found':
      return t('error.notFound')
    case 'conflict':
      return t('error.conflict')
    case 'invalid_request':
      return t('error.invalid')
    case 'charger_offline':
      return t('error.offline')
    case 'rate_limited':
      return t('error.rateLimited')
    default:
      return undefined
  }
}

export function ApiErrorAlert({ error }: { error: unknown }) {
  const { t } = useLocale()
  if (!error) return null
  return (
    <Alert type="error" showIcon title={t('error.title')} description={errorText(t, error)} role="alert" />
  )
}
