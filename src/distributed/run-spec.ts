/** The artifact a distributed run stores so that workers can rebuild its suite. */
export const RUN_SPEC_ARTIFACT = 'distributed-spec';

export interface RunSpec {
  /** The config file, relative to the folder `assay eval` ran in (workers run in the same folder of their checkout). */
  configPath: string;
  /** The config as written (no `${VAR}` filled in, so no secret). */
  configText: string;
  /** The revision the run was made at; workers warn when theirs differs. */
  gitCommit?: string;
  /** `false`: the run bypasses the response cache (`assay eval --no-cache`). */
  cache?: false;
  /** Work items: cases × targets × repeats. */
  total: number;
}
