'use strict';

const { test, describe, before, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { beginCell } = require('@ton/core');
const H = require('./helpers');
const { L, toNano, expectTx, expectNoTx } = H;
const { OP, ERR } = L;

const hash = (s) => require('crypto').createHash('sha256').update(s).digest();
const asInt = (b) => BigInt('0x' + b.toString('hex'));

describe('root', () => {
    let w, owner, stranger, root, snap;

    before(async () => {
        w = await H.createWorld();
        owner = w.owner; root = w.root.address;
        stranger = await w.bc.treasury('stranger');
        snap = w.bc.snapshot();
    });
    beforeEach(async () => { await w.bc.loadFrom(snap); });

    const ownerSend = (body, value = toNano('0.05')) => w.send(owner, root, value, body);
    const version = async () => (await w.get(root, 'get_version')).readNumber();

    test('initial get-methods describe the deployed configuration', async () => {
        const d = L.read.rootData(await w.get(root, 'get_root_data'));
        assert.ok(d.owner.equals(owner.address));
        assert.equal(d.version, 0);
        assert.equal(d.nextProxySeqno, 0);
        assert.equal(await version(), 0);
        assert.ok((await w.get(root, 'get_owner')).readAddress().equals(owner.address));
        assert.equal((await w.get(root, 'get_next_proxy_seqno')).readNumber(), 0);
        assert.deepEqual(L.read.params(await w.get(root, 'get_params')), { ...H.DEFAULT_PARAMS });
        const codes = await w.get(root, 'get_codes');
        assert.ok(codes.readCell().equals(w.codes.proxy));
        assert.ok(codes.readCell().equals(w.codes.client));
        assert.ok(codes.readCell().equals(w.codes.worker));
    });

    const registries = [
        ['proxy image', OP.ADD_PROXY_IMAGE, OP.REMOVE_PROXY_IMAGE, 'is_proxy_image_allowed'],
        ['worker image', OP.ADD_WORKER_IMAGE, OP.REMOVE_WORKER_IMAGE, 'is_worker_image_allowed'],
        ['model', OP.ADD_MODEL, OP.REMOVE_MODEL, 'is_model_allowed'],
    ];
    for (const [name, addOp, removeOp, getter] of registries) {
        test(`${name} hashes: add, duplicate, remove, missing, access`, async () => {
            const h = hash(name);
            const other = hash(name + '-other');
            const allowed = async (x) => (await w.get(root, getter, [x])).readBoolean();
            assert.equal(await allowed(h), false);

            let r = await w.send(stranger, root, toNano('0.05'), L.body.hashOp(addOp, h, 1n));
            expectTx(r, { to: root, exitCode: ERR.ACCESS_DENIED });
            assert.equal(await allowed(h), false);

            r = await ownerSend(L.body.hashOp(addOp, h, 7n));
            expectTx(r, { from: owner.address, to: root, success: true });
            expectTx(r, { from: root, to: owner.address, op: OP.EXCESSES });
            assert.equal(await allowed(h), true);
            assert.equal(await allowed(other), false);
            assert.equal(await version(), 1);

            r = await ownerSend(L.body.hashOp(addOp, h, 8n));
            expectTx(r, { to: root, exitCode: ERR.ALREADY_EXISTS });
            assert.equal(await version(), 1);

            r = await ownerSend(L.body.hashOp(removeOp, h, 9n));
            expectTx(r, { to: root, success: true });
            assert.equal(await allowed(h), false);
            assert.equal(await version(), 2);

            r = await ownerSend(L.body.hashOp(removeOp, h, 10n));
            expectTx(r, { to: root, exitCode: ERR.NOT_FOUND });

            r = await w.send(stranger, root, toNano('0.05'), L.body.hashOp(removeOp, h, 1n));
            expectTx(r, { to: root, exitCode: ERR.ACCESS_DENIED });
        });
    }

    test('the three hash registries are independent', async () => {
        const h = hash('shared');
        await ownerSend(L.body.hashOp(OP.ADD_WORKER_IMAGE, h, 1n));
        assert.equal((await w.get(root, 'is_worker_image_allowed', [h])).readBoolean(), true);
        assert.equal((await w.get(root, 'is_proxy_image_allowed', [h])).readBoolean(), false);
        assert.equal((await w.get(root, 'is_model_allowed', [h])).readBoolean(), false);
    });

    test('proxy endpoints: register with seqno, update, unregister', async () => {
        const endpoint = async (seqno) => {
            const r = await w.get(root, 'get_proxy_endpoint', [seqno]);
            const found = r.readBoolean();
            const cell = r.readCell();
            return found ? cell.beginParse().loadStringTail() : null;
        };
        let r = await w.send(stranger, root, toNano('0.05'), L.body.registerProxy('evil:1', 1n));
        expectTx(r, { to: root, exitCode: ERR.ACCESS_DENIED });

        r = await ownerSend(L.body.registerProxy('10.0.0.1:8443', 1n));
        expectTx(r, { to: root, success: true });
        r = await ownerSend(L.body.registerProxy('proxy-b.example:8443', 2n));
        expectTx(r, { to: root, success: true });
        assert.equal((await w.get(root, 'get_next_proxy_seqno')).readNumber(), 2);
        assert.equal(await endpoint(0), '10.0.0.1:8443');
        assert.equal(await endpoint(1), 'proxy-b.example:8443');
        assert.equal(await endpoint(2), null);

        r = await ownerSend(L.body.updateProxy(0, '10.0.0.2:9443', 3n));
        expectTx(r, { to: root, success: true });
        assert.equal(await endpoint(0), '10.0.0.2:9443');
        r = await ownerSend(L.body.updateProxy(5, 'x:1', 4n));
        expectTx(r, { to: root, exitCode: ERR.NOT_FOUND });
        r = await w.send(stranger, root, toNano('0.05'), L.body.updateProxy(0, 'evil:1', 1n));
        expectTx(r, { to: root, exitCode: ERR.ACCESS_DENIED });

        r = await ownerSend(L.body.unregisterProxy(0, 5n));
        expectTx(r, { to: root, success: true });
        assert.equal(await endpoint(0), null);
        assert.equal(await endpoint(1), 'proxy-b.example:8443');
        r = await ownerSend(L.body.unregisterProxy(0, 6n));
        expectTx(r, { to: root, exitCode: ERR.NOT_FOUND });
        r = await w.send(stranger, root, toNano('0.05'), L.body.unregisterProxy(1, 1n));
        expectTx(r, { to: root, exitCode: ERR.ACCESS_DENIED });
        // seqnos are never reused
        await ownerSend(L.body.registerProxy('c:1', 7n));
        assert.equal(await endpoint(2), 'c:1');
        assert.equal(await version(), 5);
    });

    test('set_params accepts a valid set and returns it from get_params', async () => {
        const p = { ...H.DEFAULT_PARAMS, pricePerToken: 2000n, workerFeePerToken: 2000n, cachedMult: 1, proxyCloseDelay: 60 };
        const r = await ownerSend(L.body.setParams(p, 1n));
        expectTx(r, { to: root, success: true });
        expectTx(r, { from: root, to: owner.address, op: OP.EXCESSES });
        assert.deepEqual(L.read.params(await w.get(root, 'get_params')), p);
        assert.equal(await version(), 1);
        const s = await w.send(stranger, root, toNano('0.05'), L.body.setParams(H.DEFAULT_PARAMS, 1n));
        expectTx(s, { to: root, exitCode: ERR.ACCESS_DENIED });
    });

    const D = H.DEFAULT_PARAMS;
    const invalid = {
        'zero price': { pricePerToken: 0n, workerFeePerToken: 0n },
        'price above 1 TON per token': { pricePerToken: toNano('1') + 1n },
        'worker fee above price': { workerFeePerToken: D.pricePerToken + 1n },
        'zero prompt multiplier': { promptMult: 0 },
        'zero cached multiplier': { cachedMult: 0 },
        'zero completion multiplier': { completionMult: 0 },
        'zero reasoning multiplier': { reasoningMult: 0 },
        'multiplier above 100x': { completionMult: 1000001 },
        'proxy close delay below a minute': { proxyCloseDelay: 59 },
        'client close delay above 30 days': { clientCloseDelay: 30 * 24 * 3600 + 1 },
        'proxy stake below 0.01 TON': { minProxyStake: toNano('0.01') - 1n },
        'client stake above 1M TON': { minClientStake: toNano('1000000') + 1n },
    };
    for (const [name, patch] of Object.entries(invalid)) {
        test(`set_params refuses ${name}`, async () => {
            const r = await ownerSend(L.body.setParams({ ...D, ...patch }, 1n));
            expectTx(r, { to: root, exitCode: ERR.BAD_PARAMS });
            assert.deepEqual(L.read.params(await w.get(root, 'get_params')), { ...D });
            assert.equal(await version(), 0);
        });
    }

    test('set_codes replaces the codes and get_proxy_address follows them', async () => {
        const fake = (n) => beginCell().storeUint(n, 8).endCell();
        const proxyKey = H.keyPair('k');
        const before = (await w.get(root, 'get_proxy_address', [owner.address, proxyKey.publicKey])).readAddress();
        const expected = L.stateOf(w.codes.proxy, L.proxyData({
            owner: owner.address, proxyPubKey: proxyKey.publicKey, root, params: D, codes: w.codes,
        })).address;
        assert.ok(before.equals(expected), 'root computes the same proxy address as the deployer');

        let r = await w.send(stranger, root, toNano('0.05'), L.body.setCodes({ proxy: fake(1), client: fake(2), worker: fake(3) }, 1n));
        expectTx(r, { to: root, exitCode: ERR.ACCESS_DENIED });
        r = await ownerSend(L.body.setCodes({ proxy: fake(1), client: fake(2), worker: fake(3) }, 1n));
        expectTx(r, { to: root, success: true });
        const codes = await w.get(root, 'get_codes');
        assert.ok(codes.readCell().equals(fake(1)));
        assert.ok(codes.readCell().equals(fake(2)));
        assert.ok(codes.readCell().equals(fake(3)));
        const after = (await w.get(root, 'get_proxy_address', [owner.address, proxyKey.publicKey])).readAddress();
        assert.ok(!after.equals(before));
        assert.equal(await version(), 1);
    });

    test('change_owner hands over control', async () => {
        let r = await w.send(stranger, root, toNano('0.05'), L.body.changeOwner(stranger.address, 1n));
        expectTx(r, { to: root, exitCode: ERR.ACCESS_DENIED });
        r = await ownerSend(L.body.changeOwner(stranger.address, 2n));
        expectTx(r, { to: root, success: true });
        assert.ok((await w.get(root, 'get_owner')).readAddress().equals(stranger.address));
        r = await ownerSend(L.body.hashOp(OP.ADD_MODEL, hash('m'), 3n));
        expectTx(r, { to: root, exitCode: ERR.ACCESS_DENIED });
        r = await w.send(stranger, root, toNano('0.05'), L.body.hashOp(OP.ADD_MODEL, hash('m'), 4n));
        expectTx(r, { to: root, success: true });
        assert.equal(await version(), 2);
    });

    test('excesses carry the query id and most of the value back', async () => {
        const r = await ownerSend(L.body.hashOp(OP.ADD_MODEL, hash('q'), 0x1234n), toNano('1'));
        const ex = r.transactions.find((t) => t.inMessage?.info.src?.equals?.(root));
        assert.ok(ex, 'excess sent');
        const s = ex.inMessage.body.beginParse();
        assert.equal(s.loadUint(32), OP.EXCESSES);
        assert.equal(s.loadUintBig(64), 0x1234n);
        assert.ok(ex.inMessage.info.value.coins > toNano('0.98'), 'excess returns the unused value');
    });

    test('empty body is accepted and changes nothing; unknown op is refused', async () => {
        let r = await w.send(owner, root, toNano('0.05'), beginCell().endCell());
        expectTx(r, { to: root, success: true });
        expectNoTx(r, { from: root });
        assert.equal(await version(), 0);
        r = await ownerSend(beginCell().storeUint(0x12345678, 32).storeUint(0, 64).endCell());
        expectTx(r, { to: root, exitCode: ERR.UNKNOWN_OP });
        r = await w.send(stranger, root, toNano('0.05'), beginCell().storeUint(0x12345678, 32).storeUint(0, 64).endCell());
        expectTx(r, { to: root, success: false });
        assert.equal(await version(), 0);
    });
});

module.exports = { hash, asInt };
