import { z } from 'zod';

/** IBM IAM's API key grant type, the one `POST /identity/token` takes. */
export const APIKEY_GRANT = 'urn:ibm:params:oauth:grant-type:apikey';

/** POST /identity/token: the form IBM's SDKs send (application/x-www-form-urlencoded). */
export const tokenRequestForm = z.object({
  grant_type: z.literal(APIKEY_GRANT),
  apikey: z.string().min(1),
});
