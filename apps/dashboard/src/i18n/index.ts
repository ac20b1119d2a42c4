import i18n from 'i18next'
import { initReactI18next, useTranslation } from 'react-i18next'
import type { Locale } from '../format'
import { en } from './en'
import { zh } from './zh'

export type Language = 'en' | 'zh'

export const languages: Record<Language, { label: string; locale: Locale }> = {
  zh: { label: '中文', locale: 'zh-CN' },
  en: { label: 'English', locale: 'en-US' },
}

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof en }
  }
}

const STORAGE_KEY = 'chargechain.language'

/** The remembered choice, else the browser's language (Chinese if it prefers any Chinese), else English. */
function initialLanguage(): Language {
  const stored = readStored()
  if (stored === 'en' || stored === 'zh') return stored
  return navigator.languages.some((tag) => tag.toLowerCase().startsWith('zh')) ? 'zh' : 'en'
}

function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY)
  } catch {
    return null // storage blocked: the choice lasts the session
  }
}

export async function initI18n(): Promise<void> {
  const lng = initialLanguage()
  document.documentElement.lang = languages[lng].locale
  await i18n.use(initReactI18next).init({
    resources: { en: { translation: en }, zh: { translation: zh } },
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  })
}

/** Switches every label and format, and remembers the choice in this browser. */
export async function setLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, language)
  } catch {
    // storage blocked: the choice lasts the session
  }
  document.documentElement.lang = languages[language].locale
  await i18n.changeLanguage(language)
}

export function currentLanguage(language: string): Language {
  return language === 'zh' ? 'zh' : 'en'
}

/** The current language, its number/date locale and the translate function. */
export function useLocale() {
  const { t, i18n: instance } = useTranslation()
  const language = currentLanguage(instance.language)
  return { t, language, locale: languages[language].locale }
}
