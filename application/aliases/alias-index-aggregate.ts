import {
  aliasIndexDecider,
  type AliasIndexCommand,
  type AliasIndexEvent,
  type AliasIndexState,
} from '../../domain/aliases/alias-index.ts';
import {
  aliasQuotaDecider,
  type AliasQuotaCommand,
  type AliasQuotaEvent,
  type AliasQuotaState,
} from '../../domain/aliases/alias-quota.ts';
import { aliasIndexCodec } from '../../events/schemas/alias-index.ts';
import { aliasQuotaCodec } from '../../events/schemas/alias-quota.ts';
import type { Aggregate } from '../command-handler.ts';

export const aliasIndexAggregate: Aggregate<AliasIndexState, AliasIndexCommand, AliasIndexEvent> = {
  decider: aliasIndexDecider,
  codec: aliasIndexCodec,
  snapshotVersion: 1,
};

/** One stream per (instance, alias): an alias of one instance never collides with another's. */
export const aliasStreamId = (instanceId: string, alias: string): string => `alias:${instanceId}:${alias}`;

export const aliasQuotaAggregate: Aggregate<AliasQuotaState, AliasQuotaCommand, AliasQuotaEvent> = {
  decider: aliasQuotaDecider,
  codec: aliasQuotaCodec,
  snapshotVersion: 1,
};

/** One stream per instance: how many aliases the instance's index holds. */
export const aliasQuotaStreamId = (instanceId: string): string => `alias-quota:${instanceId}`;
