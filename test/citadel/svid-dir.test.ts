import assert from 'node:assert/strict';
import { readdir, readlink, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { privateKeyToPem } from '../../citadel/keys.js';
import { readSvidDir, svidDirIsEmpty, writeSvidDir } from '../../citadel/svid-dir.js';
import { TestCA } from '../helpers/test-ca.js';
import { tempDir } from '../helpers/tmp.js';

const ID = 'spiffe://example.org/ns/shop/sa/cart';

describe('SVID directory', () => {
  test('write then read: key 0600, cert.pem leaf+intermediate, bundle.pem, cross-checked', async (t) => {
    const dir = join(await tempDir(t), 'svid');
    const root = await TestCA.create();
    const inter = await root.childCA();
    const svid = await inter.createX509SVID(ID);
    assert.ok(await svidDirIsEmpty(dir));
    await writeSvidDir(dir, svid, root.bundle());
    assert.ok(!(await svidDirIsEmpty(dir)));
    assert.equal((await stat(join(dir, 'key.pem'))).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'cert.pem'))).mode & 0o777, 0o644);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    const back = await readSvidDir(dir);
    assert.equal(back.spiffeId.toString(), ID);
    assert.equal(back.svid.chain.length, 2);
    assert.ok(back.svid.chain[0]!.der.equals(svid.chain[0]!.der));
    assert.ok(back.bundle.roots[0]!.der.equals(root.cert.der));
    assert.equal(back.bundle.trustDomain, 'example.org');
  });

  test('a second write swaps all three files at once and removes the old version', async (t) => {
    const dir = join(await tempDir(t), 'svid');
    const ca = await TestCA.create();
    await writeSvidDir(dir, await ca.createX509SVID(ID), ca.bundle());
    const firstTarget = await readlink(join(dir, '..data'));
    const second = await ca.createX509SVID(ID);
    await writeSvidDir(dir, second, ca.bundle());
    const secondTarget = await readlink(join(dir, '..data'));
    assert.notEqual(firstTarget, secondTarget);
    const versions = (await readdir(dir)).filter((n) => n.startsWith('..') && n !== '..data');
    assert.deepEqual(versions, [secondTarget]);
    assert.equal(await readlink(join(dir, 'key.pem')), join('..data', 'key.pem'));
    assert.ok((await readSvidDir(dir)).svid.chain[0]!.der.equals(second.chain[0]!.der));
  });

  test('a key that does not match the certificate is refused, naming the file', async (t) => {
    const dir = await tempDir(t);
    const ca = await TestCA.create();
    const a = await ca.createX509SVID(ID);
    const b = await ca.createX509SVID(ID);
    await writeFile(join(dir, 'key.pem'), privateKeyToPem(b.key));
    await writeFile(join(dir, 'cert.pem'), a.certPem);
    await writeFile(join(dir, 'bundle.pem'), ca.bundle().toPem());
    await assert.rejects(readSvidDir(dir), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_CITADEL_SVID_DIR');
      assert.match(err.message, /key\.pem: does not match the certificate in .*cert\.pem/);
      return true;
    });
  });

  test('a missing file is named', async (t) => {
    const dir = join(await tempDir(t), 'svid');
    const ca = await TestCA.create();
    await writeSvidDir(dir, await ca.createX509SVID(ID), ca.bundle());
    await unlink(join(dir, 'bundle.pem'));
    await assert.rejects(readSvidDir(dir), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_CITADEL_SVID_DIR');
      assert.match(err.message, /bundle\.pem: missing$/);
      return true;
    });
  });

  test('a certificate with two URI SANs is refused', async (t) => {
    const dir = join(await tempDir(t), 'svid');
    const ca = await TestCA.create();
    await writeSvidDir(dir, await ca.createX509SVID(ID, { uris: [ID, `${ID}2`] }), ca.bundle());
    await assert.rejects(readSvidDir(dir), /exactly one URI SAN, found 2/);
  });
});
