import { ApplicationError } from '../errors.ts';
import { isUuid } from '../../domain/ids.ts';
import { subscriptionStreamId } from './subscription-aggregate.ts';

/** The stream of a subscription id from a path; anything but a UUID is an unknown subscription. */
export function subscriptionStreamOf(subscriptionId: string): string {
  if (!isUuid(subscriptionId)) throw new ApplicationError('SUBSCRIPTION_NOT_FOUND_ERR', 'Subscription does not exist');
  return subscriptionStreamId(subscriptionId.toLowerCase());
}
