import type { Pkcs11Context } from './context.ts';
import { mapErrors } from './errors.ts';
import { findImportKeyObjects, importKeyIdBytes } from './import-key-pairs.ts';

/** Destroys import key pair `id` (token expired or used up); unknown or malformed ids are ignored. */
export async function destroyImportKeyPair(ctx: Pkcs11Context, id: string): Promise<void> {
  const idBytes = importKeyIdBytes(id);
  if (idBytes === undefined) return;
  await mapErrors('destroy import key pair', () =>
    ctx.pool.use((session) => {
      for (const object of findImportKeyObjects(ctx.module, session, idBytes))
        ctx.module.C_DestroyObject(session, object);
    }),
  );
}
