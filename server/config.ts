import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DEFAULT_SEAL_INTERVAL_MS } from '../application/audit/chained-audit-log.ts';
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
  /** The SoftHSM token: where it lives and where its user PIN comes from (README "Security"). */
  readonly hsm: HsmLocation;
  readonly settings: Settings;
  /** KEYLEDGER_TLS_CERT and KEYLEDGER_TLS_KEY (PEM file paths): set both to serve HTTPS. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** Seconds between two runs of the in-process scheduler (KEYLEDGER_SCHEDULER_INTERVAL_S, default 60; 0 = off). */
  readonly schedulerIntervalS: number;
  /** Seconds between two passes of the audit reconciler (KEYLEDGER_AUDIT_RECONCILE_INTERVAL_S, default 10; 0 = only at start and stop). */
  readonly auditReconcileIntervalS: number;
  /**
   * Most ms from a durable audit record to the start of the HSM-signed checkpoint that seals it
   * (KEYLEDGER_AUDIT_SEAL_INTERVAL_MS, default 100; 0 = seal every commit before its responses leave).
   */
  readonly auditSealIntervalMs: number;
}

export interface HsmLocation {
  /** KEYLEDGER_HSM_DIR, default `$KEYLEDGER_DATA_DIR/softhsm`. */
  readonly dir: string;
  /** KEYLEDGER_HSM_PIN or the file KEYLEDGER_HSM_PIN_FILE names; undefined: generated and kept next to the token. */
  readonly pin?: { readonly value: string; readonly from: string } | undefined;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const store = env.KEYLEDGER_STORE ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'dynamodb')
    throw new Error(`KEYLEDGER_STORE must be sqlite or dynamodb, got "${store}"`);
  const dataDir = resolve(env.KEYLEDGER_DATA_DIR ?? '.keyledger');
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    dataDir,
    store,
    dynamodbEndpoint: env.KEYLEDGER_DYNAMODB_ENDPOINT,
    tablePrefix: env.KEYLEDGER_TABLE_PREFIX ?? 'keyledger',
    pkcs11Module: env.KEYLEDGER_PKCS11_MODULE,
    hsm: { dir: env.KEYLEDGER_HSM_DIR ? resolve(env.KEYLEDGER_HSM_DIR) : join(dataDir, 'softhsm'), pin: hsmPin(env) },
    settings: settingsFromEnv(env),
    tls: tlsFiles(env),
    schedulerIntervalS: nonNegative('KEYLEDGER_SCHEDULER_INTERVAL_S', env, 60),
    auditReconcileIntervalS: nonNegative('KEYLEDGER_AUDIT_RECONCILE_INTERVAL_S', env, 10),
    auditSealIntervalMs: nonNegative('KEYLEDGER_AUDIT_SEAL_INTERVAL_MS', env, DEFAULT_SEAL_INTERVAL_MS),
  };
}

function nonNegative(name: string, env: NodeJS.ProcessEnv, fallback: number): number {
  const raw = env[name];
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

/**
 * The token's user PIN when the operator keeps it: KEYLEDGER_HSM_PIN, or the first line of the file
 * KEYLEDGER_HSM_PIN_FILE, which must be readable by its owner alone (0600 or stricter).
 */
function hsmPin(env: NodeJS.ProcessEnv): HsmLocation['pin'] {
  const value = env.KEYLEDGER_HSM_PIN;
  const file = env.KEYLEDGER_HSM_PIN_FILE;
  if (value && file) throw new Error('set KEYLEDGER_HSM_PIN or KEYLEDGER_HSM_PIN_FILE, not both');
  if (value) return { value, from: 'the environment variable KEYLEDGER_HSM_PIN' };
  if (!file) return undefined;
  const path = resolve(file);
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new Error(`KEYLEDGER_HSM_PIN_FILE ${path} is readable by others (mode ${mode.toString(8)}): chmod 600 it`);
  const pin = readFileSync(path, 'utf8').split('\n')[0]?.trim() ?? '';
  if (pin === '') throw new Error(`KEYLEDGER_HSM_PIN_FILE ${path} is empty`);
  return { value: pin, from: `the file ${path}` };
}

/** What `npm start` says about where the store, the token and its PIN are, and what a copy of each gives. */
export function describeLocations(config: ServerConfig): string[] {
  const { dir, pin } = config.hsm;
  const inside = !relative(config.dataDir, dir).startsWith('..');
  const lines = [
    `${config.store} store under ${config.dataDir}`,
    `SoftHSM token in ${dir}${inside ? ' (inside the data directory)' : ''}`,
  ];
  const leftovers = ['pin', 'so-pin'].filter((name) => existsSync(join(dir, name)));
  if (pin) {
    lines.push(`token PIN from ${pin.from}`);
    if (leftovers.length > 0)
      lines.push(
        `warning: ${dir} still holds ${leftovers.join(' and ')} from before, which open the token alone: remove them`,
      );
  } else {
    lines.push(
      `token PIN in ${join(dir, 'pin')}, next to the token: a copy of ${inside ? 'the data directory' : dir} opens the token ` +
        '(KEYLEDGER_HSM_PIN or KEYLEDGER_HSM_PIN_FILE keep it elsewhere; README "Security")',
    );
  }
  return lines;
}
