/** A target of the suite, for the self-preference check. */
export interface TargetRef {
  id: string;
  /** `family:model` for model targets; undefined for functions and HTTP apps. */
  provider?: string;
}
