import { loadState } from '../command-handler.ts';
import { instanceNotFound } from '../errors.ts';
import { instanceAggregate, instanceStreamId } from '../identity/instance-aggregate.ts';
import type { AppServices } from '../services.ts';
import { SERVICE_CHAIN_ID } from './audit-log.ts';

/** 404 unless `instanceId` is an existing instance (or, where `allowServiceChain`, the service-wide chain's id). */
export async function requireInstance(
  services: Pick<AppServices, 'store'>,
  instanceId: string,
  allowServiceChain = false,
): Promise<void> {
  if (allowServiceChain && instanceId === SERVICE_CHAIN_ID) return;
  const { state } = await loadState(services.store, instanceAggregate, instanceStreamId(instanceId));
  if (state.status === 'Absent') throw instanceNotFound();
}
