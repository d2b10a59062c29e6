import {
  aliasIndexDecider,
  type AliasIndexCommand,
  type AliasIndexEvent,
  type AliasIndexState,
} from '../../domain/aliases/alias-index.ts';
import { aliasIndexCodec } from '../../events/schemas/alias-index.ts';
import type { Aggregate } from '../command-handler.ts';

export const aliasIndexAggregate: Aggregate<AliasIndexState, AliasIndexCommand, AliasIndexEvent> = {
  decider: aliasIndexDecider,
  codec: aliasIndexCodec,
  snapshotVersion: 1,
};

/** One stream per (instance, alias): an alias of one instance never collides with another's. */
export const aliasStreamId = (instanceId: string, alias: string): string => `alias:${instanceId}:${alias}`;
