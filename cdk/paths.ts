import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root: NodejsFunction's project root and the crypto image's build context. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Absolute path of a file given relative to the repository root. */
export function fromRoot(relative: string): string {
  return join(repoRoot, relative);
}
