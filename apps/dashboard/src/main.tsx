import { createRoot } from 'react-dom/client'
import { App } from './App'
import { initI18n } from './i18n'
import './styles.css'

await initI18n()
const root = document.getElementById('root')
if (root) createRoot(root).render(<App />)
