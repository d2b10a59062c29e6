import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONSOLE_HEADERS, consoleCsp } from '../../console/src/site.ts';
import type { KeyledgerConfig } from '../config.ts';
import { fromRoot } from '../paths.ts';
import { logRetention } from './node-function.ts';

/** The console's built files (scripts/build-console.mjs), in a temporary folder the synth copies into cdk.out. */
function buildConsole(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyledger-console-'));
  execFileSync(process.execPath, [fromRoot('scripts/build-console.mjs'), dir], { stdio: 'inherit' });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Headers CloudFront sets through its security-headers settings; every other console header is a custom header. */
const SECURITY_HEADERS = new Set(['x-content-type-options', 'x-frame-options', 'referrer-policy']);

/**
 * The web console on AWS: its static files in a private S3 bucket behind CloudFront (origin access
 * control), with the Content-Security-Policy and headers the local server sends (console/src/site.ts).
 * The console calls the HTTP API directly (the API allows the distribution's origin with CORS), so
 * API Gateway still sees the browser's own address, which the instance `allowedIP` policy checks.
 */
export class WebConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(
    scope: Construct,
    id: string,
    private readonly config: KeyledgerConfig,
  ) {
    super(scope, id);
    // Static files only, rebuilt by every deploy. Kept when the stack is destroyed: emptying it on delete
    // would take one more Lambda function (autoDeleteObjects) without a log group or alarms of its own.
    this.bucket = new s3.Bucket(this, 'Files', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const { region } = Stack.of(this);
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'keyledger console: CSP and security headers (console/src/site.ts)',
      securityHeadersBehavior: {
        // The API is another origin on AWS: the HTTP API's execute-api host of this region.
        contentSecurityPolicy: {
          contentSecurityPolicy: consoleCsp([`https://*.execute-api.${region}.amazonaws.com`]),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
      customHeadersBehavior: {
        customHeaders: Object.entries(CONSOLE_HEADERS)
          .filter(([name]) => !SECURITY_HEADERS.has(name))
          .map(([header, value]) => ({ header, value, override: true })),
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'keyledger web console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        responseHeadersPolicy: headers,
      },
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    });
  }

  /** The console's origin, for the API's CORS settings. */
  get origin(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /** Uploads the built files and `config.json` (where the API is, which instance to offer first). */
  deploy(apiUrl: string, defaultInstanceId: string): void {
    new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [
        s3deploy.Source.asset(buildConsole()),
        s3deploy.Source.jsonData('config.json', { apiUrl, defaultInstance: defaultInstanceId }),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      // Its handler is a function like the stack's others: its own log group, retained as configured.
      logGroup: new logs.LogGroup(this, 'DeployLogs', {
        retention: logRetention(this.config.logRetentionDays),
        removalPolicy: this.config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      }),
    });
  }
}
