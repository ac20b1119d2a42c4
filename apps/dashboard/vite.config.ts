import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// `vite dev` proxies the API (and its live stream) to a running chargechain-server: CHARGECHAIN_SERVER, or :8080.
const server = process.env.CHARGECHAIN_SERVER ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': { target: server, changeOrigin: true } } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
})
