/** Whether dist/ is built from the sources as they are now (see built.js). */
export function builtFromSources(): boolean;
