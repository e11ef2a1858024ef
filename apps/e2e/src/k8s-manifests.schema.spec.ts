/**
 * The Kubernetes manifests of infra/k8s, checked without a cluster: every file parses and
 * belongs to a kustomization, every object validates against the Kubernetes JSON schemas
 * (kubernetes-models) and KEDA's CRD schemas (@kubernetes-models/keda) with no unknown
 * field, and each is named once per installation (with one of the KEDA folders) in the voxq
 * namespace. The references between objects and against the code are
 * k8s-manifests.cross-checks.spec.ts (and k8s-keda-cluster.cross-checks.spec.ts for the Redis
 * Cluster variant). See docs/kubernetes.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { describe, expect, it } from 'vitest';
import { files, K8S, KEDA_VARIANTS, kustomizations, NAMESPACE, objects, ROOT } from './k8s-manifests.fixture';

/**
 * kind@apiVersion → the model that validates it against the published schema, and the
 * declaration file of its type, which lists the fields it may have.
 */
const MODELS: Record<string, [new (data: never) => { validate(): void }, string]> = {
  'Namespace@v1': [Namespace, 'kubernetes-models/v1/Namespace.d.ts'],
  'ConfigMap@v1': [ConfigMap, 'kubernetes-models/v1/ConfigMap.d.ts'],
  'Secret@v1': [Secret, 'kubernetes-models/v1/Secret.d.ts'],
  'Service@v1': [Service, 'kubernetes-models/v1/Service.d.ts'],
  'Deployment@apps/v1': [Deployment, 'kubernetes-models/apps/v1/Deployment.d.ts'],
  'PodDisruptionBudget@policy/v1': [PodDisruptionBudget, 'kubernetes-models/policy/v1/PodDisruptionBudget.d.ts'],
  'HorizontalPodAutoscaler@autoscaling/v2': [HorizontalPodAutoscaler, 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler.d.ts'],
  'ScaledObject@keda.sh/v1alpha1': [ScaledObject, '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject.d.ts'],
  'TriggerAuthentication@keda.sh/v1alpha1': [TriggerAuthentication, '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication.d.ts'],
};

/**
 * The JSON schemas of kubernetes-models allow unknown fields (the API server with
 * `kubectl apply`'s default strict field validation does not): a misspelt `livenesProbe`
 * would pass them. The generated declaration files list each type's fields, so walk the
 * object along them and report every field its type does not have.
 */
interface Field {
  /** Declaration file of the field's type, when it is an object type of its own. */
  type?: string;
}
const declarations = new Map<string, Map<string, Field> | null>();
function fieldsOf(file: string): Map<string, Field> | null {
  if (declarations.has(file)) return declarations.get(file) ?? null;
  const text = readFileSync(file, 'utf8');
  const imports = new Map<string, string>();
  for (const [, name, from] of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) {
    const path = from?.startsWith('.') ? join(dirname(file), (from ?? '').replace(/\.js$/, '.d.ts')) : join(ROOT, 'node_modules', `${from}.d.ts`);
    if (name && existsSync(path)) imports.set(name, path);
  }
  const body = /^export interface \w+(?: extends \w+)? \{\n([\s\S]*?)^\}/m.exec(text)?.[1];
  const fields = body ? new Map<string, Field>() : null;
  for (const [, name, type] of body?.matchAll(/^ {4}"([^"]+)"\??: (.*);?$/gm) ?? []) {
    const ref = /^(?:Array<)?(\w+)>?;?$/.exec(type ?? '')?.[1];
    fields?.set(name as string, { type: ref ? imports.get(ref) : undefined });
  }
  declarations.set(file, fields);
  return fields;
}
function unknownFields(value: unknown, file: string, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => unknownFields(item, file, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const fields = fieldsOf(file);
  if (!fields) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const field = fields.get(key);
    if (!field) return [`${path}.${key}`];
    return field.type ? unknownFields(child, field.type, `${path}.${key}`) : [];
  });
}

describe('infra/k8s manifests', () => {
  it('parse, and every file is a kustomization resource or an example', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(kustomizations.map((k) => relative(K8S, k.file)).sort()).toEqual([
      'keda-cluster/kustomization.yaml',
      'keda/kustomization.yaml',
      'kustomization.yaml',
    ]);
    const listed = new Set<string>();
    for (const k of kustomizations) {
      expect(k.namespace, k.file).toBe(NAMESPACE);
      for (const resource of k.resources ?? []) {
        const path = join(dirname(k.file), resource);
        expect(existsSync(path), `${relative(ROOT, k.file)} lists ${resource}`).toBe(true);
        listed.add(path);
      }
    }
    for (const file of files) {
      if (kustomizations.some((k) => k.file === file)) continue;
      const example = file.endsWith('.example.yaml');
      expect(listed.has(file) || example, `${relative(ROOT, file)} is in no kustomization`).toBe(true);
      // Examples (placeholder Secrets) are never applied by `kubectl apply -k`.
      if (example) expect(listed.has(file), `${relative(ROOT, file)} must not be a resource`).toBe(false);
    }
  });

  it('validate against the Kubernetes and KEDA schemas', () => {
    const problems: string[] = [];
    for (const { file, object } of objects) {
      const [Model, declaration] = MODELS[`${object.kind}@${object.apiVersion}`] ?? [];
      if (!Model || !declaration) {
        problems.push(`${relative(ROOT, file)}: no schema for ${object.kind} ${object.apiVersion}`);
        continue;
      }
      try {
        new Model(object as never).validate();
      } catch (error) {
        problems.push(`${relative(ROOT, file)} ${object.kind}/${object.metadata?.name}: ${(error as Error).message}`);
      }
      for (const field of unknownFields(object, join(ROOT, 'node_modules', declaration), object.kind)) {
        problems.push(`${relative(ROOT, file)}: unknown field ${field}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('catch misspelt fields deep in an object, which the schemas let through', () => {
    const [Model, declaration] = MODELS['Deployment@apps/v1'] ?? [];
    const container = { name: 'c', image: 'voxq:1', livenesProbe: {}, securityContext: { readOnlyRootFileSystem: true }, resources: { limits: { cpu: '1' } } };
    const typo = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', label: {} },
      spec: { selector: {}, template: { spec: { containers: [container] } } },
    };
    expect(() => Model && new Model(typo as never).validate()).not.toThrow();
    expect(unknownFields(typo, join(ROOT, 'node_modules', declaration as string), 'Deployment')).toEqual([
      'Deployment.metadata.label',
      'Deployment.spec.template.spec.containers[0].livenesProbe',
      'Deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem',
    ]);
  });

  it('name each object once per installation (one KEDA variant), in the voxq namespace', () => {
    const variants: string[] = Object.values(KEDA_VARIANTS);
    for (const variant of variants) {
      const seen = new Set<string>();
      for (const { file, object } of objects) {
        const dir = relative(K8S, dirname(file));
        if (dir !== variant && variants.includes(dir)) continue;
        expect(object.metadata?.name, relative(ROOT, file)).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        const id = `${object.kind}/${object.metadata.name}`;
        expect(seen.has(id), `${id} defined twice with ${variant}`).toBe(false);
        seen.add(id);
        if (object.kind === 'Namespace') expect(object.metadata.name).toBe(NAMESPACE);
        else expect(object.metadata.namespace, id).toBe(NAMESPACE);
      }
      expect(seen.has(`Namespace/${NAMESPACE}`)).toBe(true);
    }
  });
});
