import { App, DatePicker, Form, Input, InputNumber, Modal, Select } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { api } from '../api/client'
import { keys, useApiMutation } from '../api/queries'
import type { Pile, PileMetadata } from '../api/types'
import { useLocale } from '../i18n'
import { ApiErrorAlert } from './ApiErrorAlert'

type Values = Omit<PileMetadata, 'installedOn'> & { installedOn: Dayjs | null }

/** Adds a pile, or edits one's metadata (the prototype's fields and its place); on-chain settings come from the chain. */
export function PileForm({ pile, open, onClose }: { pile?: Pile; open: boolean; onClose: () => void }) {
  const { t } = useLocale()
  const { message } = App.useApp()
  const [form] = Form.useForm<Values>()
  const save = useApiMutation(
    (body: PileMetadata) =>
      pile
        ? api<Pile>(`/api/piles/${pile.id}`, { method: 'PATCH', body: { ...body } })
        : api<Pile>('/api/piles', { method: 'POST', body: { ...body } }),
    [keys.piles(), ...(pile ? [keys.pile(pile.id)] : []), keys.overview],
  )

  const submit = async (values: Values) => {
    const body: PileMetadata = {
      ...values,
      dmid: blankToNull(values.dmid),
      name: values.name ?? '',
      site: blankToNull(values.site),
      brand: blankToNull(values.brand),
      model: blankToNull(values.model),
      firmwareVersion: blankToNull(values.firmwareVersion),
      address: blankToNull(values.address),
      installedOn: values.installedOn ? values.installedOn.format('YYYY-MM-DD') : null,
    }
    await save.mutateAsync(body)
    message.success(t('common.saved'))
    onClose()
  }

  const initial: Partial<Values> = pile
    ? { ...pile, installedOn: pile.installedOn ? dayjs(pile.installedOn) : null }
    : { guns: 1, currentType: 'ac' }

  return (
    <Modal
      open={open}
      title={
        pile ? t('pile.editTitle', { name: pile.name || pile.dmid || `#${pile.id}` }) : t('pile.createTitle')
      }
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (visible) {
          form.resetFields()
          save.reset()
        }
      }}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={(values) => void submit(values).catch(() => undefined)}
        preserve={false}
      >
        <Form.Item name="dmid" label={t('pile.dmid')}>
          <Input />
        </Form.Item>
        <Form.Item name="name" label={t('pile.name')}>
          <Input />
        </Form.Item>
        <Form.Item name="site" label={t('pile.site')}>
          <Input />
        </Form.Item>
        <Form.Item name="installedOn" label={t('pile.installedOn')}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="brand" label={t('pile.brand')}>
          <Input />
        </Form.Item>
        <Form.Item name="model" label={t('pile.model')}>
          <Input />
        </Form.Item>
        <Form.Item name="currentType" label={t('pile.currentType')}>
          <Select
            allowClear
            options={[
              { value: 'ac', label: t('pile.ac') },
              { value: 'dc', label: t('pile.dc') },
            ]}
          />
        </Form.Item>
        <Form.Item name="guns" label={t('pile.guns')} rules={[{ required: true, type: 'integer', min: 1 }]}>
          <InputNumber min={1} max={16} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="ratedPowerW"
          label={`${t('pile.ratedPower')} (W)`}
          rules={[{ type: 'integer', min: 1 }]}
        >
          <InputNumber min={1} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="firmwareVersion" label={t('pile.firmware')}>
          <Input />
        </Form.Item>
        <Form.Item name="latitude" label={t('pile.latitude')} rules={[{ type: 'number', min: -90, max: 90 }]}>
          <InputNumber min={-90} max={90} step={0.0001} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="longitude"
          label={t('pile.longitude')}
          rules={[{ type: 'number', min: -180, max: 180 }]}
        >
          <InputNumber min={-180} max={180} step={0.0001} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="address" label={t('pile.address')}>
          <Input />
        </Form.Item>
      </Form>
      <ApiErrorAlert error={save.error} />
    </Modal>
  )
}

function blankToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value.trim()
}
