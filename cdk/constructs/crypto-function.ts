import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IgnoreMode } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { KeyledgerConfig } from '../config.ts';
import { repoRoot } from '../paths.ts';
import { logRetention, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from './node-function.ts';

/** Where the crypto function mounts the SoftHSM token store (functions/crypto/Dockerfile points SoftHSM there). */
export const HSM_MOUNT_PATH = '/mnt/hsm';

/**
 * The image's build context is the repository root (the image bundles functions/crypto/handler.ts and
 * what it imports), minus everything the build does not read. Plain exclusions, no `!` re-inclusions:
 * with a re-inclusion CDK must walk node_modules to fingerprint the context, which took synth from 1 s to 13 s.
 */
export const CRYPTO_IMAGE_CONTEXT_EXCLUDE = [
  '.*',
  'node_modules',
  'cdk.out',
  'cdk',
  'cli',
  'server',
  'scripts',
  'test',
  'bench',
  'localstack',
  '*.md',
  'cdk.json',
  'dynamodb-local-metadata.json',
  '*.js',
  '*.cjs',
  '**/*.test.ts',
];

export interface CryptoFunctionProps {
  readonly config: KeyledgerConfig;
  /** Encrypts the token store at rest. */
  readonly encryptionKey: kms.IKey;
}

/**
 * The only function that talks to the HSM: a container image (functions/crypto/Dockerfile) with the
 * PKCS#11 adapter and SoftHSM2, or a customer's PKCS#11 module.
 *
 * Where the SoftHSM token lives: Lambda's filesystem is per instance and lost on a cold start, so the
 * token directory (master key, signing key, import keys) is on EFS, mounted at /mnt/hsm through an access
 * point, in an isolated VPC. Every concurrent instance opens the same token files; SoftHSM's file object
 * store takes a lock file per token and object (fcntl locks, which EFS honours over NFSv4.1) and reloads
 * objects another instance changed, so instances share the token safely. The first start initialises
 * the token and generates its PINs into the same EFS directory (mode 0600): whoever can mount the token
 * store can use the token, so only this function's role may (SoftHSM is a software token either way).
 * With `hsm=custom` there is no EFS: the customer's module and its configuration come with the image
 * and reach their HSM over the network; the token's user PIN is a generated Secrets Manager secret,
 * read at run time through a VPC endpoint (no secret sits in the environment).
 */
export class CryptoFunction extends Construct {
  readonly function: lambda.DockerImageFunction;
  readonly vpc: ec2.Vpc;
  readonly tokenStore?: efs.FileSystem;
  /** The token PIN secret (`hsm=custom` only; SoftHSM keeps its generated PINs on the token store). */
  readonly pin?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: CryptoFunctionProps) {
    super(scope, id);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'hsm', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    if (config.hsm === 'custom') {
      this.vpc.addInterfaceEndpoint('SecretsManager', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
      this.pin = new secretsmanager.Secret(this, 'TokenPin', {
        description: `keyledger ${config.stage}: user PIN of the HSM token`,
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
        removalPolicy,
      });
    }

    let filesystem: lambda.FileSystem | undefined;
    if (config.hsm === 'softhsm') {
      this.tokenStore = new efs.FileSystem(this, 'TokenStore', {
        vpc: this.vpc,
        encrypted: true,
        kmsKey: props.encryptionKey,
        enableAutomaticBackups: true,
        allowAnonymousAccess: false,
        performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
        throughputMode: efs.ThroughputMode.ELASTIC,
        removalPolicy,
      });
      const accessPoint = this.tokenStore.addAccessPoint('Token', {
        path: '/softhsm',
        posixUser: { uid: '1000', gid: '1000' },
        createAcl: { ownerUid: '1000', ownerGid: '1000', permissions: '700' },
      });
      filesystem = lambda.FileSystem.fromEfsAccessPoint(accessPoint, HSM_MOUNT_PATH);
    }

    const architecture =
      config.cryptoArchitecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;
    this.function = new lambda.DockerImageFunction(this, 'Function', {
      description: 'keyledger crypto: the only function with access to the HSM',
      code: lambda.DockerImageCode.fromImageAsset(repoRoot, {
        file: 'functions/crypto/Dockerfile',
        platform: config.cryptoArchitecture === 'arm64' ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
        buildArgs: { HSM: config.hsm },
        exclude: CRYPTO_IMAGE_CONTEXT_EXCLUDE,
        ignoreMode: IgnoreMode.DOCKER,
      }),
      architecture,
      memorySize: 1024,
      timeout: Duration.seconds(30),
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup: new logs.LogGroup(this, 'Logs', { retention: logRetention(config.logRetentionDays), removalPolicy }),
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      filesystem,
      environment: {
        POWERTOOLS_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE,
        KEYLEDGER_STAGE: config.stage,
        KEYLEDGER_PKCS11_MODULE: config.pkcs11Module,
        KEYLEDGER_HSM_TOKEN_LABEL: config.hsmTokenLabel,
        ...(this.pin === undefined
          ? { KEYLEDGER_HSM_DATA_DIR: HSM_MOUNT_PATH }
          : { KEYLEDGER_HSM_PIN_SECRET_ARN: this.pin.secretArn }),
      },
    });
    this.pin?.grantRead(this.function);
  }
}
