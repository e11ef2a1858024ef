import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api';
import { BatchPage } from './pages/batch';
import { BatchesPage } from './pages/batches';
import { JobPage } from './pages/job';
import { JobsPage } from './pages/jobs';
import { SignIn } from './pages/sign-in';
import { SubmitPage } from './pages/submit';
import { UsagePage } from './pages/usage';
import { WebhooksPage } from './pages/webhooks';
import { parseRoute, type Route } from './routes';
import { adoptKey, forgetKey, saveKey } from './session';
import { ApiContext } from './ui';

const NAV: Array<{ href: string; label: string; pages: Array<Route['page']> }> = [
  { href: '#/jobs', label: 'Jobs', pages: ['jobs', 'job'] },
  { href: '#/submit/speech', label: 'Submit', pages: ['submit'] },
  { href: '#/batches', label: 'Batches', pages: ['batches', 'batch'] },
  { href: '#/webhooks', label: 'Webhooks', pages: ['webhooks'] },
  { href: '#/usage', label: 'Usage', pages: ['usage'] },
];

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    // Effects run after the first paint: an address changed before then (a link followed at
    // once, the key taken out of it) fired its hashchange with no one listening.
    update();
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

const TITLES: Record<Route['page'], string> = {
  jobs: 'Jobs',
  job: 'Job',
  submit: 'Submit',
  batches: 'Batches',
  batch: 'Batch',
  webhooks: 'Webhooks',
  usage: 'Usage',
};

export function App() {
  const [key, setKey] = useState(() => adoptKey(location, history, sessionStorage));
  const [expired, setExpired] = useState(false);
  const route = useRoute();
  const api = useMemo(
    () =>
      key
        ? new Api(key, () => {
            forgetKey(sessionStorage);
            setExpired(true);
            setKey(null);
          })
        : null,
    [key],
  );

  useEffect(() => {
    document.title = `${api ? TITLES[route.page] : 'Sign in'} · voxq console`;
  }, [api, route.page]);

  if (!api) {
    return (
      <SignIn
        notice={expired ? 'The API refused that key (revoked or mistyped). Sign in again.' : undefined}
        onKey={(value) => {
          saveKey(sessionStorage, value);
          setExpired(false);
          setKey(value);
        }}
      />
    );
  }

  const signOut = () => {
    forgetKey(sessionStorage);
    setKey(null);
  };

  return (
    <ApiContext.Provider value={api}>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="topbar">
        <div class="topbar-inner">
          <a class="brand" href="#/jobs">
            <span class="brand-mark" aria-hidden="true" />
            voxq <span class="brand-sub">console</span>
          </a>
          <nav aria-label="Console">
            <ul class="nav">
              {NAV.map((item) => (
                <li key={item.href}>
                  <a href={item.href} aria-current={item.pages.includes(route.page) ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <button type="button" class="button button-quiet" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </ApiContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'jobs':
      return <JobsPage type={route.type} status={route.status} />;
    case 'job':
      return <JobPage id={route.id} key={route.id} />;
    case 'submit':
      return <SubmitPage tab={route.tab} />;
    case 'batches':
      return <BatchesPage />;
    case 'batch':
      return <BatchPage id={route.id} key={route.id} />;
    case 'webhooks':
      return <WebhooksPage />;
    case 'usage':
      return <UsagePage />;
  }
}
