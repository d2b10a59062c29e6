/** The DynamoDB tables of the local DynamoDB mode (`npm run start:dynamodb`). */
interface LocalTableNames {
  readonly events: string;
  readonly keyList: string;
  readonly audit: string;
  readonly idempotency: string;
}

/**
 * The one place that names the local DynamoDB mode's tables, from `KEYLEDGER_TABLE_PREFIX` (default
 * `keyledger`): server/open-services.ts creates and opens them, the Streams poller follows the events
 * table's stream (server/read-model-feed.ts), the local schedules hand them to the scheduled handler.
 */
export function localTableNames(config: { readonly tablePrefix: string }): LocalTableNames {
  return {
    events: `${config.tablePrefix}-events`,
    keyList: `${config.tablePrefix}-key-list`,
    audit: `${config.tablePrefix}-audit`,
    idempotency: `${config.tablePrefix}-idempotency`,
  };
}
