// What each app `npm start` runs gets on top of the launcher's environment.

/**
 * Two processes cannot listen on one port: with `METRICS_PORT` set (in .env), the worker
 * serves its metrics there and the dispatcher on the next port; the api serves its own at
 * `/metrics` on its API port, so it gets none.
 * @param {Record<string, string | undefined>} env the launcher's environment
 * @param {'api' | 'worker' | 'dispatcher' | 'simulator'} app
 * @returns {Record<string, string>}
 */
export function appEnvOverrides(env, app) {
  const metricsPort = Number(env.METRICS_PORT || 0);
  if (!metricsPort) return {};
  if (app === 'worker') return { METRICS_PORT: String(metricsPort) };
  if (app === 'dispatcher') return { METRICS_PORT: String(metricsPort + 1) };
  return { METRICS_PORT: '0' };
}

/** The banner's metrics line, or null without `METRICS_PORT`. */
export function metricsBanner(env) {
  const metricsPort = Number(env.METRICS_PORT || 0);
  if (!metricsPort) return null;
  const host = env.METRICS_HOST || '127.0.0.1';
  return `worker http://${host}:${metricsPort}/metrics, dispatcher http://${host}:${metricsPort + 1}/metrics, api /metrics on its port`;
}
