import { App } from 'aws-cdk-lib';
import { readConfig } from './config.ts';
import { KeyledgerStack } from './keyledger-stack.ts';

/**
 * The CDK app: `npx cdk synth|deploy [-c stage=prod] [-c hsm=custom -c pkcs11Module=/opt/hsm/lib/...]`.
 * Context keys are documented in cdk/config.ts. Account and region come from the CLI's environment.
 */
const app = new App();
const config = readConfig(app.node);
new KeyledgerStack(app, `keyledger-${config.stage}`, {
  config,
  description: `keyledger (${config.stage}): key management service, IBM Key Protect v2 compatible`,
  env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] },
});
app.synth();
