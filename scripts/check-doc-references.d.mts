/** Types of scripts/check-doc-references.mjs for the TypeScript that imports it (its test). */
export function findBrokenReferences(files: ReadonlyMap<string, string>, exists: (path: string) => boolean): string[];
