import { Tooltip, Typography } from 'antd'
import { useServerConfig } from '../api/queries'
import { shortHex } from '../format'
import { useLocale } from '../i18n'

/** An address or hash in a table row: short, whole in its title. Light on purpose: a page shows hundreds. */
export function ShortHex({ value }: { value: string | null | undefined }) {
  if (!value) return null
  return (
    <span title={value} style={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>
      {shortHex(value)}
    </span>
  )
}

/** An address or hash on a detail page: short, whole in the tooltip and when copied. */
export function HexText({ value }: { value: string | null | undefined }) {
  if (!value) return null
  return (
    <Tooltip title={value}>
      <Typography.Text copyable={{ text: value }} style={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>
        {shortHex(value)}
      </Typography.Text>
    </Tooltip>
  )
}

/** A transaction: a link to the block explorer the server names, else its hash to copy. */
export function TxLink({ hash, label, pending }: { hash: string; label?: string; pending?: boolean }) {
  const explorer = useServerConfig().data?.explorerUrl
  const { t } = useLocale()
  const text = `${label ? `${label} ` : ''}${shortHex(hash)}`
  const mark = pending ? (
    <Tooltip title={t('common.pendingHint')}>
      <Typography.Text type="warning"> ({t('common.pending')})</Typography.Text>
    </Tooltip>
  ) : null
  if (!explorer)
    return (
      <span style={{ whiteSpace: 'nowrap' }}>
        <Tooltip title={hash}>
          <Typography.Text copyable={{ text: hash }} style={{ fontFamily: 'monospace' }}>
            {text}
          </Typography.Text>
        </Tooltip>
        {mark}
      </span>
    )
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <Typography.Link
        href={`${explorer.replace(/\/$/, '')}/tx/${hash}`}
        target="_blank"
        rel="noreferrer"
        style={{ fontFamily: 'monospace' }}
      >
        {text}
      </Typography.Link>
      {mark}
    </span>
  )
}
