import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { settingsToEnv } from '../../application/settings.ts';
import type { KeyledgerConfig } from '../config.ts';
import { fromRoot, repoRoot } from '../paths.ts';

/** Service name and metrics namespace shared by every function, so one alarm sees every emitter. */
export const POWERTOOLS_SERVICE_NAME = 'keyledger';
export const POWERTOOLS_METRICS_NAMESPACE = 'keyledger';

/** Modules the bundles never contain: the SDK is in the Lambda runtime; the native ones serve local paths only. */
export const EXTERNAL_MODULES = ['@aws-sdk/*', 'better-sqlite3', 'pkcs11js'];

export interface KeyledgerFunctionProps {
  /** Entry file, relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  readonly config: KeyledgerConfig;
  /** Names, never secrets: secrets are read at run time from Secrets Manager. */
  readonly environment?: Record<string, string>;
  readonly timeout?: Duration;
  readonly memorySize?: number;
}

export function logRetention(days: number): logs.RetentionDays {
  const known = Object.values(logs.RetentionDays).filter(
    (value): value is logs.RetentionDays => typeof value === 'number',
  );
  const match = known.find((value) => Number(value) === days);
  if (match === undefined) throw new Error(`CloudWatch Logs does not accept a retention of ${days} days`);
  return match;
}

/** A NodejsFunction with keyledger's defaults: nodejs22.x on arm64, ESM bundle with source maps, own log group. */
export class KeyledgerFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: KeyledgerFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logRetention(props.config.logRetentionDays),
      removalPolicy: props.config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: fromRoot(props.entry),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: fromRoot('package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE,
        KEYLEDGER_STAGE: props.config.stage,
        // Operator settings (README "Settings"): every function that decides reads them (application/settings.ts).
        ...settingsToEnv(props.config.settings),
        // Stack traces in the logs point into the TypeScript sources.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        // ESM bundles of CommonJS dependencies still call require().
        banner:
          "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        minify: true,
        externalModules: EXTERNAL_MODULES,
      },
    });
  }
}
