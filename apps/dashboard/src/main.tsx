import { createRoot } from 'react-dom/client'
import { App } from './App'
import { configQuery, meQuery, queryClient } from './api/queries'
import { initI18n } from './i18n'
import './styles.css'

// Who is signed in, and the server's settings every amount is formatted with, are asked at once, while the page's
// code still loads: the first render has them instead of rendering every row again when they come.
void queryClient.prefetchQuery(meQuery)
void queryClient.prefetchQuery(configQuery)
await initI18n()
const root = document.getElementById('root')
if (root) createRoot(root).render(<App />)
