import { registrationWriteHandler } from './registration-write.ts';
import { operations } from './operations.ts';

/** POST /api/v2/keys/{id}/registrations/{urlEncodedResourceCRN}: registers a cloud resource (by its URL-encoded CRN) on a root key (409 CONFLICT_ERR if it exists). */
export const handler = registrationWriteHandler(operations.createRegistration, 'created', 201);
