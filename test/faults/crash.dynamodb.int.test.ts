/**
 * The crash suite against DynamoDB Local (test/faults/crash-runs.ts): the server is killed, the
 * tables survive; three SIGKILLs at different moments, each followed by a restart and the full check.
 */
import { crashSuite } from './crash-runs.ts';

crashSuite('dynamodb', [{ at: 'under-load', afterAcks: 100 }, { at: 'group-commit' }, { at: 'rebuild' }]);
