import { createRoot } from 'react-dom/client'
import { App } from './App'
import { meQuery, queryClient } from './api/queries'
import { initI18n } from './i18n'
import './styles.css'

// Who is signed in is asked at once, while the page's code still loads.
void queryClient.prefetchQuery(meQuery)
await initI18n()
const root = document.getElementById('root')
if (root) createRoot(root).render(<App />)
