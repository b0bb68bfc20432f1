/**
 * @module Host builtins on a live sidecar: the Wasm loader imports only the builtin families a policy module
 * calls, when it loads the module, so a policy calling GraphQL builtins must still authorize (the graphql
 * family and package are loaded for it, and only for it).
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { buildPolicyBundle } from '../../sidecar/up/policy-bundle.js';
import { httpGet, startH1Echo } from '../helpers/net.js';
import { tempDir } from '../helpers/tmp.js';
import { makePki, ORDERS, type Pki, sidecarFor, WEB } from './fixtures/mesh.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

// The first path segment is queried against a schema on every request: graphql.is_valid and sprintf run as
// host builtins of the Wasm module, with the request in their arguments (nothing to fold at compile time).
const GRAPHQL_POLICY = `package palisade.authz

import rego.v1

schema := "type Query { orders: [Order] } type Order { id: ID }"

default allow := false

allow if graphql.is_valid(sprintf("{ %s { id } }", [input.request.path_segments[0]]), schema)

reason := "queried field is in the schema" if allow

reason := "queried field is not in the schema" if not allow
`;

describe('host builtins loaded on demand', () => {
  test('a policy calling graphql.is_valid authorizes requests through the sidecar', async (t) => {
    const root = await tempDir(t, 'palisade-builtins-');
    const src = join(root, 'src');
    await mkdir(src);
    await writeFile(join(src, 'authz.rego'), GRAPHQL_POLICY);
    await buildPolicyBundle(src, join(root, 'bundle'));

    const app = await startH1Echo(t);
    const server = await sidecarFor(t, ORDERS, pki.orders, {
      inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}` }],
      policy: { isolation: 'inline', bundle: join(root, 'bundle') },
    });
    const client = await sidecarFor(t, WEB, pki.web, {
      outbound: [
        { port: 0, service: 'orders', address: `127.0.0.1:${server.inbound[0]?.port}`, identity: ORDERS },
      ],
    });
    const port = client.outbound[0]?.port as number;

    const allowed = await httpGet(port, '/orders/42');
    assert.equal(allowed.status, 200);
    const denied = await httpGet(port, '/payments/7');
    assert.equal(denied.status, 403);
    assert.equal(JSON.parse(denied.body).reason, 'queried field is not in the schema');
  });
});
