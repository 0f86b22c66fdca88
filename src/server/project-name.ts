import type { TraceStore } from '../core/trace-store.js';

/**
 * The name of a project by its id (runs are stored under the project's name, traces under its id).
 * Names never change, so found names are kept; an unknown id is looked up again next time.
 */
export function projectNames(store: Pick<TraceStore, 'listProjects'>) {
  const known = new Map<string, string>();
  return async (projectId: string): Promise<string | undefined> => {
    const hit = known.get(projectId);
    if (hit !== undefined) return hit;
    for (const p of await store.listProjects()) known.set(p.id, p.name);
    return known.get(projectId);
  };
}
