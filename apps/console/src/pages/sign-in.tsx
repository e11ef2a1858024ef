import { useState } from 'preact/hooks';

/** Signing in is giving an API key: it stays in this tab (sessionStorage) and goes only to this API. */
export function SignIn({ onKey, notice }: { onKey: (key: string) => void; notice?: string | undefined }) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const key = value.trim();
    if (!key) return setProblem('Enter an API key.');
    setChecking(true);
    setProblem(null);
    // One cheap authenticated call tells a good key from a bad one before the console opens.
    const res = await fetch('/v1/usage', { headers: { authorization: `Bearer ${key}` } }).catch(() => null);
    setChecking(false);
    if (!res) return setProblem('The API did not answer. Is the server running?');
    if (res.status === 401) return setProblem('The API does not know this key. Check it and try again.');
    if (!res.ok && res.status !== 429) return setProblem(`The API answered ${res.status}.`);
    onKey(key);
  };

  return (
    <main id="main" class="signin">
      <div class="signin-card">
        <div class="brand brand-large">
          <span class="brand-mark" aria-hidden="true" />
          voxq <span class="brand-sub">console</span>
        </div>
        <h1>Sign in</h1>
        <p class="muted">Use one of your tenant's API keys. It is kept for this browser tab only and sent to this server alone.</p>
        {notice ? (
          <div class="note note-warn" role="status">
            {notice}
          </div>
        ) : null}
        <form onSubmit={submit} noValidate>
          <label for="api-key">API key</label>
          <input
            id="api-key"
            name="api-key"
            type="password"
            autoComplete="off"
            spellcheck={false}
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
            aria-describedby={problem ? 'api-key-problem' : undefined}
            aria-invalid={problem ? true : undefined}
            required
          />
          {problem ? (
            <p id="api-key-problem" class="field-error" role="alert">
              {problem}
            </p>
          ) : null}
          <button type="submit" class="button button-primary button-block" disabled={checking}>
            {checking ? 'Checking…' : 'Sign in'}
          </button>
        </form>
        <p class="fine">
          An operator makes keys with <code>npm run keys -- create &lt;tenant&gt;</code>. A link may carry one as <code>/console#key=…</code>: the fragment
          never reaches a server, and the console removes it from the address bar.
        </p>
      </div>
    </main>
  );
}
