import { registrationWriteHandler } from './registration-write.ts';
import { operations } from './operations.ts';

/** PATCH /api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}: updates preventKeyDeletion and/or description; omitted fields keep their value. */
export const handler = registrationWriteHandler(operations.updateRegistration, 'updated', 200);
