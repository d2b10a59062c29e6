/** The shape of every aggregate's decider (emmett's Decider): pure, no I/O, no clock, no randomness. */
export interface Decider<State, Command, Event> {
  initialState(): State;
  /** Returns the events a command yields in a state, or throws a DomainError. */
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}

/** Folds events into state. */
export function fold<State, Event>(
  decider: Pick<Decider<State, unknown, Event>, 'evolve'>,
  state: State,
  events: readonly Event[],
): State {
  return events.reduce((s, e) => decider.evolve(s, e), state);
}
