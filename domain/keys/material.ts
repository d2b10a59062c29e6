/** Key material as the domain sees it: only ever wrapped under an HSM master key (DESIGN.md decision 5). */
export interface WrappedMaterial {
  /** The master key that wrapped it. */
  readonly masterKeyId: string;
  /** RFC 5649 wrapped bytes, base64. */
  readonly wrapped: string;
}

export interface KeyVersion {
  /** UUID of the version; bound into every ciphertext made with it. */
  readonly id: string;
  readonly creationDate: string;
  readonly material: WrappedMaterial;
}
