/**
 * End-to-end tests of the Rego contract through Palisade's own policy toolchain (the CLI): the shipped
 * example's Rego tests pass, and the generated decision module evaluates authorization and quota in one
 * query whose limits the enforcer accepts and enforces.
 */
import assert from 'node:assert/strict';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { createLogger } from '../../../lib/logger.js';
import { PACKAGE_ROOT } from '../../../lib/package-info.js';
import {
  createQuotaEnforcer,
  DECISION_REF,
  decisionModule,
  parseQuotaConfig,
  splitDecision,
} from '../../../sidecar/quota/index.js';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

const EXAMPLE = join(PACKAGE_ROOT, 'policies', 'quota.rego');
const EXAMPLE_TESTS = join(PACKAGE_ROOT, 'policies', 'quota_test.rego');

// Generous: under tsx the CLI compiles the policy package from source on every run (seconds when built).
describe('shipped quota policy', { timeout: 300_000 }, () => {
  test('its Rego tests pass under `palisade policy test`', async () => {
    const r = await runCli(['policy', 'test', EXAMPLE, EXAMPLE_TESTS], { timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const m = /PASS: (\d+)\/(\d+)/.exec(r.stdout);
    assert.ok(m !== null && m[1] === m[2] && Number(m[1]) >= 9, r.stdout);
  });

  test('one query yields allow and limits; the enforcer takes the limits as they come', async (t) => {
    const dir = await tempDir(t);
    await copyFile(EXAMPLE, join(dir, 'quota.rego'));
    await writeFile(join(dir, 'authz.rego'), 'package palisade.authz\n\nimport rego.v1\n\nallow := true\n');
    await writeFile(
      join(dir, 'decision.rego'),
      decisionModule({ allow: 'palisade/authz/allow', quota: 'palisade/quota/limits' }),
    );
    const input = {
      source: { principal: 'spiffe://palisade.local/ns/shop/sa/web', address: '10.0.0.7' },
      destination: { service: 'orders' },
      request: { method: 'POST', path: '/orders' },
    };
    await writeFile(join(dir, 'input.json'), JSON.stringify(input));
    const r = await runCli(['policy', 'eval', '-d', dir, '-i', join(dir, 'input.json'), DECISION_REF], {
      timeoutMs: 240_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const value: unknown = JSON.parse(r.stdout).result[0].expressions[0].value;
    const parts = splitDecision(value);
    assert.equal(parts.allow, true);

    const e = await createQuotaEnforcer(parseQuotaConfig({}), {
      metricsRegistry: new Registry(),
      logger: createLogger({ level: 'silent' }),
    });
    t.after(() => e.close());
    const limits = e.parseLimits(parts.limits);
    assert.deepEqual(limits.map((l) => `${l.name}:${l.scope}:${l.limit}/${l.windowSeconds}s`).sort(), [
      'caller-burst:local:50/1s',
      'orders-per-caller:global:100/60s',
      'service-total:global:10000/1s',
    ]);
    // The local one is enforced here; the global ones need Redis (enforcer-global.test.ts).
    const local = limits.filter((l) => l.scope === 'local');
    const ds = await Promise.all(Array.from({ length: 80 }, () => e.check(local, 1_700_000_000_000)));
    assert.equal(ds.filter((d) => d.allowed).length, 50);
  });
});
