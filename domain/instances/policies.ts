/**
 * Key Protect's instance policies (manage-instance-policies, SDK putInstancePolicy): the values a
 * policy can hold once validated (domain/instances/instance-policies.ts: what a disabled policy keeps).
 */
export type AllowedNetwork = 'public-and-private' | 'private-only';

export interface KeyCreateImportAccessAttributes {
  readonly createRootKey: boolean;
  readonly createStandardKey: boolean;
  readonly importRootKey: boolean;
  readonly importStandardKey: boolean;
  /** Import only with an import token (secure import). */
  readonly enforceToken: boolean;
}

/** One instance policy as set: the discriminant names it. */
export type InstancePolicyValue =
  | { readonly policy: 'dualAuthDelete'; readonly enabled: boolean }
  | { readonly policy: 'rotation'; readonly enabled: boolean; readonly intervalMonth?: number | undefined }
  | {
      readonly policy: 'allowedNetwork';
      readonly enabled: boolean;
      readonly allowedNetwork?: AllowedNetwork | undefined;
    }
  | { readonly policy: 'allowedIP'; readonly enabled: boolean; readonly ipAddresses?: readonly string[] | undefined }
  | {
      readonly policy: 'keyCreateImportAccess';
      readonly enabled: boolean;
      readonly attributes?: KeyCreateImportAccessAttributes | undefined;
    }
  | { readonly policy: 'metrics'; readonly enabled: boolean };

export type InstancePolicyType = InstancePolicyValue['policy'];

export const INSTANCE_POLICY_TYPES = [
  'dualAuthDelete',
  'rotation',
  'allowedNetwork',
  'allowedIP',
  'keyCreateImportAccess',
  'metrics',
] as const satisfies readonly InstancePolicyType[];

/** Key Protect's defaults for attributes a caller leaves out of an enabled keyCreateImportAccess policy. */
export const DEFAULT_KEY_CREATE_IMPORT_ACCESS: KeyCreateImportAccessAttributes = {
  createRootKey: true,
  createStandardKey: true,
  importRootKey: true,
  importStandardKey: true,
  enforceToken: false,
};
