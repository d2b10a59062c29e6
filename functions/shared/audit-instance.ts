import { loadState } from '../../application/command-handler.ts';
import { instanceAggregate, instanceStreamId } from '../../application/identity/instance-aggregate.ts';
import type { AppServices } from '../../application/services.ts';
import { isUuid } from '../../domain/ids.ts';

/**
 * The instance a refused request's audit record belongs to: the one it named (bluemix-instance, or
 * the admin path's instance) if that instance exists, else '' (the service-wide chain). So a bad
 * token against a real instance shows in that instance's audit trail, while requests naming no or
 * a made-up instance cannot create chains at will. The caller learns nothing from this.
 */
export async function auditInstanceOf(
  services: Pick<AppServices, 'store'>,
  claimed: string | undefined,
): Promise<string> {
  if (!claimed || !isUuid(claimed)) return '';
  const { state } = await loadState(services.store, instanceAggregate, instanceStreamId(claimed));
  return state.status === 'Absent' ? '' : claimed;
}
