import type { Api, ListResponse } from '@elevate/sdk/web';
import type { Board, Pipeline } from './types.ts';

/** The default pipeline's board (dashboard widgets share the request: the load's fetch dedupes it on the server). */
export async function defaultBoard(api: Api): Promise<Board | null> {
  const pipelines = (await api.get<ListResponse<Pipeline>>('/v1/crm/pipelines', { limit: 50 })).data;
  const chosen = pipelines.find((p) => p.isDefault) ?? pipelines[0];
  return chosen ? api.get<Board>(`/v1/crm/pipelines/${chosen.id}/board`, { limit: 1 }) : null;
}
