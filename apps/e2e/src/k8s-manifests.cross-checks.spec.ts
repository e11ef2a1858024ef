/**
 * The Kubernetes manifests of infra/k8s, cross-checked without a cluster: the references
 * between objects (selectors, env sources, autoscaler targets, KEDA's Secret keys) and
 * against the code (env variables voxq reads, probe paths, the liveness command run against
 * the real metrics server, BullMQ's queue key layout, shutdown timings). Parsing and schema
 * validation are k8s-manifests.schema.spec.ts. See docs/kubernetes.md.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { QueueKeys } from 'bullmq';
import type { ISecret } from 'kubernetes-models/v1';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '@voxq/config';
import type { Logger } from '@voxq/logging';
import { startMetricsServer } from '@voxq/metrics';
import { providerEnv } from '@voxq/providers';
import { bullPrefix, QUEUE_NAMES } from '@voxq/queues';
import { tenantSecretsEnv } from '@voxq/tenant-secrets';
import {
  config,
  configMaps,
  containerOf,
  deploymentFor,
  deployments,
  environmentOf,
  HAND_BACK_MS,
  hpas,
  IMAGE,
  K8S,
  KEDA_VARIANTS,
  kustomizations,
  matches,
  objects,
  ofKindIn,
  pdbs,
  podLabels,
  roleOf,
  ROLES,
  ROOT,
  scaledObjects,
  secretData,
  secrets,
  services,
  triggerAuths,
} from './k8s-manifests.fixture';
import { KEDA_SCALERS } from './k8s-keda.scalers';

describe('infra/k8s manifests', () => {
  it('run api, worker and dispatcher from one image, each selecting its own pods', () => {
    expect(deployments.map(roleOf).sort()).toEqual([...ROLES].sort());
    const tags = new Set<string>();
    for (const d of deployments) {
      const role = roleOf(d) as string;
      expect(existsSync(join(ROOT, 'apps', role, 'src/main.ts')), `apps/${role}`).toBe(true);
      const [name, tag] = (containerOf(d).image ?? '').split(':');
      expect(name, d.metadata?.name).toBe(IMAGE);
      tags.add(tag ?? '');
      expect(matches(d.spec?.selector.matchLabels, podLabels(d)), `${d.metadata?.name} selector`).toBe(true);
      expect(podLabels(d)?.['app.kubernetes.io/component']).toBe(role);
      // No selector may pick another Deployment's pods.
      for (const other of deployments) if (other !== d) expect(matches(d.spec?.selector.matchLabels, podLabels(other))).toBe(false);
    }
    expect(tags.size).toBe(1);
    const images = kustomizations.find((k) => relative(K8S, k.file) === 'kustomization.yaml')?.images ?? [];
    expect(images.map((i) => i.name)).toEqual([IMAGE]);
  });

  it('run non-root, read-only, without privilege escalation, with requests and limits', () => {
    const quantity = (q: string | number | undefined) => {
      const text = String(q ?? '');
      const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(text);
      if (!m) throw new Error(`quantity ${text}`);
      const unit = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 }[m[2] ?? ''] ?? 1;
      return Number(m[1]) * unit;
    };
    for (const d of deployments) {
      const pod = d.spec?.template.spec;
      const c = containerOf(d);
      const id = d.metadata?.name;
      expect(pod?.securityContext?.runAsNonRoot, id).toBe(true);
      // The image's USER is a name (node); runAsNonRoot can only verify a numeric uid.
      expect(pod?.securityContext?.runAsUser, id).toBe(1000);
      expect(pod?.automountServiceAccountToken, id).toBe(false);
      expect(c.securityContext?.allowPrivilegeEscalation, id).toBe(false);
      expect(c.securityContext?.readOnlyRootFilesystem, id).toBe(true);
      expect(c.securityContext?.capabilities?.drop, id).toEqual(['ALL']);
      // Read-only root: /tmp (pocketsphinx's scratch folders) is a writable emptyDir.
      const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(pod?.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${id} /tmp`).toBeDefined();
      for (const resource of ['cpu', 'memory']) {
        const request = quantity(c.resources?.requests?.[resource]);
        const limit = quantity(c.resources?.limits?.[resource]);
        expect(request, `${id} ${resource}`).toBeGreaterThan(0);
        expect(limit, `${id} ${resource}`).toBeGreaterThanOrEqual(request);
      }
    }
  });

  it('give every env source a ConfigMap or Secret, with only variables voxq reads, that load', () => {
    const known = new Set([envSchema, ...providerEnv, tenantSecretsEnv].flatMap((schema) => Object.keys(schema.shape)));
    expect(config).toBeDefined();
    const sources = new Map<string, string[]>([[`ConfigMap/${config?.metadata.name}`, Object.keys(config?.data ?? {})]]);
    for (const d of deployments) {
      for (const source of containerOf(d).envFrom ?? []) {
        const secret = secrets.find((s) => s.metadata.name === source.secretRef?.name);
        if (secret) sources.set(`Secret/${secret.metadata.name}`, Object.keys(secretData(secret)));
      }
    }
    for (const [id, keys] of sources)
      expect(
        keys.filter((k) => !known.has(k)),
        id,
      ).toEqual([]);
    for (const d of deployments) {
      const c = containerOf(d);
      for (const source of c.envFrom ?? []) {
        if (source.configMapRef)
          expect(
            configMaps.some((m) => m.metadata.name === source.configMapRef?.name),
            source.configMapRef.name,
          ).toBe(true);
        if (source.secretRef)
          expect(
            secrets.some((s) => s.metadata.name === source.secretRef?.name),
            source.secretRef.name,
          ).toBe(true);
        expect(source.configMapRef?.optional ?? source.secretRef?.optional).toBeFalsy();
      }
      for (const e of c.env ?? []) if (e.name !== 'VOXQ_APP') expect(known.has(e.name), e.name).toBe(true);
      // The same validation the process runs at start-up (the placeholders are well-formed).
      const loaded = loadConfig(environmentOf(d), providerEnv);
      if (roleOf(d) === 'api') {
        expect(loaded.api.host).toBe('0.0.0.0');
        expect(c.ports?.find((p) => p.name === 'http')?.containerPort).toBe(loaded.api.port);
      } else {
        expect(loaded.metrics.host).toBe('0.0.0.0');
        expect(c.ports?.find((p) => p.name === 'metrics')?.containerPort).toBe(loaded.metrics.port);
      }
    }
  });

  it('keep the example Secret free of real values', () => {
    expect(secrets.length).toBeGreaterThan(0);
    for (const s of secrets) {
      expect(objects.find((o) => o.object === (s as unknown))?.file.endsWith('.example.yaml'), s.metadata.name).toBe(true);
      for (const [key, value] of Object.entries(secretData(s))) {
        expect(value === '' || /REPLACE_ME|example\./.test(value), `${s.metadata.name}.${key}`).toBe(true);
      }
    }
  });

  it('outlast SHUTDOWN_GRACE_MS before the kill, and drain the api before its listener closes', () => {
    for (const d of deployments) {
      const env = environmentOf(d);
      const grace = loadConfig(env).lifecycle.shutdownGraceMs;
      const sleep = containerOf(d).lifecycle?.preStop?.exec?.command;
      const preStopMs = sleep?.[0] === 'sleep' ? Number(sleep[1]) * 1000 : 0;
      expect((d.spec?.template.spec?.terminationGracePeriodSeconds ?? 30) * 1000, d.metadata?.name).toBeGreaterThan(preStopMs + grace + HAND_BACK_MS);
      if (roleOf(d) === 'api') expect(preStopMs).toBeGreaterThanOrEqual(5_000);
    }
  });

  it('probe the api on /healthz and /readyz, which it serves', () => {
    const routes = readFileSync(join(ROOT, 'libs/api/src/routes/health.routes.ts'), 'utf8');
    const api = containerOf(deploymentFor('api'));
    const probes = { livenessProbe: '/healthz', startupProbe: '/healthz', readinessProbe: '/readyz' } as const;
    for (const [probe, path] of Object.entries(probes)) {
      const get = api[probe as keyof typeof probes]?.httpGet;
      expect(get?.path, probe).toBe(path);
      expect(
        api.ports?.some((p) => p.name === get?.port || p.containerPort === get?.port),
        probe,
      ).toBe(true);
      expect(routes).toContain(`router.get('${path}'`);
    }
  });

  it(
    "check the worker's and the dispatcher's liveness on their own /metrics, with METRICS_TOKEN",
    async () => {
      const logger = { info: () => undefined, error: () => undefined } as unknown as Logger;
      const probe = (command: string[], env: Record<string, string>) =>
        new Promise<number | null>((done) => {
          const [bin, ...args] = command;
          execFile(bin as string, args, { env: { PATH: process.env.PATH, ...env }, timeout: 15_000 }, (error) =>
            done(error ? (typeof error.code === 'number' ? error.code : -1) : 0),
          );
        });
      for (const role of ['worker', 'dispatcher'] as const) {
        const c = containerOf(deploymentFor(role));
        expect(c.readinessProbe, role).toBeUndefined();
        const command = c.livenessProbe?.exec?.command ?? [];
        expect(command[0], role).toBe('node');
        expect((c.livenessProbe?.periodSeconds ?? 10) * (c.livenessProbe?.failureThreshold ?? 3), role).toBeGreaterThanOrEqual(60);
        // Run the probe's own command against the real metrics server, as kubelet would in the pod.
        const token = 'probe-token-0123456789';
        const port = await new Promise<number>((done) => {
          const s = createServer().listen(0, '127.0.0.1', () => {
            const { port: free } = s.address() as AddressInfo;
            s.close(() => done(free));
          });
        });
        const live = await startMetricsServer({ service: role, host: '127.0.0.1', port, token, logger });
        try {
          expect(await probe(command, { METRICS_PORT: String(port), METRICS_TOKEN: token }), `${role} with its token`).toBe(0);
          expect(await probe(command, { METRICS_PORT: String(port), METRICS_TOKEN: 'another-token-0123456789' }), `${role} wrong token`).toBe(1);
        } finally {
          await live.close();
        }
        const open = await startMetricsServer({ service: role, host: '127.0.0.1', port, logger });
        try {
          expect(await probe(command, { METRICS_PORT: String(port) }), `${role} without a token`).toBe(0);
        } finally {
          await open.close();
        }
        expect(await probe(command, { METRICS_PORT: String(port) }), `${role} nothing listening`).toBe(1);
      }
    },
    // Eight `node` probe processes: ~5 s on a quiet machine, far more when CI shares its cores
    // (it hit vitest's 5 s default there). A harness limit, not a timing assertion.
    60_000,
  );

  it('route the Service to the api pods, and cover every Deployment with one PodDisruptionBudget', () => {
    const api = deploymentFor('api');
    expect(services).toHaveLength(1);
    for (const s of services) {
      expect(deployments.filter((d) => matches(s.spec?.selector, podLabels(d)))).toEqual([api]);
      for (const port of s.spec?.ports ?? []) {
        expect(
          containerOf(api).ports?.some((p) => p.name === port.targetPort || p.containerPort === port.targetPort),
          String(port.targetPort),
        ).toBe(true);
      }
    }
    for (const d of deployments) {
      expect(
        pdbs.filter((p) => matches(p.spec?.selector?.matchLabels, podLabels(d))),
        d.metadata?.name,
      ).toHaveLength(1);
    }
    for (const p of pdbs)
      expect(
        deployments.some((d) => matches(p.spec?.selector?.matchLabels, podLabels(d))),
        p.metadata.name,
      ).toBe(true);
  });

  it('scale the api on CPU and the worker with KEDA (either variant), leaving replicas to the autoscalers', () => {
    const variants = Object.values(KEDA_VARIANTS).map((dir) => ofKindIn<IScaledObject>(dir, 'ScaledObject'));
    // Every ScaledObject is in one variant's folder.
    expect(variants.flat()).toHaveLength(scaledObjects.length);
    const targets = variants.flatMap((inVariant) => {
      const inInstallation = [...hpas.map((h) => h.spec?.scaleTargetRef), ...inVariant.map((s) => s.spec.scaleTargetRef)];
      expect(inInstallation.map((t) => t?.name).sort()).toEqual([deploymentFor('api').metadata?.name, deploymentFor('worker').metadata?.name].sort());
      return inInstallation;
    });
    for (const target of targets) {
      const d = deployments.find((x) => x.metadata?.name === target?.name);
      expect(d, target?.name).toBeDefined();
      expect(target?.kind ?? 'Deployment').toBe('Deployment');
      // A replicas field would reset the autoscaler's count on every `kubectl apply`.
      expect(d?.spec?.replicas, target?.name).toBeUndefined();
    }
    const cpu = hpas[0]?.spec?.metrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
    expect(cpu?.resource?.target.averageUtilization).toBeGreaterThan(0);
  });

  it("count each job queue's BullMQ wait, active and prioritized keys under REDIS_PREFIX", () => {
    const prefix = config?.data?.REDIS_PREFIX ?? 'voxq';
    const queues = loadConfig(environmentOf(deploymentFor('worker'))).worker.queues;
    expect([...queues].sort()).toEqual([QUEUE_NAMES.complete, QUEUE_NAMES.synthesize, QUEUE_NAMES.transcribe, QUEUE_NAMES.embed, QUEUE_NAMES.image].sort());
    const single = ofKindIn<IScaledObject>(KEDA_VARIANTS.redis, 'ScaledObject');
    expect(single).toHaveLength(1);
    const so = single[0] as IScaledObject;
    expect(so.spec.minReplicaCount ?? 0, 'the batches queue and the drop poller need a worker').toBeGreaterThanOrEqual(1);
    expect(so.spec.maxReplicaCount ?? 100).toBeGreaterThanOrEqual(so.spec.minReplicaCount ?? 0);
    const lists = new Set<string>();
    for (const trigger of so.spec.triggers) {
      expect(trigger.type).toBe('redis');
      const metadata = (trigger.metadata ?? {}) as Record<string, string>;
      expect(
        Object.keys(metadata).filter((k) => !KEDA_SCALERS.redis?.metadata.has(k)),
        trigger.name,
      ).toEqual([]);
      expect(metadata.listLength, trigger.name).toMatch(/^[1-9]\d*$/);
      lists.add(metadata.listName as string);
      const auth = triggerAuths.find((t) => t.metadata.name === trigger.authenticationRef?.name);
      expect(auth, `${trigger.name} authenticationRef`).toBeDefined();
    }
    // BullMQ's own key names, for the configured prefix (keys are `<REDIS_PREFIX>:q:<queue>:…`).
    const keys = new QueueKeys(bullPrefix(prefix));
    const expected = queues.flatMap((q: string) => ['wait', 'active', 'prioritized'].map((state) => keys.getKeys(q)[state] as string));
    expect([...lists].sort()).toEqual([...expected].sort());
    expect(expected).toContain(`${prefix}:q:complete:wait`);
  });

  it("give KEDA's triggers TriggerAuthentications with their scaler's parameters, from Secret keys that exist", () => {
    expect(triggerAuths.length).toBeGreaterThan(0);
    for (const auth of triggerAuths) {
      const users = scaledObjects.flatMap((so) => so.spec.triggers).filter((t) => t.authenticationRef?.name === auth.metadata.name);
      expect(users.length, `${auth.metadata.name} is used`).toBeGreaterThan(0);
      for (const ref of auth.spec?.secretTargetRef ?? []) {
        for (const trigger of users) expect(KEDA_SCALERS[trigger.type]?.auth.has(ref.parameter), `${trigger.type} ${ref.parameter}`).toBe(true);
        const secret = secrets.find((s) => s.metadata.name === ref.name);
        expect(secret, ref.name).toBeDefined();
        expect(Object.keys(secretData(secret as ISecret)), `${ref.name}.${ref.key}`).toContain(ref.key);
      }
    }
  });
});
