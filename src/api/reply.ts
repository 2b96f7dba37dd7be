/** What a route's handler answers: the status, the body (JSON) and any headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
