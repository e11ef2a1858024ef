/** The console's pages, addressed by the URL fragment (`#/jobs/<id>`): the server serves one page. */
export type Route =
  | { page: 'jobs'; type?: string; status?: string }
  | { page: 'job'; id: string }
  | { page: 'submit'; tab: SubmitTab }
  | { page: 'batches' }
  | { page: 'batch'; id: string }
  | { page: 'webhooks' }
  | { page: 'usage' };

export const SUBMIT_TABS = ['speech', 'chat', 'audio'] as const;
export type SubmitTab = (typeof SUBMIT_TABS)[number];

export function parseRoute(hash: string): Route {
  const [address = '', query = ''] = hash.replace(/^#/, '').split('?');
  const path = address.split('&')[0] ?? '';
  const parts = path.split('/').filter((part) => part !== '');
  const params = new URLSearchParams(query);
  const param = (name: string) => params.get(name) ?? undefined;
  switch (parts[0]) {
    case 'jobs':
      if (parts[1]) return { page: 'job', id: decodeURIComponent(parts[1]) };
      return { page: 'jobs', ...(param('type') ? { type: param('type') } : {}), ...(param('status') ? { status: param('status') } : {}) };
    case 'submit': {
      const tab = SUBMIT_TABS.find((t) => t === parts[1]) ?? 'speech';
      return { page: 'submit', tab };
    }
    case 'batches':
      return parts[1] ? { page: 'batch', id: decodeURIComponent(parts[1]) } : { page: 'batches' };
    case 'webhooks':
      return { page: 'webhooks' };
    case 'usage':
      return { page: 'usage' };
    default:
      return { page: 'jobs' };
  }
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'jobs': {
      const params = new URLSearchParams();
      if (route.type) params.set('type', route.type);
      if (route.status) params.set('status', route.status);
      const query = params.toString();
      return `#/jobs${query ? `?${query}` : ''}`;
    }
    case 'job':
      return `#/jobs/${encodeURIComponent(route.id)}`;
    case 'submit':
      return `#/submit/${route.tab}`;
    case 'batch':
      return `#/batches/${encodeURIComponent(route.id)}`;
    default:
      return `#/${route.page}`;
  }
}
