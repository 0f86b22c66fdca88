import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { Who } from './review-types';

/** Who is signed in (cached; a sign-in or sign-out clears the cache). */
export function useWho() {
  return useQuery({
    queryKey: ['session'],
    queryFn: () => api<Who>('/api/v1/session'),
    staleTime: 60_000,
  });
}

/** An admin, or an API key (which acts as one); reviewers are shown only their review work. */
export const isAdmin = (who: Who | undefined): boolean => !who?.user || who.user.role === 'admin';

/** The base path of a queue's pages. */
export const queuePath = (name: string) => `/review/${encodeURIComponent(name)}`;
