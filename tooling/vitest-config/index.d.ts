import type { ViteUserConfig } from 'vitest/config'
export declare const tags: { name: string; description: string; timeout: number }[]
export declare function genVitestConfig(overrides?: ViteUserConfig): ViteUserConfig
export declare function isFullRun(): boolean
