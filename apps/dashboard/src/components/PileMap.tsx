/// <reference types="leaflet.markercluster" />
import 'leaflet/dist/leaflet.css'
import 'react-leaflet-cluster/dist/assets/MarkerCluster.css'
import 'react-leaflet-cluster/dist/assets/MarkerCluster.Default.css'
import './PileMap.css'
import L from 'leaflet'
import { useEffect, useMemo } from 'react'
import { MapContainer, Marker, TileLayer, Tooltip, useMap } from 'react-leaflet'
import MarkerClusterGroup from 'react-leaflet-cluster'
import { useServerConfig } from '../api/queries'
import type { Pile, PileState } from '../api/types'
import { useLocale } from '../i18n'
import { pileState } from '../pileState'

type Placed = Pile & { latitude: number; longitude: number }

const isPlaced = (pile: Pile): pile is Placed => pile.latitude !== null && pile.longitude !== null

// One icon per state, drawn in CSS (no image files for the bundler to lose); the state is also in its title.
const icons = new Map<PileState, L.DivIcon>()
function iconOf(state: PileState): L.DivIcon {
  let icon = icons.get(state)
  if (!icon) {
    icon = L.divIcon({
      className: `pile-marker pile-marker--${state}`,
      html: '<span></span>',
      iconSize: [22, 22],
      iconAnchor: [11, 11],
    })
    icons.set(state, icon)
  }
  return icon
}

// A cluster takes the colour of its most urgent pile: one faulted pile in a hundred still shows.
const urgency: PileState[] = ['faulted', 'charging', 'online', 'offline']

function clusterIcon(cluster: L.MarkerCluster): L.DivIcon {
  const states = new Set(
    cluster
      .getAllChildMarkers()
      .map((marker) => (marker.options as L.MarkerOptions & { state?: PileState }).state),
  )
  const state = urgency.find((candidate) => states.has(candidate)) ?? 'offline'
  const count = cluster.getChildCount()
  return L.divIcon({
    className: `pile-cluster pile-cluster--${state}`,
    html: `<span>${count}</span>`,
    iconSize: [36, 36],
  })
}

/**
 * Piles on a map, coloured by state and clustered. Tiles come from the server's config; without a tile URL (or
 * with no tile server reachable) the markers stand on a plain background, and tile errors never block them.
 */
export function PileMap({
  piles,
  height,
  onOpen,
  zoom = 13,
}: {
  piles: Pile[]
  height: number | string
  onOpen?: (pile: Pile) => void
  zoom?: number
}) {
  const config = useServerConfig().data
  const { t } = useLocale()
  const placed = useMemo(() => piles.filter(isPlaced), [piles])
  const first = placed[0]
  const center: [number, number] = first ? [first.latitude, first.longitude] : [31.0252, 121.4337]

  return (
    <MapContainer
      center={center}
      zoom={zoom}
      // Clustering needs a top zoom, which a missing tile layer would otherwise have given.
      maxZoom={19}
      style={{ height, width: '100%' }}
      className="pile-map"
      attributionControl={Boolean(config?.tileUrl)}
    >
      {config?.tileUrl ? <TileLayer url={config.tileUrl} attribution={config.tileAttribution ?? ''} /> : null}
      <FitBounds piles={placed} />
      <MarkerClusterGroup chunkedLoading iconCreateFunction={clusterIcon}>
        {placed.map((pile) => {
          const state = pileState(pile)
          const title = `${pile.name || pile.dmid || `#${pile.id}`} · ${t(`pileState.${state}`)}`
          return (
            <Marker
              key={pile.id}
              position={[pile.latitude, pile.longitude]}
              icon={iconOf(state)}
              {...{ state }}
              title={title}
              alt={title}
              eventHandlers={onOpen ? { click: () => onOpen(pile) } : {}}
            >
              <Tooltip>{title}</Tooltip>
            </Marker>
          )
        })}
      </MarkerClusterGroup>
    </MapContainer>
  )
}

/** Fits the view to the piles once they are known (and again when the set of placed piles changes). */
function FitBounds({ piles }: { piles: Placed[] }) {
  const map = useMap()
  const signature = piles.map((pile) => pile.id).join(',')
  // biome-ignore lint/correctness/useExhaustiveDependencies: refit when the set of piles changes, not on each state change
  useEffect(() => {
    if (piles.length === 0) return
    if (piles.length === 1) {
      const [only] = piles
      if (only) map.setView([only.latitude, only.longitude], map.getZoom())
      return
    }
    map.fitBounds(L.latLngBounds(piles.map((pile) => [pile.latitude, pile.longitude])), { padding: [30, 30] })
  }, [map, signature])
  return null
}
