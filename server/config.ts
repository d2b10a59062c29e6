import { resolve } from 'node:path';
import { settingsFromEnv, type Settings } from '../application/settings.ts';

/** The local server's configuration, from the environment (README "The local server" and "Settings"). */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** `sqlite` (embedded default) or `dynamodb` (DynamoDB Local or any endpoint). */
  readonly store: 'sqlite' | 'dynamodb';
  readonly dynamodbEndpoint?: string | undefined;
  readonly tablePrefix: string;
  readonly pkcs11Module?: string | undefined;
  readonly settings: Settings;
  /** KEYLEDGER_TLS_CERT and KEYLEDGER_TLS_KEY (PEM file paths): set both to serve HTTPS. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** Seconds between two runs of the in-process scheduler (KEYLEDGER_SCHEDULER_INTERVAL_S, default 60; 0 = off). */
  readonly schedulerIntervalS: number;
  /** Seconds between two passes of the audit reconciler (KEYLEDGER_AUDIT_RECONCILE_INTERVAL_S, default 10; 0 = only at start and stop). */
  readonly auditReconcileIntervalS: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const store = env.KEYLEDGER_STORE ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'dynamodb')
    throw new Error(`KEYLEDGER_STORE must be sqlite or dynamodb, got "${store}"`);
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    dataDir: resolve(env.KEYLEDGER_DATA_DIR ?? '.keyledger'),
    store,
    dynamodbEndpoint: env.KEYLEDGER_DYNAMODB_ENDPOINT,
    tablePrefix: env.KEYLEDGER_TABLE_PREFIX ?? 'keyledger',
    pkcs11Module: env.KEYLEDGER_PKCS11_MODULE,
    settings: settingsFromEnv(env),
    tls: tlsFiles(env),
    schedulerIntervalS: seconds('KEYLEDGER_SCHEDULER_INTERVAL_S', env.KEYLEDGER_SCHEDULER_INTERVAL_S, 60),
    auditReconcileIntervalS: seconds(
      'KEYLEDGER_AUDIT_RECONCILE_INTERVAL_S',
      env.KEYLEDGER_AUDIT_RECONCILE_INTERVAL_S,
      10,
    ),
  };
}

function seconds(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

function tlsFiles(env: NodeJS.ProcessEnv): ServerConfig['tls'] {
  const certFile = env.KEYLEDGER_TLS_CERT;
  const keyFile = env.KEYLEDGER_TLS_KEY;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile)
    throw new Error('set both KEYLEDGER_TLS_CERT and KEYLEDGER_TLS_KEY (PEM files), or neither');
  return { certFile, keyFile };
}
