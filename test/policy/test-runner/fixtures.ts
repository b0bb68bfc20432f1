/**
 * A small authorization policy with tests, written to a temp dir for the test-runner and CLI tests.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const AUTHZ = `package palisade.authz

default allow := false

allow if {
	input.method == "GET"
	input.path[0] == "public"
}

allow if input.user in data.palisade.authz.admins

big := 123456789012345678901234567890
`;

export const AUTHZ_TEST = `package palisade.authz

test_public_get if {
	allow with input as {"method": "GET", "path": ["public"], "user": "bob"}
}

test_admin if {
	allow with input as {"method": "POST", "path": ["x"], "user": "root"}
}

test_admin_mocked if {
	allow with input as {"method": "POST", "path": ["x"], "user": "eve"} with data.palisade.authz.admins as ["eve"]
}

test_bob_denied if {
	allow with input as {"method": "POST", "path": ["x"], "user": "bob"}
}

pick(x) := "a" if x > 0

pick(x) := "b" if x > 0

test_conflict if pick(1) == "a"

todo_test_later if false
`;

/** Writes the policy, its tests and data.json (at data.palisade.authz) under `dir`. */
export async function writeAuthzPolicy(dir: string): Promise<void> {
  await mkdir(join(dir, 'palisade', 'authz'), { recursive: true });
  await writeFile(join(dir, 'palisade', 'authz', 'authz.rego'), AUTHZ);
  await writeFile(join(dir, 'palisade', 'authz', 'authz_test.rego'), AUTHZ_TEST);
  await writeFile(join(dir, 'palisade', 'authz', 'data.json'), '{"admins": ["root"]}');
}
