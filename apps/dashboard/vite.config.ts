import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

// `vite dev` proxies the API (and its live stream) to a running chargechain-server: CHARGECHAIN_SERVER, or :8080.
const server = process.env.CHARGECHAIN_SERVER ?? 'http://127.0.0.1:8080'

const brotli = promisify(brotliCompress)
const gzipped = promisify(gzip)

/**
 * Writes `.br` and `.gz` beside every script, style sheet and page, so a server that serves precompressed files
 * (Hono's serveStatic `precompressed`) sends a third of the bytes without compressing on each request.
 */
function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'chargechain:precompress',
    apply: 'build',
    configResolved: (config) => {
      outDir = config.build.outDir
    },
    async closeBundle() {
      const files = (await readdir(outDir, { recursive: true })).filter((file) =>
        /\.(js|css|html|svg)$/.test(file),
      )
      await Promise.all(
        files.map(async (file) => {
          const path = join(outDir, file)
          const content = await readFile(path)
          if (content.length < 1024) return
          await writeFile(
            `${path}.br`,
            await brotli(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 10 } }),
          )
          await writeFile(`${path}.gz`, await gzipped(content, { level: 9 }))
        }),
      )
    },
  }
}

export default defineConfig({
  plugins: [react(), precompress()],
  server: { proxy: { '/api': { target: server, changeOrigin: true } } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
})
