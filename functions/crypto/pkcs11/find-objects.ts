import { type Cryptoki, type Handle, type Template } from './cryptoki.ts';

/** Every object visible to `session` that matches `template` (C_FindObjects* in one go). */
export function findObjects(module: Cryptoki, session: Handle, template: Template): Handle[] {
  module.C_FindObjectsInit(session, template);
  try {
    const found: Handle[] = [];
    for (;;) {
      const batch = module.C_FindObjects(session, 64);
      if (batch.length === 0) return found;
      found.push(...batch);
    }
  } finally {
    module.C_FindObjectsFinal(session);
  }
}

/** Reads one attribute's raw value. */
export function readAttribute(module: Cryptoki, session: Handle, object: Handle, type: number): Buffer {
  const [attribute] = module.C_GetAttributeValue(session, object, [{ type }]);
  if (attribute === undefined) throw new Error(`attribute 0x${type.toString(16)} missing`);
  return attribute.value;
}

/** Destroys an object, ignoring failure: used in `finally` blocks for temporary session objects. */
export function destroyQuietly(module: Cryptoki, session: Handle, object: Handle): void {
  try {
    module.C_DestroyObject(session, object);
  } catch {
    // Session objects also disappear when their session closes, which the pool does on error.
  }
}
