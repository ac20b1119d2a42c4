import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, DatePicker, Form, Input, Modal, Popconfirm, Select, Space, Table, Typography } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useState } from 'react'
import { api } from '../api/client'
import { keys, useApiMutation, useIdTags } from '../api/queries'
import type { IdTag, IdTagStatus } from '../api/types'
import { useIsAdmin } from '../layout/me'
import { ApiErrorAlert } from './ApiErrorAlert'
import { useFormat } from './useFormat'

interface TagValues {
  tag: string
  status: IdTagStatus
  expiresAt: Dayjs | null
  parentTag: string | null
  label: string | null
}

/** The RFID cards (OCPP id tags) third-party chargers may start a transaction with; an admin adds, edits, removes them. */
export function IdTagList() {
  const f = useFormat()
  const { t } = f
  const admin = useIsAdmin()
  const tags = useIdTags()
  const [editing, setEditing] = useState<IdTag | 'new' | null>(null)
  const remove = useApiMutation(
    (tag: string) => api(`/api/id-tags/${encodeURIComponent(tag)}`, { method: 'DELETE' }),
    [keys.idTags],
  )
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {admin ? (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('charger.addTag')}
        </Button>
      ) : null}
      <ApiErrorAlert error={tags.error ?? remove.error} />
      <Table<IdTag>
        rowKey="tag"
        size="small"
        dataSource={tags.data}
        loading={tags.isPending}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            key: 'tag',
            title: t('charger.tag'),
            render: (_, tag) => <Typography.Text code>{tag.tag}</Typography.Text>,
          },
          {
            key: 'status',
            title: t('charger.status'),
            render: (_, tag) => t(`charger.tagStatus.${tag.status}`),
          },
          { key: 'expires', title: t('charger.expiresAt'), render: (_, tag) => f.dateTime(tag.expiresAt) },
          { key: 'parent', title: t('charger.parentTag'), render: (_, tag) => tag.parentTag ?? '' },
          { key: 'label', title: t('charger.label'), render: (_, tag) => tag.label ?? '' },
          ...(admin
            ? [
                {
                  key: 'actions',
                  title: t('common.actions'),
                  render: (_: unknown, tag: IdTag) => (
                    <Space size={4}>
                      <Button
                        size="small"
                        icon={<EditOutlined />}
                        aria-label={`${t('common.edit')} ${tag.tag}`}
                        onClick={() => setEditing(tag)}
                      />
                      <Popconfirm
                        title={t('common.confirmDelete', { name: tag.tag })}
                        okText={t('common.delete')}
                        cancelText={t('common.cancel')}
                        onConfirm={() => remove.mutateAsync(tag.tag)}
                      >
                        <Button
                          size="small"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={`${t('common.delete')} ${tag.tag}`}
                        />
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <IdTagForm tag={editing} onClose={() => setEditing(null)} />
    </Space>
  )
}

function IdTagForm({ tag, onClose }: { tag: IdTag | 'new' | null; onClose: () => void }) {
  const { t } = useFormat()
  const [form] = Form.useForm<TagValues>()
  const put = useApiMutation(
    (values: TagValues) =>
      api(`/api/id-tags/${encodeURIComponent(values.tag)}`, {
        method: 'PUT',
        body: {
          status: values.status,
          expiresAt: values.expiresAt ? values.expiresAt.toISOString() : null,
          parentTag: values.parentTag || null,
          label: values.label || null,
        },
      }),
    [keys.idTags],
  )
  const existing = tag !== null && tag !== 'new' ? tag : undefined
  return (
    <Modal
      open={tag !== null}
      title={existing ? `${t('common.edit')} ${existing.tag}` : t('charger.addTag')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={put.isPending}
      destroyOnHidden
    >
      <Form<TagValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={
          existing
            ? { ...existing, expiresAt: existing.expiresAt ? dayjs(existing.expiresAt) : null }
            : { status: 'accepted' }
        }
        onFinish={(values) => put.mutate(values, { onSuccess: onClose })}
      >
        <Form.Item name="tag" label={t('charger.tag')} rules={[{ required: true, max: 20 }]}>
          <Input disabled={existing !== undefined} />
        </Form.Item>
        <Form.Item name="status" label={t('charger.status')} rules={[{ required: true }]}>
          <Select
            options={(['accepted', 'blocked', 'expired'] as const).map((status) => ({
              value: status,
              label: t(`charger.tagStatus.${status}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="expiresAt" label={t('charger.expiresAt')}>
          <DatePicker showTime style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="parentTag" label={t('charger.parentTag')}>
          <Input />
        </Form.Item>
        <Form.Item name="label" label={t('charger.label')}>
          <Input />
        </Form.Item>
      </Form>
      <ApiErrorAlert error={put.error} />
    </Modal>
  )
}
