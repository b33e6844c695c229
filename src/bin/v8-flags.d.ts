/** The flags for `v8.setFlagsFromString`, in order (see v8-flags.js). */
export function v8Flags(options: { execArgv: string[]; nodeOptions: string; heapLimitBytes?: number }): string[];
