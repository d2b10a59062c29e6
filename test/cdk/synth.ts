import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readConfig } from '../../cdk/config.ts';
import { KeyledgerStack } from '../../cdk/keyledger-stack.ts';

export interface Synthesized {
  readonly app: App;
  readonly stack: KeyledgerStack;
  readonly template: Template;
}

/**
 * Builds the stack as `cdk synth` would. `bundle: false` sets CDK's own `aws:cdk:bundling-stacks` to none,
 * so NodejsFunction skips esbuild (the template is the same apart from asset hashes).
 */
export function synthesize(
  options: { context?: Record<string, unknown>; bundle?: boolean; outdir?: string } = {},
): Synthesized {
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    context: { ...(options.bundle === true ? {} : { 'aws:cdk:bundling-stacks': [] }), ...options.context },
  });
  const config = readConfig(app.node);
  const stack = new KeyledgerStack(app, `keyledger-${config.stage}`, { config });
  return { app, stack, template: Template.fromStack(stack) };
}

type CfnResource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string };

export function resourcesOf(template: Template, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.findResources(type) as Record<string, CfnResource>);
}
