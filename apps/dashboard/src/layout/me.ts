import { createContext, useContext } from 'react'
import type { Me } from '../api/types'

export const MeContext = createContext<Me | null>(null)

/** Whether the signed-in account may change things: viewers see no edit controls (and the API refuses them). */
export function useIsAdmin(): boolean {
  return useContext(MeContext)?.role === 'admin'
}
