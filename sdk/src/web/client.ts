// The UI kit's API client without any Svelte component: for scripts, tests and other front ends.
export { type Api, ApiError, createApi, queryString } from './api.ts';
export {
  type ResourceClient,
  type ResourcePage,
  type ResourceQuery,
  type Row,
  resourceClient,
} from './resource-client.ts';
