// Known weaknesses of the reference design, each with a test that shows it is
// closed here.
'use strict';

const { test, describe, before, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { createEmptyShardAccount } = require('@ton/sandbox');
const H = require('./helpers');
const { L, toNano, expectTx, expectNoTx } = H;
const { OP, ERR, STATE } = L;

describe('known weaknesses', () => {
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

    const cd = () => H.clientData(w, c);
    const pd = () => H.proxyData(w, p);

    test('a top-up while the proxy is closing is not credited (and so not refunded twice)', async () => {
        await w.send(p.proxyOwner, p.proxy.address, toNano('0.1'), L.body.startClose(1n));
        const r = await w.send(stranger, c.client.address, toNano('3.1'), L.body.topUp(toNano('3'), 2n));
        expectTx(r, { from: c.client.address, to: p.proxy.address, op: OP.CLIENT_DEPOSIT, exitCode: ERR.BAD_STATE });
        expectTx(r, { from: p.proxy.address, to: c.client.address, bounced: true, success: true });
        const back = expectTx(r, { from: c.client.address, to: c.clientOwner.address, op: OP.EXCESSES });
        assert.ok(back.value > toNano('3'), 'the top-up went back to the client owner');
        let d = await cd();
        assert.equal(d.balance, toNano('5'));
        assert.equal(d.pendingDeposit, 0n);
        assert.equal((await pd()).clientFunds, toNano('5'));
        // the client's refund pays exactly the real balance, once
        await w.send(c.clientOwner, c.client.address, toNano('0.1'), L.body.requestRefund(3n));
        w.bc.now = H.T0 + P.clientCloseDelay;
        const f = await w.send(c.clientOwner, c.client.address, toNano('0.1'), L.body.forceRefund(4n));
        const paid = expectTx(f, { from: p.proxy.address, to: c.clientOwner.address });
        assert.ok(paid.value >= toNano('5') && paid.value < toNano('5.1'));
        d = await cd();
        assert.equal(d.balance, 0n);
        assert.equal((await pd()).clientFunds, 0n);
        const again = await w.send(c.clientOwner, c.client.address, toNano('0.1'), L.body.withdraw(0n, 5n));
        expectTx(again, { to: c.client.address, exitCode: ERR.AMOUNT_TOO_LARGE });
    });

    test('a refused worker payout bounces and is undone; the same voucher pays later', async () => {
        // nothing charged yet and the stake (10 TON) cannot cover 20M tokens x 800
        const tokens = 20_000_000n;
        let r = await w.send(x.workerOwner, x.worker.address, toNano('0.1'), H.payout(p, x.worker.address, tokens), x.worker.init);
        expectTx(r, { from: x.worker.address, to: p.proxy.address, exitCode: ERR.INSUFFICIENT_FUNDS });
        expectTx(r, { from: p.proxy.address, to: x.worker.address, bounced: true, success: true });
        expectTx(r, { from: x.worker.address, to: x.workerOwner.address, op: OP.EXCESSES });
        assert.deepEqual(await H.workerData(w, x), { state: STATE.ACTIVE, tokensPaid: 0n });
        const before = await pd();
        assert.equal(before.stake, P.minProxyStake);
        assert.equal(before.commission, 0n);
        // the proxy gets more stake; the very same voucher now pays
        await w.send(p.proxyOwner, p.proxy.address, toNano('10.1'), L.body.addStake(toNano('10'), 1n));
        r = await w.send(x.workerOwner, x.worker.address, toNano('0.1'), H.payout(p, x.worker.address, tokens));
        const paid = expectTx(r, { from: p.proxy.address, to: x.workerOwner.address });
        assert.ok(paid.value >= tokens * P.workerFeePerToken);
        assert.equal((await H.workerData(w, x)).tokensPaid, tokens);
    });

    test('a refused last payout reopens the worker', async () => {
        const tokens = 20_000_000n;
        await w.send(x.workerOwner, x.worker.address, toNano('0.1'), H.lastPayout(p, x.worker.address, tokens), x.worker.init);
        assert.deepEqual(await H.workerData(w, x), { state: STATE.ACTIVE, tokensPaid: 0n });
    });

    test('messages to a vanished proxy bounce and lose no funds or tokens', async () => {
        await w.send(stranger, c.client.address, toNano('0.1'), H.charge(p, c.client.address, 1000));
        await w.send(stranger, c.client.address, toNano('3.1'), L.body.topUp(toNano('3'), 1n));
        const saved = (await w.bc.getContract(p.proxy.address)).account;
        await w.bc.setShardAccount(p.proxy.address, createEmptyShardAccount(p.proxy.address));
        const base = await cd();

        // charge: tokens and balance restored
        let r = await w.send(stranger, c.client.address, toNano('0.1'), H.charge(p, c.client.address, 3000));
        expectTx(r, { from: p.proxy.address, to: c.client.address, bounced: true, success: true });
        assert.deepEqual(await cd(), base);
        // withdraw: balance restored, TON back to the owner
        r = await w.send(c.clientOwner, c.client.address, toNano('0.1'), L.body.withdraw(toNano('1'), 1n));
        expectTx(r, { from: p.proxy.address, to: c.client.address, bounced: true, success: true });
        expectTx(r, { from: c.client.address, to: c.clientOwner.address, op: OP.EXCESSES });
        assert.deepEqual(await cd(), base);
        // top-up: pending cleared, TON back to the owner
        r = await w.send(stranger, c.client.address, toNano('2.1'), L.body.topUp(toNano('2'), 2n));
        const back = expectTx(r, { from: c.client.address, to: c.clientOwner.address, op: OP.EXCESSES });
        assert.ok(back.value > toNano('2'));
        assert.deepEqual(await cd(), base);
        // final refund: both the charge and the refund come back; the closed client keeps its balance
        r = await w.send(stranger, c.client.address, toNano('0.2'), H.finalRefund(p, c.client.address, 2000));
        let d = await cd();
        assert.equal(d.state, STATE.CLOSED);
        assert.equal(d.tokensCharged, 1000n);
        assert.equal(d.balance, base.balance);

        // the proxy comes back: the owner withdraws the balance of the closed client
        await w.bc.setShardAccount(p.proxy.address, saved);
        r = await w.send(c.clientOwner, c.client.address, toNano('0.1'), L.body.withdraw(0n, 3n));
        const paid = expectTx(r, { from: p.proxy.address, to: c.clientOwner.address });
        assert.ok(paid.value >= base.balance);
        d = await cd();
        assert.equal(d.balance, 0n);
        assert.equal((await pd()).clientFunds, 0n);
    });

    test('stakes are enforced on chain', async () => {
        // an unstaked proxy accepts no client deposits; the client is not credited
        const p2 = await H.addProxy(w, { seed: 'unstaked-proxy', stake: P.minProxyStake - 1n });
        assert.equal((await w.get(p2.proxy.address, 'is_ready')).readBoolean(), false);
        const owner2 = await w.bc.treasury('client-of-unstaked');
        const c2 = H.clientOf(w, p2, owner2);
        const r = await w.send(owner2, c2.address, toNano('2.1'), L.body.increaseStake(toNano('2'), 1n), c2.init);
        expectTx(r, { from: c2.address, to: p2.proxy.address, exitCode: ERR.STAKE_TOO_LOW });
        const d2 = L.read.clientData(await w.get(c2.address, 'get_client_data'));
        assert.equal(d2.balance, 0n);
        assert.equal(d2.stake, 0n);
        assert.equal(d2.pendingDeposit, 0n);
        // a client cannot top up without its own stake, nor withdraw its stake while active
        const owner3 = await w.bc.treasury('unstaked-client');
        const c3 = H.clientOf(w, p, owner3);
        const t = await w.send(owner3, c3.address, toNano('2.1'), L.body.topUp(toNano('2'), 1n), c3.init);
        expectTx(t, { to: c3.address, exitCode: ERR.STAKE_TOO_LOW });
        const wd = await w.send(c.clientOwner, c.client.address, toNano('0.1'), L.body.withdraw(1n, 1n));
        expectTx(wd, { to: c.client.address, exitCode: ERR.AMOUNT_TOO_LARGE });
        // the proxy's stake cannot be taken out before the close completes
        const wc = await w.send(p.proxyOwner, p.proxy.address, toNano('0.1'), L.body.withdrawCommission(1n, 1n));
        expectTx(wc, { to: p.proxy.address, exitCode: ERR.AMOUNT_TOO_LARGE });
    });

    test('parameters are validated', async () => {
        const r = await w.send(w.owner, w.root.address, toNano('0.05'),
            L.body.setParams({ ...P, workerFeePerToken: P.pricePerToken + 1n }, 1n));
        expectTx(r, { to: w.root.address, exitCode: ERR.BAD_PARAMS });
    });

    test('closing the proxy cannot pay its owner what is owed to clients or workers', async () => {
        await w.send(stranger, c.client.address, toNano('0.1'), H.charge(p, c.client.address, 5000));
        await w.send(stranger, x.worker.address, toNano('0.1'), H.payout(p, x.worker.address, 4000), x.worker.init);
        await w.send(p.proxyOwner, p.proxy.address, toNano('0.1'), L.body.startClose(1n));
        w.bc.now = H.T0 + P.proxyCloseDelay;
        const before = await pd();
        const r = await w.send(p.proxyOwner, p.proxy.address, toNano('0.1'), H.completeClose(p));
        const toOwner = H.received(r, p.proxyOwner.address);
        assert.ok(toOwner < before.stake + before.commission + toNano('0.1'), `owner got ${toOwner}`);
        const after = await pd();
        assert.equal(after.clientFunds, before.clientFunds);
        assert.equal(after.revenue, 1000n * P.pricePerToken);
        const held = await w.balance(p.proxy.address);
        assert.ok(held >= after.clientFunds + after.revenue, `proxy holds ${held}`);

        // the worker's unpaid 1000 tokens and the client's balance are still paid out
        let s = await w.send(x.workerOwner, x.worker.address, toNano('0.1'), H.lastPayout(p, x.worker.address, 5000));
        const wp = expectTx(s, { from: p.proxy.address, to: x.workerOwner.address });
        assert.ok(wp.value >= 1000n * P.workerFeePerToken);
        await w.send(c.clientOwner, c.client.address, toNano('0.1'), L.body.requestRefund(2n));
        w.bc.now += P.clientCloseDelay;
        s = await w.send(c.clientOwner, c.client.address, toNano('0.1'), L.body.forceRefund(3n));
        const cp = expectTx(s, { from: p.proxy.address, to: c.clientOwner.address });
        assert.ok(cp.value >= before.clientFunds);
        const end = await pd();
        assert.equal(end.clientFunds, 0n);
        // the proxy's remaining share is commission for the last 1000 tokens
        assert.equal(end.commission, 1000n * (P.pricePerToken - P.workerFeePerToken));
        assert.equal(end.revenue, end.commission);
    });

    test('a voucher for one contract is useless on any other', async () => {
        const c2 = await H.addClient(w, p, { seed: 'client-2', stake: toNano('5') });
        const x2 = await H.addWorker(w, p, { seed: 'worker-2' });
        // a second proxy that uses the very same key
        const p2owner = await w.bc.treasury('proxy-2-owner');
        const p2 = L.stateOf(w.codes.proxy, L.proxyData({
            owner: p2owner.address, proxyPubKey: p.key.publicKey, root: w.root.address, params: P, codes: w.codes,
        }));
        await w.send(p2owner, p2.address, toNano('11'), L.body.addStake(P.minProxyStake, 1n), p2.init);
        const samekey = { ...p, proxy: p2 };
        const c3 = await H.addClient(w, samekey, { seed: 'client-of-2', stake: toNano('5') });

        const forA = H.charge(p, c.client.address, 1000);
        for (const target of [c2.client.address, c3.client.address]) {
            const r = await w.send(stranger, target, toNano('0.1'), forA);
            expectTx(r, { to: target, exitCode: ERR.WRONG_TARGET });
        }
        let r = await w.send(stranger, x.worker.address, toNano('0.1'), forA, x.worker.init);
        expectTx(r, { to: x.worker.address, exitCode: ERR.UNKNOWN_OP });
        const payA = H.payout(p, x.worker.address, 1000);
        r = await w.send(stranger, x2.worker.address, toNano('0.1'), payA, x2.worker.init);
        expectTx(r, { to: x2.worker.address, exitCode: ERR.WRONG_TARGET });
        r = await w.send(stranger, c.client.address, toNano('0.1'), payA);
        expectTx(r, { to: c.client.address, exitCode: ERR.UNKNOWN_OP });
        // re-wrapping a payout payload in a charge message does not help either
        const sp = L.signVoucher({ op: OP.PAYLOAD_WORKER_PAYOUT, totalTokens: 1000n, target: c.client.address }, p.key.secretKey);
        r = await w.send(stranger, c.client.address, toNano('0.1'), L.body.signed(OP.CHARGE, sp, 0n));
        expectTx(r, { to: c.client.address, exitCode: ERR.WRONG_PAYLOAD_OP });
        // the close voucher of one proxy does not close another with the same key
        await w.send(p2owner, p2.address, toNano('0.1'), L.body.startClose(1n));
        w.bc.now = H.T0 + P.proxyCloseDelay;
        r = await w.send(stranger, p2.address, toNano('0.1'), H.completeClose(p));
        expectTx(r, { to: p2.address, exitCode: ERR.WRONG_TARGET });
        for (const cl of [c, c2, c3]) assert.equal((await H.clientData(w, cl)).tokensCharged, 0n);
        expectNoTx(r, { to: p2owner.address });
    });
});
