/** The flags for `v8.setFlagsFromString`, in order (see v8-flags.js). */
export function v8Flags(options: { execArgv: string[]; nodeOptions: string; heapLimitBytes?: number }): string[];
/** Sets the flags v8Flags gives (see v8-flags.js). */
export function applyV8Flags(options: { execArgv: string[]; nodeOptions: string; heapLimitBytes?: number }): void;
/** Lets the young generation grow to 8 MB once `loaban start` serves, when applyV8Flags kept it small (see v8-flags.js). */
export function youngGenerationWhileServing(): void;
