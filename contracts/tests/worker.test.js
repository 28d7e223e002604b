'use strict';

const { test, describe, before, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { beginCell } = require('@ton/core');
const H = require('./helpers');
const { L, toNano, expectTx, expectNoTx } = H;
const { OP, ERR, STATE } = L;

describe('worker', () => {
    let w, p, c, x, snap, stranger;
    const P = H.DEFAULT_PARAMS;

    before(async () => {
        w = await H.createWorld();
        p = await H.addProxy(w);
        c = await H.addClient(w, p, { stake: toNano('5') });
        x = await H.addWorker(w, p);
        stranger = await w.bc.treasury('stranger');
        // clients were charged for 2000 tokens: revenue covers workers
        await w.send(stranger, c.client.address, toNano('0.1'), H.charge(p, c.client.address, 2000));
        snap = w.bc.snapshot();
    });
    beforeEach(async () => { await w.bc.loadFrom(snap); });

    const addr = () => x.worker.address;
    const wd = () => H.workerData(w, x);
    const pd = () => H.proxyData(w, p);

    test('payout voucher deploys the worker and pays fee x tokens to its owner', async () => {
        const r = await w.send(stranger, addr(), toNano('0.1'), H.payout(p, addr(), 1000, { queryId: 3n }), x.worker.init);
        expectTx(r, { to: addr(), op: OP.PAYOUT, success: true });
        expectTx(r, { from: addr(), to: p.proxy.address, op: OP.WORKER_PAYOUT, success: true });
        const paid = expectTx(r, { from: p.proxy.address, to: x.workerOwner.address, op: OP.EXCESSES });
        const fee = 1000n * P.workerFeePerToken;
        assert.ok(paid.value > fee && paid.value < fee + toNano('0.1'), `paid ${paid.value}`);
        assert.deepEqual(await wd(), { state: STATE.ACTIVE, tokensPaid: 1000n });
        const d = await pd();
        assert.equal(d.commission, 1000n * (P.pricePerToken - P.workerFeePerToken));
        assert.equal(d.revenue, 2000n * P.pricePerToken - fee);
        assert.equal(d.stake, P.minProxyStake);
        const cfg = L.read.childConfig(await w.get(addr(), 'get_worker_config'));
        assert.ok(cfg.proxy.equals(p.proxy.address));
        assert.ok(cfg.owner.equals(x.workerOwner.address));
        assert.equal(cfg.proxyPubKey, BigInt('0x' + p.key.publicKey.toString('hex')));
        assert.deepEqual(L.read.params(await w.get(addr(), 'get_params')), { ...P });
        const fromProxy = (await w.get(p.proxy.address, 'get_worker_address', [x.workerOwner.address])).readAddress();
        assert.ok(fromProxy.equals(addr()));
    });

    test('cumulative: a later voucher pays only the new tokens', async () => {
        await w.send(stranger, addr(), toNano('0.1'), H.payout(p, addr(), 1000), x.worker.init);
        const r = await w.send(x.workerOwner, addr(), toNano('0.1'), H.payout(p, addr(), 1600));
        const paid = expectTx(r, { from: p.proxy.address, to: x.workerOwner.address });
        const fee = 600n * P.workerFeePerToken;
        assert.ok(paid.value > fee && paid.value < fee + toNano('0.1'));
        assert.equal((await wd()).tokensPaid, 1600n);
        assert.equal((await pd()).commission, 1600n * (P.pricePerToken - P.workerFeePerToken));
    });

    test('payout refuses replays, forgeries, other targets and other kinds', async () => {
        await w.send(stranger, addr(), toNano('0.1'), H.payout(p, addr(), 1000), x.worker.init);
        const other = await H.addWorker(w, p, { seed: 'worker-2' });
        const cases = [
            ['replay', H.payout(p, addr(), 1000), ERR.OLD_VOUCHER],
            ['older', H.payout(p, addr(), 10), ERR.OLD_VOUCHER],
            ['forged', H.payout(p, addr(), 5000, { key: H.keyPair('mallory') }), ERR.BAD_SIGNATURE],
            ['other worker', H.payout(p, other.worker.address, 5000), ERR.WRONG_TARGET],
            ['client voucher', H.signed(p, OP.PAYOUT, OP.PAYLOAD_CHARGE, addr(), 5000), ERR.WRONG_PAYLOAD_OP],
            ['last payout kind on payout op', H.signed(p, OP.PAYOUT, OP.PAYLOAD_WORKER_LAST_PAYOUT, addr(), 5000), ERR.WRONG_PAYLOAD_OP],
        ];
        for (const [name, msg, code] of cases) {
            const r = await w.send(stranger, addr(), toNano('0.1'), msg);
            expectTx(r, { to: addr(), exitCode: code });
            expectNoTx(r, { to: p.proxy.address });
            assert.equal((await wd()).tokensPaid, 1000n, name);
        }
        const low = await w.send(stranger, addr(), toNano('0.01'), H.payout(p, addr(), 2000));
        expectTx(low, { to: addr(), exitCode: ERR.LOW_VALUE });
    });

    test('last payout pays the remainder and closes the worker', async () => {
        await w.send(stranger, addr(), toNano('0.1'), H.payout(p, addr(), 1000), x.worker.init);
        let r = await w.send(stranger, addr(), toNano('0.1'), H.lastPayout(p, addr(), 999));
        expectTx(r, { to: addr(), exitCode: ERR.OLD_VOUCHER });
        r = await w.send(stranger, addr(), toNano('0.1'), H.signed(p, OP.LAST_PAYOUT, OP.PAYLOAD_WORKER_PAYOUT, addr(), 1500));
        expectTx(r, { to: addr(), exitCode: ERR.WRONG_PAYLOAD_OP });
        r = await w.send(stranger, addr(), toNano('0.1'), H.lastPayout(p, addr(), 1500, { key: H.keyPair('m') }));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_SIGNATURE });
        r = await w.send(stranger, addr(), toNano('0.1'), H.lastPayout(p, addr(), 1500));
        expectTx(r, { from: addr(), to: p.proxy.address, op: OP.WORKER_PAYOUT, success: true });
        assert.deepEqual(await wd(), { state: STATE.CLOSED, tokensPaid: 1500n });
        r = await w.send(stranger, addr(), toNano('0.1'), H.payout(p, addr(), 2000));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
        r = await w.send(stranger, addr(), toNano('0.1'), H.lastPayout(p, addr(), 2000));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
    });

    test('last payout with no new tokens closes without asking the proxy', async () => {
        await w.send(stranger, addr(), toNano('0.1'), H.payout(p, addr(), 1000), x.worker.init);
        const r = await w.send(stranger, addr(), toNano('0.1'), H.lastPayout(p, addr(), 1000));
        expectNoTx(r, { to: p.proxy.address });
        expectTx(r, { from: addr(), to: stranger.address, op: OP.EXCESSES });
        assert.deepEqual(await wd(), { state: STATE.CLOSED, tokensPaid: 1000n });
    });

    test('stake covers workers paid before their clients are charged, and is repaid by later charges', async () => {
        // 10000 tokens: fee 8e6 > revenue 2e6
        await w.send(stranger, addr(), toNano('0.1'), H.payout(p, addr(), 10000), x.worker.init);
        let d = await pd();
        const fee = 10000n * P.workerFeePerToken;
        const fromStake = fee - 2000n * P.pricePerToken;
        assert.equal(d.revenue, 0n);
        assert.equal(d.stake, P.minProxyStake - fromStake);
        assert.equal(d.stakeUsed, fromStake);
        // the proxy is not ready while its stake is below the minimum
        assert.equal((await w.get(p.proxy.address, 'is_ready')).readBoolean(), false);
        await w.send(stranger, c.client.address, toNano('0.1'), H.charge(p, c.client.address, 12000));
        d = await pd();
        assert.equal(d.stake, P.minProxyStake);
        assert.equal(d.stakeUsed, 0n);
        assert.equal(d.revenue, 12000n * P.pricePerToken - fee);
        assert.equal((await w.get(p.proxy.address, 'is_ready')).readBoolean(), true);
    });

    test('empty body is accepted; unknown op is refused', async () => {
        let r = await w.send(stranger, addr(), toNano('0.05'), beginCell().endCell(), x.worker.init);
        expectTx(r, { to: addr(), success: true });
        r = await w.send(stranger, addr(), toNano('0.05'), beginCell().storeUint(0xdead, 32).storeUint(0, 64).endCell());
        expectTx(r, { to: addr(), exitCode: ERR.UNKNOWN_OP });
    });
});
