/**
 * The Kubernetes manifests of infra/k8s, loaded once for the two specs that check them
 * (k8s-manifests.schema.spec.ts: parsing and schemas; k8s-manifests.cross-checks.spec.ts:
 * the references between objects and against the code), and the lookups both use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IConfigMap, IContainer, ISecret, IService } from 'kubernetes-models/v1';
import type { IScaledObject, ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { parseAllDocuments } from 'yaml';
import { expect } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const K8S = join(ROOT, 'infra/k8s');
export const NAMESPACE = 'voxq';
export const IMAGE = 'voxq';
export const ROLES = ['api', 'worker', 'dispatcher'] as const;
/** After SHUTDOWN_GRACE_MS, work still running gets this long to be handed back (docs/operations.md). */
export const HAND_BACK_MS = 4_000;

export interface Meta {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}
export interface Loaded {
  file: string;
  object: Meta & Record<string, unknown>;
}
export interface Kustomization {
  file: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

export const yamlFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? yamlFiles(join(dir, entry.name)) : /\.ya?ml$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );

export function parseFile(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
    if (problems.length > 0) throw new Error(`${relative(ROOT, file)}: ${problems.join('; ')}`);
  }
  return list.map((doc) => doc.toJS() as unknown).filter((value) => value !== null);
}

export const files = yamlFiles(K8S);
export const kustomizations: Kustomization[] = [];
export const objects: Loaded[] = [];
for (const file of files) {
  for (const doc of parseFile(file)) {
    const object = doc as Meta & Record<string, unknown>;
    if (object.kind === 'Kustomization') kustomizations.push({ ...(doc as Omit<Kustomization, 'file'>), file });
    else objects.push({ file, object });
  }
}

export const ofKind = <T>(kind: string): T[] => objects.filter((o) => o.object.kind === kind).map((o) => o.object as unknown as T);
/** The objects of `kind` in one folder of infra/k8s (`keda`, `keda-cluster`; '' for the top one). */
export const ofKindIn = <T>(dir: string, kind: string): T[] =>
  objects.filter((o) => o.object.kind === kind && relative(K8S, dirname(o.file)) === dir).map((o) => o.object as unknown as T);
/**
 * KEDA's folders, one per kind of Redis: alternatives, applied on top of the rest, never both
 * (their ScaledObjects share a name, so applying one over the other replaces it).
 */
export const KEDA_VARIANTS = { redis: 'keda', 'redis-cluster': 'keda-cluster' } as const;
export const deployments = ofKind<IDeployment & Meta>('Deployment');
export const configMaps = ofKind<IConfigMap & Meta>('ConfigMap');
export const secrets = ofKind<ISecret & Meta>('Secret');
export const services = ofKind<IService & Meta>('Service');
export const pdbs = ofKind<IPodDisruptionBudget & Meta>('PodDisruptionBudget');
export const hpas = ofKind<IHorizontalPodAutoscaler & Meta>('HorizontalPodAutoscaler');
export const scaledObjects = ofKind<IScaledObject & Meta>('ScaledObject');
export const triggerAuths = ofKind<ITriggerAuthentication & Meta>('TriggerAuthentication');

export const config = configMaps.find((c) => c.metadata.name === 'voxq-config');
export const containerOf = (d: IDeployment): IContainer => {
  const containers = d.spec?.template.spec?.containers ?? [];
  expect(containers, d.metadata?.name).toHaveLength(1);
  return containers[0] as IContainer;
};
export const roleOf = (d: IDeployment) => containerOf(d).env?.find((e) => e.name === 'VOXQ_APP')?.value;
export const deploymentFor = (role: string) => {
  const found = deployments.find((d) => roleOf(d) === role);
  if (!found) throw new Error(`no Deployment runs VOXQ_APP=${role}`);
  return found;
};
export const secretData = (s: ISecret): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])),
  ...(s.stringData ?? {}),
});
export const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
export const podLabels = (d: IDeployment) => d.spec?.template.metadata?.labels;

/** What a Deployment's container sees: its envFrom sources in order, then its own env. */
export function environmentOf(d: IDeployment): Record<string, string> {
  const container = containerOf(d);
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, configMaps.find((c) => c.metadata.name === source.configMapRef?.name)?.data);
    if (source.secretRef) {
      const secret = secrets.find((s) => s.metadata.name === source.secretRef?.name);
      if (secret) Object.assign(env, secretData(secret));
    }
  }
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}
