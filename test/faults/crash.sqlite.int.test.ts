/**
 * The crash suite against the SQLite store (test/faults/crash-runs.ts): five SIGKILLs at different
 * moments, each followed by a restart on the same data directory and the full check.
 */
import { crashSuite } from './crash-runs.ts';

crashSuite('sqlite', [
  { at: 'under-load', afterAcks: 30 },
  { at: 'group-commit' },
  { at: 'under-load', afterAcks: 200 },
  { at: 'at-start' },
  { at: 'rebuild' },
]);
