import type { Node } from 'constructs';
import { SETTING_KEYS, settingsFromEnv, settingVariable, type Settings } from '../application/settings.ts';
import { isUuid } from '../domain/ids.ts';

/** Where the crypto function finds its PKCS#11 module. */
export type HsmKind = 'softhsm' | 'custom';
export type CpuArchitecture = 'arm64' | 'x86_64';

/**
 * Deployment settings, read from CDK context (`cdk.json`, or `-c key=value`). Every setting has a
 * default so `cdk synth` works on a fresh clone; nothing here is a secret.
 */
export interface KeyledgerConfig {
  /** Names resources and decides protection: `prod` retains data and protects tables from deletion. */
  readonly stage: string;
  /** `softhsm`: SoftHSM2 built into the image, token on EFS. `custom`: the customer's module from functions/crypto/vendor/. */
  readonly hsm: HsmKind;
  /** Path of the PKCS#11 module inside the crypto image. */
  readonly pkcs11Module: string;
  /** Label of the token that holds the master key. */
  readonly hsmTokenLabel: string;
  /** CPU of the crypto image; a customer's PKCS#11 module may exist for x86_64 only. */
  readonly cryptoArchitecture: CpuArchitecture;
  /** CloudWatch Logs retention of every function, in days (a value CloudWatch accepts). */
  readonly logRetentionDays: number;
  /** Table deletion protection; on by default in `prod`. */
  readonly deletionProtection: boolean;
  /** Data (tables, EFS token store, KMS key, logs) survives `cdk destroy`; on by default in `prod`. */
  readonly retainData: boolean;
  /** Optional address that receives alarm notifications. */
  readonly alarmEmail?: string | undefined;
  /** The `iss` of the service's tokens; default: the HTTP API's URL (cdk/constructs/api.ts). */
  readonly tokenIssuer?: string | undefined;
  /**
   * Operator settings (README "Settings"; Key Protect's defaults): every function gets them as
   * `KEYLEDGER_*` variables. Context keys are the property names, e.g. `-c minRotationIntervalS=0`.
   */
  readonly settings: Settings;
  /**
   * Id (a UUID) of the default instance the bootstrap creates; default: the UUID of the CloudFormation stack
   * id, so it is fixed for the stack's life and known before the bootstrap runs.
   */
  readonly defaultInstance?: string | undefined;
}

const DEFAULT_SOFTHSM_MODULE = '/opt/hsm/lib/softhsm/libsofthsm2.so';

function str(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new Error(`context ${key} must be a string, number or boolean`);
  }
  return String(value);
}

function bool(node: Node, key: string, fallback: boolean): boolean {
  const value = str(node, key);
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`context ${key} must be true or false, got ${value}`);
}

function oneOf<T extends string>(node: Node, key: string, allowed: readonly T[], fallback: T): T {
  const value = str(node, key) ?? fallback;
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new Error(`context ${key} must be one of ${allowed.join(', ')}, got ${value}`);
  return found;
}

/**
 * The operator settings from context: each key given is validated by the same parser the functions use
 * (application/settings.ts), and the rest take Key Protect's defaults from there too.
 */
function settings(node: Node): Settings {
  const env: Record<string, string> = {};
  for (const key of SETTING_KEYS) {
    const value = str(node, key);
    if (value !== undefined) env[settingVariable(key)] = value;
  }
  try {
    return settingsFromEnv(env);
  } catch (error) {
    throw new Error(`context: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Reads and validates the context of `node` (usually the app). */
export function readConfig(node: Node): KeyledgerConfig {
  const stage = str(node, 'stage') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,20}$/.test(stage))
    throw new Error(`context stage must match [a-z][a-z0-9-]{0,20}, got ${stage}`);
  const prod = stage === 'prod';
  const hsm = oneOf<HsmKind>(node, 'hsm', ['softhsm', 'custom'], 'softhsm');
  const pkcs11Module = str(node, 'pkcs11Module') ?? (hsm === 'softhsm' ? DEFAULT_SOFTHSM_MODULE : undefined);
  if (pkcs11Module === undefined) throw new Error('context pkcs11Module is required when hsm=custom');
  const logRetentionDays = Number(str(node, 'logRetentionDays') ?? (prod ? 365 : 30));
  if (!Number.isInteger(logRetentionDays) || logRetentionDays <= 0) {
    throw new Error(`context logRetentionDays must be a positive integer, got ${logRetentionDays}`);
  }
  return {
    stage,
    hsm,
    pkcs11Module,
    hsmTokenLabel: str(node, 'hsmTokenLabel') ?? 'keyledger',
    cryptoArchitecture: oneOf<CpuArchitecture>(node, 'cryptoArchitecture', ['arm64', 'x86_64'], 'arm64'),
    logRetentionDays,
    deletionProtection: bool(node, 'deletionProtection', prod),
    retainData: bool(node, 'retainData', prod),
    alarmEmail: str(node, 'alarmEmail'),
    tokenIssuer: str(node, 'tokenIssuer'),
    settings: settings(node),
    defaultInstance: defaultInstance(str(node, 'defaultInstance')),
  };
}

function defaultInstance(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const id = value.toLowerCase();
  if (!isUuid(id)) throw new Error(`context defaultInstance must be a UUID, got ${value}`);
  return id;
}
