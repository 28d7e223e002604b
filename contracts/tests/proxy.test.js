'use strict';

const { test, describe, before, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { beginCell } = require('@ton/core');
const H = require('./helpers');
const { L, toNano, expectTx, expectNoTx } = H;
const { OP, ERR, STATE } = L;

describe('proxy', () => {
    let w, p, c, x, snap, stranger;
    const P = H.DEFAULT_PARAMS;

    before(async () => {
        w = await H.createWorld();
        p = await H.addProxy(w);
        c = await H.addClient(w, p, { stake: toNano('5') });
        x = await H.addWorker(w, p);
        stranger = await w.bc.treasury('stranger');
        snap = w.bc.snapshot();
    });
    beforeEach(async () => { await w.bc.loadFrom(snap); });

    const addr = () => p.proxy.address;
    const pd = () => H.proxyData(w, p);
    const owner = () => p.proxyOwner;

    // Revenue 5000 tokens charged, 4000 paid to the worker.
    async function earn() {
        await w.send(stranger, c.client.address, toNano('0.1'), H.charge(p, c.client.address, 5000));
        await w.send(stranger, x.worker.address, toNano('0.1'), H.payout(p, x.worker.address, 4000), x.worker.init);
    }

    test('get-methods after deploy and stake', async () => {
        const d = await pd();
        assert.deepEqual(d, {
            state: STATE.ACTIVE, stake: P.minProxyStake, stakeUsed: 0n, clientFunds: toNano('5'),
            revenue: 0n, commission: 0n, closeStartedAt: 0,
        });
        const cfg = L.read.proxyConfig(await w.get(addr(), 'get_proxy_config'));
        assert.ok(cfg.owner.equals(owner().address));
        assert.ok(cfg.root.equals(w.root.address));
        assert.equal(cfg.proxyPubKey, BigInt('0x' + p.key.publicKey.toString('hex')));
        assert.deepEqual(L.read.params(await w.get(addr(), 'get_params')), { ...P });
        const a = await w.get(addr(), 'get_anchor');
        assert.equal(a.readBigNumber(), 0n);
        assert.equal(a.readBigNumber(), 0n);
        assert.equal((await w.get(addr(), 'is_ready')).readBoolean(), true);
        // the root computes the same address for this owner and key
        const fromRoot = (await w.get(w.root.address, 'get_proxy_address', [owner().address, p.key.publicKey])).readAddress();
        assert.ok(fromRoot.equals(addr()));
        // the deploy returned the unused value
        expectTx(p.deploy, { from: addr(), to: owner().address, op: OP.EXCESSES });
    });

    test('add_stake by anyone with enough value; refused while closing', async () => {
        let r = await w.send(stranger, addr(), toNano('1.01'), L.body.addStake(toNano('1'), 1n));
        expectTx(r, { to: addr(), exitCode: ERR.LOW_VALUE });
        r = await w.send(stranger, addr(), toNano('1.1'), L.body.addStake(toNano('1'), 2n));
        expectTx(r, { to: addr(), success: true });
        const ex = expectTx(r, { from: addr(), to: stranger.address, op: OP.EXCESSES });
        assert.ok(ex.value > toNano('0.05'));
        assert.equal((await pd()).stake, P.minProxyStake + toNano('1'));
        await w.send(owner(), addr(), toNano('0.1'), L.body.startClose(3n));
        r = await w.send(stranger, addr(), toNano('1.1'), L.body.addStake(toNano('1'), 4n));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
    });

    test('withdraw_commission pays earned commission only, to the owner only', async () => {
        await earn();
        const d = await pd();
        const commission = 4000n * (P.pricePerToken - P.workerFeePerToken);
        assert.equal(d.commission, commission);
        assert.equal(d.revenue, 5000n * P.pricePerToken - 4000n * P.workerFeePerToken);
        let r = await w.send(stranger, addr(), toNano('0.1'), L.body.withdrawCommission(0n, 1n));
        expectTx(r, { to: addr(), exitCode: ERR.ACCESS_DENIED });
        r = await w.send(owner(), addr(), toNano('0.1'), L.body.withdrawCommission(commission + 1n, 1n));
        expectTx(r, { to: addr(), exitCode: ERR.AMOUNT_TOO_LARGE });
        r = await w.send(owner(), addr(), toNano('0.1'), L.body.withdrawCommission(100n, 2n));
        expectTx(r, { to: addr(), success: true });
        r = await w.send(owner(), addr(), toNano('0.1'), L.body.withdrawCommission(0n, 3n));
        const paid = expectTx(r, { from: addr(), to: owner().address, op: OP.EXCESSES });
        assert.ok(paid.value > commission - 100n);
        const after = await pd();
        assert.equal(after.commission, 0n);
        // what is left of revenue belongs to the 1000 tokens whose worker is not paid yet
        assert.equal(after.revenue, 1000n * P.pricePerToken);
        assert.equal(after.clientFunds, toNano('5') - 5000n * P.pricePerToken);
        assert.equal(after.stake, P.minProxyStake);
    });

    test('start_close: owner only, once', async () => {
        let r = await w.send(stranger, addr(), toNano('0.1'), L.body.startClose(1n));
        expectTx(r, { to: addr(), exitCode: ERR.ACCESS_DENIED });
        w.bc.now = H.T0 + 100;
        r = await w.send(owner(), addr(), toNano('0.1'), L.body.startClose(2n));
        expectTx(r, { to: addr(), success: true });
        expectTx(r, { from: addr(), to: owner().address, op: OP.EXCESSES });
        const d = await pd();
        assert.equal(d.state, STATE.CLOSING);
        assert.equal(d.closeStartedAt, H.T0 + 100);
        assert.equal((await w.get(addr(), 'is_ready')).readBoolean(), false);
        r = await w.send(owner(), addr(), toNano('0.1'), L.body.startClose(3n));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
    });

    test('complete_close: signed by the proxy key, after the delay; pays stake and commission', async () => {
        await earn();
        let r = await w.send(stranger, addr(), toNano('0.1'), H.completeClose(p));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
        await w.send(owner(), addr(), toNano('0.1'), L.body.startClose(1n));
        w.bc.now = H.T0 + P.proxyCloseDelay - 1;
        r = await w.send(stranger, addr(), toNano('0.1'), H.completeClose(p));
        expectTx(r, { to: addr(), exitCode: ERR.TOO_EARLY });
        w.bc.now = H.T0 + P.proxyCloseDelay;
        r = await w.send(owner(), addr(), toNano('0.1'), H.completeClose(p, { key: H.keyPair('owner-key') }));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_SIGNATURE });
        r = await w.send(owner(), addr(), toNano('0.1'), H.signed(p, OP.COMPLETE_CLOSE, OP.PAYLOAD_PROXY_CLOSE, c.client.address, 0));
        expectTx(r, { to: addr(), exitCode: ERR.WRONG_TARGET });
        r = await w.send(owner(), addr(), toNano('0.1'), H.signed(p, OP.COMPLETE_CLOSE, OP.PAYLOAD_CHARGE, addr(), 0));
        expectTx(r, { to: addr(), exitCode: ERR.WRONG_PAYLOAD_OP });

        const before = await pd();
        r = await w.send(stranger, addr(), toNano('0.1'), H.completeClose(p, { queryId: 9n }));
        expectTx(r, { to: addr(), success: true });
        const paid = expectTx(r, { from: addr(), to: owner().address, op: OP.EXCESSES });
        const expected = before.stake + before.commission;
        assert.ok(paid.value >= expected && paid.value < expected + toNano('0.1'), `paid ${paid.value} expected ${expected}`);
        const d = await pd();
        assert.equal(d.state, STATE.CLOSED);
        assert.equal(d.stake, 0n);
        assert.equal(d.commission, 0n);
        assert.equal(d.clientFunds, before.clientFunds);
        assert.equal(d.revenue, before.revenue - before.commission);
        r = await w.send(stranger, addr(), toNano('0.1'), H.completeClose(p));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
    });

    test('anchor: signed (seqno, session hash), strictly increasing', async () => {
        const anchor = (seqno, { key = p.key, target = addr(), op = OP.PAYLOAD_ANCHOR } = {}) => {
            const payload = beginCell().storeUint(op, 32).storeUint(0, 64).storeUint(seqno, 64)
                .storeBuffer(Buffer.alloc(32, seqno), 32).storeAddress(target).endCell();
            return L.body.signed(OP.ANCHOR, L.signPayload(payload, key.secretKey), 1n);
        };
        const read = async () => { const r = await w.get(addr(), 'get_anchor'); return [r.readBigNumber(), r.readBigNumber()]; };
        let r = await w.send(stranger, addr(), toNano('0.05'), anchor(5));
        expectTx(r, { to: addr(), success: true });
        expectTx(r, { from: addr(), to: stranger.address, op: OP.EXCESSES });
        assert.deepEqual(await read(), [5n, BigInt('0x' + Buffer.alloc(32, 5).toString('hex'))]);
        for (const [msg, code] of [
            [anchor(5), ERR.OLD_VOUCHER],
            [anchor(4), ERR.OLD_VOUCHER],
            [anchor(6, { key: H.keyPair('m') }), ERR.BAD_SIGNATURE],
            [anchor(6, { target: c.client.address }), ERR.WRONG_TARGET],
            [anchor(6, { op: OP.PAYLOAD_CHARGE }), ERR.WRONG_PAYLOAD_OP],
        ]) {
            r = await w.send(stranger, addr(), toNano('0.05'), msg);
            expectTx(r, { to: addr(), exitCode: code });
        }
        assert.equal((await read())[0], 5n);
        r = await w.send(stranger, addr(), toNano('0.05'), anchor(6));
        expectTx(r, { to: addr(), success: true });
        assert.equal((await read())[0], 6n);
    });

    test('messages that only client/worker contracts may send are refused from anyone else', async () => {
        const forged = [
            beginCell().storeUint(OP.CLIENT_DEPOSIT, 32).storeUint(0, 64).storeUint(toNano('1'), 64).storeBit(false)
                .storeAddress(c.clientOwner.address).storeAddress(stranger.address).endCell(),
            beginCell().storeUint(OP.CLIENT_CHARGE, 32).storeUint(0, 64).storeUint(1000, 64).storeUint(toNano('1'), 64)
                .storeAddress(c.clientOwner.address).storeAddress(stranger.address).endCell(),
            beginCell().storeUint(OP.CLIENT_REFUND, 32).storeUint(0, 64).storeUint(toNano('1'), 64)
                .storeAddress(stranger.address).endCell(),
            beginCell().storeUint(OP.CLIENT_REFUND, 32).storeUint(0, 64).storeUint(toNano('1'), 64)
                .storeAddress(c.clientOwner.address).endCell(),
            beginCell().storeUint(OP.WORKER_PAYOUT, 32).storeUint(0, 64).storeUint(1000000, 64)
                .storeAddress(stranger.address).endCell(),
        ];
        const before = await pd();
        for (const body of forged) {
            const r = await w.send(stranger, addr(), toNano('2'), body);
            expectTx(r, { to: addr(), exitCode: ERR.NOT_CHILD });
            expectNoTx(r, { from: addr(), bounced: false });
        }
        assert.deepEqual(await pd(), before);
    });

    test('a client of another proxy cannot touch this pool', async () => {
        const p2 = await H.addProxy(w, { seed: 'proxy-2' });
        const c2 = await H.addClient(w, p2, { seed: 'client-of-2' });
        // c2's refund goes to p2; forging its body towards p fails the address check
        const body = beginCell().storeUint(OP.CLIENT_REFUND, 32).storeUint(0, 64).storeUint(toNano('1'), 64)
            .storeAddress(c2.clientOwner.address).endCell();
        const r = await w.send(c2.clientOwner, addr(), toNano('0.1'), body);
        expectTx(r, { to: addr(), exitCode: ERR.NOT_CHILD });
    });

    test('empty body is accepted; unknown op is refused', async () => {
        let r = await w.send(stranger, addr(), toNano('0.05'), beginCell().endCell());
        expectTx(r, { to: addr(), success: true });
        expectNoTx(r, { from: addr() });
        r = await w.send(stranger, addr(), toNano('0.05'), beginCell().storeUint(0xdead, 32).storeUint(0, 64).endCell());
        expectTx(r, { to: addr(), exitCode: ERR.UNKNOWN_OP });
    });
});
