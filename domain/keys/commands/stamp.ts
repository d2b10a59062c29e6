import type { CommandContext } from '../commands.ts';
import type { EventStamp } from '../events.ts';

/** The event stamp a command's events carry: its time and acting principal. */
export function stamp(command: CommandContext): EventStamp {
  return { time: command.now, principalId: command.principalId };
}
