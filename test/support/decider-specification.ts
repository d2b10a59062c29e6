import assert from 'node:assert/strict';
import { fold, type Decider } from '../../domain/decider.ts';
import { DomainError } from '../../domain/errors.ts';

/**
 * Given/when/then for deciders (emmett's DeciderSpecification): given past events, when a
 * command, then exactly these events, or nothing, or a DomainError with this reason code.
 */
export interface Then<State, Event> {
  then(expected: readonly Event[]): void;
  thenNothingHappens(): void;
  thenThrows(code: string, messageIncludes?: string): void;
  /** The state after the decided events, for assertions on evolve. */
  thenState(check: (state: State, events: readonly Event[]) => void): void;
}

export function DeciderSpecification<State, Command, Event>(decider: Decider<State, Command, Event>) {
  return {
    given(events: readonly Event[]) {
      return {
        when(command: Command): Then<State, Event> {
          const before = () => fold(decider, decider.initialState(), events);
          const decide = () => decider.decide(command, before());
          return {
            then(expected) {
              assert.deepStrictEqual(decide(), expected);
            },
            thenNothingHappens() {
              assert.deepStrictEqual(decide(), []);
            },
            thenThrows(code, messageIncludes) {
              let decided: readonly Event[];
              try {
                decided = decide();
              } catch (error) {
                if (!(error instanceof DomainError)) throw error;
                assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
                if (messageIncludes !== undefined) assert.ok(error.message.includes(messageIncludes), error.message);
                return;
              }
              assert.fail(
                `expected ${code}, but the decider returned ${JSON.stringify(decided.map((e) => (e as { type?: unknown }).type))}`,
              );
            },
            thenState(check) {
              const state = before();
              const decided = decider.decide(command, state);
              check(fold(decider, state, decided), decided);
            },
          };
        },
      };
    },
  };
}
