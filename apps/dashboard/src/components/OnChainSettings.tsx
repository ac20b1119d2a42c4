import { Descriptions, Empty, Space, Tag } from 'antd'
import type { Pile } from '../api/types'
import { HexText, TxLink } from './Hex'
import { useFormat } from './useFormat'

/** A pile's registry entry: owner, payout, tariff and free vehicles, with the transactions that set them. */
export function OnChainSettings({ pile, columns = 2 }: { pile: Pile; columns?: number }) {
  const f = useFormat()
  const { t } = f
  if (!pile.chainPileId)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pile.notOnChain')} />
  const price = (units: string | null) => (units === null ? '—' : f.amount(units, pile.currency))
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, sm: 1, md: columns }}
      items={[
        { key: 'owner', label: t('pile.owner'), children: <HexText value={pile.owner} /> },
        { key: 'payout', label: t('pile.payout'), children: <HexText value={pile.payout} /> },
        { key: 'agent', label: t('pile.agent'), children: <HexText value={pile.agent} /> },
        { key: 'currency', label: t('pile.currency'), children: <HexText value={pile.currency} /> },
        {
          key: 'tariff',
          label: t('pile.tariff'),
          span: 'filled',
          children: (
            <Space wrap size={[16, 4]}>
              <span>
                {price(pile.pricePerKWh)} {t('pile.pricePerKWh')}
              </span>
              <span>
                {price(pile.pricePerMinute)} {t('pile.pricePerMinute')}
              </span>
              <span>
                {price(pile.idlePerMinute)} {t('pile.idlePerMinute')}
              </span>
              <span>
                {price(pile.sessionFee)} {t('pile.sessionFee')}
              </span>
            </Space>
          ),
        },
        {
          key: 'credit',
          label: t('pile.creditWh'),
          children: pile.creditWh === null ? '—' : f.number(pile.creditWh),
        },
        { key: 'registry', label: t('pile.chainPileId'), children: <HexText value={pile.chainPileId} /> },
        {
          key: 'free',
          label: t('pile.freeVehicles'),
          span: 'filled',
          children:
            pile.freeVehicles.length === 0 ? (
              t('common.none')
            ) : (
              <Space wrap>
                {pile.freeVehicles.map((vehicle) => (
                  <Tag key={vehicle}>
                    <HexText value={vehicle} />
                  </Tag>
                ))}
              </Space>
            ),
        },
        ...(pile.transactions && pile.transactions.length > 0
          ? [
              {
                key: 'transactions',
                label: t('pile.transactions'),
                span: 'filled' as const,
                children: (
                  <Space orientation="vertical" size={2}>
                    {pile.transactions.map((transaction) => (
                      <TxLink
                        key={`${transaction.transactionHash}:${transaction.logIndex ?? transaction.eventName}`}
                        hash={transaction.transactionHash}
                        label={transaction.eventName}
                        pending={transaction.pending}
                      />
                    ))}
                  </Space>
                ),
              },
            ]
          : []),
      ]}
    />
  )
}
