import { registrationWriteHandler } from './registration-write.ts';
import { operations } from './operations.ts';

/** PUT /api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}: replaces a registration; an omitted preventKeyDeletion becomes false. */
export const handler = registrationWriteHandler(operations.replaceRegistration, 'updated', 200, false);
