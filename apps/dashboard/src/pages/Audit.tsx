import { Card, Input, Result, Space, Table, Typography } from 'antd'
import { useSearchParams } from 'react-router'
import { useAudit } from '../api/queries'
import type { AuditEntry } from '../api/types'
import { ApiErrorAlert } from '../components/ApiErrorAlert'
import { useFormat } from '../components/useFormat'
import { useIsAdmin } from '../layout/me'

/** Every change an operator made, newest first; `?subject=pile:12` shows one thing's history. Admins only. */
export default function Audit() {
  const f = useFormat()
  const { t } = f
  const admin = useIsAdmin()
  const [search, setSearch] = useSearchParams()
  const subject = search.get('subject')?.trim() || undefined
  const audit = useAudit(subject, admin)
  if (!admin) return <Result status="403" title={t('common.forbidden')} />
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} className="page-title">
        {t('audit.title')}
      </Typography.Title>
      <Card size="small">
        <Input.Search
          key={subject ?? ''}
          aria-label={t('audit.subject')}
          placeholder={t('audit.subjectFilter')}
          defaultValue={subject}
          allowClear
          style={{ maxWidth: 320, marginBottom: 12 }}
          onSearch={(value) => setSearch(value.trim() === '' ? {} : { subject: value.trim() })}
        />
        <ApiErrorAlert error={audit.error} />
        <Table<AuditEntry>
          rowKey="id"
          size="small"
          dataSource={audit.data}
          loading={audit.isPending}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          columns={[
            {
              key: 'at',
              title: t('audit.at'),
              render: (_, entry) => <span className="nowrap">{f.dateTime(entry.at)}</span>,
            },
            { key: 'actor', title: t('audit.actor'), dataIndex: 'actor' },
            {
              key: 'action',
              title: t('audit.action'),
              render: (_, entry) => <Typography.Text code>{entry.action}</Typography.Text>,
            },
            {
              key: 'subject',
              title: t('audit.subject'),
              render: (_, entry) => (
                <Typography.Link onClick={() => setSearch({ subject: entry.subject })}>
                  {entry.subject}
                </Typography.Link>
              ),
            },
            { key: 'change', title: t('audit.change'), render: (_, entry) => <Change entry={entry} /> },
          ]}
        />
      </Card>
    </Space>
  )
}

/** The fields that changed, before → after (the whole row for a create or delete). */
function Change({ entry }: { entry: AuditEntry }) {
  const before = asRecord(entry.before)
  const after = asRecord(entry.after)
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (field) =>
      field !== 'updatedAt' && !blank(before[field], after[field]) && changed(before[field], after[field]),
  )
  return (
    <div
      style={{
        maxWidth: 520,
        fontSize: 12,
        fontFamily: 'monospace',
        whiteSpace: 'pre-wrap',
        wordBreak: 'break-all',
      }}
    >
      {fields.map((field) => (
        <div key={field}>
          {field}: {show(before[field])} → {show(after[field])}
        </div>
      ))}
    </div>
  )
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}

/** Nothing on either side (a create's empty field): not worth a line. */
const blank = (before: unknown, after: unknown) => (before ?? null) === null && (after ?? null) === null

const changed = (before: unknown, after: unknown) => JSON.stringify(before) !== JSON.stringify(after)

const show = (value: unknown): string => (value === undefined ? '∅' : JSON.stringify(value))
