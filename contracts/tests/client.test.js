'use strict';

const { test, describe, before, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { beginCell } = require('@ton/core');
const H = require('./helpers');
const { L, toNano, expectTx, expectNoTx } = H;
const { OP, ERR, STATE } = L;

describe('client', () => {
    let w, p, c, snap, stranger;
    const P = H.DEFAULT_PARAMS;

    before(async () => {
        w = await H.createWorld();
        p = await H.addProxy(w);
        c = await H.addClient(w, p);
        stranger = await w.bc.treasury('stranger');
        snap = w.bc.snapshot();
    });
    beforeEach(async () => { await w.bc.loadFrom(snap); });

    const cd = () => H.clientData(w, c);
    const pd = () => H.proxyData(w, p);
    const addr = () => c.client.address;

    test('deploy with increase_stake: get-methods', async () => {
        const d = await cd();
        assert.equal(d.state, STATE.ACTIVE);
        assert.equal(d.balance, P.minClientStake);
        assert.equal(d.stake, P.minClientStake);
        assert.equal(d.pendingDeposit, 0n);
        assert.equal(d.tokensCharged, 0n);
        assert.equal(d.closeStartedAt, 0);
        assert.equal(d.secretHash, 0n);
        const cfg = L.read.childConfig(await w.get(addr(), 'get_client_config'));
        assert.ok(cfg.proxy.equals(p.proxy.address));
        assert.ok(cfg.owner.equals(c.clientOwner.address));
        assert.equal(cfg.proxyPubKey, BigInt('0x' + p.key.publicKey.toString('hex')));
        assert.deepEqual(L.read.params(await w.get(addr(), 'get_params')), { ...P });
        assert.equal((await pd()).clientFunds, P.minClientStake);
        // the proxy recognises this address as its client for this owner
        const fromProxy = (await w.get(p.proxy.address, 'get_client_address', [c.clientOwner.address])).readAddress();
        assert.ok(fromProxy.equals(addr()));
        // the deposit chain: owner -> client -> proxy -> client (ack) -> owner (excess)
        expectTx(c.deploy, { from: addr(), to: p.proxy.address, op: OP.CLIENT_DEPOSIT, success: true });
        expectTx(c.deploy, { from: addr(), to: c.clientOwner.address, op: OP.EXCESSES });
    });

    test('top_up by anyone is credited on the proxy acknowledgement; excess returns to the payer', async () => {
        const r = await w.send(stranger, addr(), toNano('5.1'), L.body.topUp(toNano('5'), 11n));
        expectTx(r, { from: stranger.address, to: addr(), op: OP.TOP_UP, success: true });
        expectTx(r, { from: addr(), to: p.proxy.address, op: OP.CLIENT_DEPOSIT, success: true });
        expectTx(r, { from: p.proxy.address, to: addr(), op: OP.DEPOSIT_ACK, success: true });
        const ex = expectTx(r, { from: addr(), to: stranger.address, op: OP.EXCESSES });
        assert.ok(ex.value > toNano('0.05'), `excess ${ex.value}`);
        const d = await cd();
        assert.equal(d.balance, P.minClientStake + toNano('5'));
        assert.equal(d.stake, P.minClientStake);
        assert.equal(d.pendingDeposit, 0n);
        assert.equal((await pd()).clientFunds, P.minClientStake + toNano('5'));
    });

    test('top_up needs the amount plus forwarding value, and a positive amount', async () => {
        let r = await w.send(stranger, addr(), toNano('5.01'), L.body.topUp(toNano('5'), 1n));
        expectTx(r, { to: addr(), exitCode: ERR.LOW_VALUE });
        r = await w.send(stranger, addr(), toNano('1'), L.body.topUp(0n, 1n));
        expectTx(r, { to: addr(), exitCode: ERR.LOW_VALUE });
        assert.equal((await cd()).balance, P.minClientStake);
    });

    test('top_up before the minimum stake is refused (stake enforced on chain)', async () => {
        const other = await w.bc.treasury('unstaked');
        const c2 = H.clientOf(w, p, other);
        let r = await w.send(other, c2.address, toNano('3'), L.body.topUp(toNano('2'), 1n), c2.init);
        expectTx(r, { to: c2.address, exitCode: ERR.STAKE_TOO_LOW });
        r = await w.send(other, c2.address, toNano('1'), L.body.increaseStake(toNano('0.5'), 2n), c2.init);
        expectTx(r, { from: p.proxy.address, to: c2.address, op: OP.DEPOSIT_ACK, success: true });
        r = await w.send(other, c2.address, toNano('3'), L.body.topUp(toNano('2'), 3n));
        expectTx(r, { to: c2.address, exitCode: ERR.STAKE_TOO_LOW });
        r = await w.send(other, c2.address, toNano('1'), L.body.increaseStake(toNano('0.5'), 4n));
        r = await w.send(other, c2.address, toNano('3'), L.body.topUp(toNano('2'), 5n));
        expectTx(r, { from: p.proxy.address, to: c2.address, op: OP.DEPOSIT_ACK, success: true });
        const d = L.read.clientData(await w.get(c2.address, 'get_client_data'));
        assert.equal(d.stake, toNano('1'));
        assert.equal(d.balance, toNano('3'));
    });

    test('increase_stake is for the owner only', async () => {
        const r = await w.send(stranger, addr(), toNano('2'), L.body.increaseStake(toNano('1'), 1n));
        expectTx(r, { to: addr(), exitCode: ERR.ACCESS_DENIED });
        const r2 = await w.send(c.clientOwner, addr(), toNano('2.1'), L.body.increaseStake(toNano('2'), 1n));
        expectTx(r2, { to: addr(), op: OP.DEPOSIT_ACK, success: true });
        const d = await cd();
        assert.equal(d.stake, P.minClientStake + toNano('2'));
        assert.equal(d.balance, P.minClientStake + toNano('2'));
    });

    test('deposit_ack from anyone but the proxy is refused', async () => {
        const fake = beginCell().storeUint(OP.DEPOSIT_ACK, 32).storeUint(0, 64).storeUint(toNano('100'), 64)
            .storeBit(false).storeAddress(stranger.address).endCell();
        const r = await w.send(stranger, addr(), toNano('0.1'), fake);
        expectTx(r, { to: addr(), exitCode: ERR.NOT_PROXY });
        assert.equal((await cd()).balance, P.minClientStake);
    });

    test('set_secret_hash is for the owner only', async () => {
        const h = Buffer.alloc(32, 0xab);
        let r = await w.send(stranger, addr(), toNano('0.05'), L.body.setSecretHash(h, 1n));
        expectTx(r, { to: addr(), exitCode: ERR.ACCESS_DENIED });
        r = await w.send(c.clientOwner, addr(), toNano('0.05'), L.body.setSecretHash(h, 1n));
        expectTx(r, { to: addr(), success: true });
        expectTx(r, { from: addr(), to: c.clientOwner.address, op: OP.EXCESSES });
        assert.equal((await cd()).secretHash, BigInt('0x' + h.toString('hex')));
    });

    test('withdraw pays what exceeds the stake through the proxy', async () => {
        await w.send(stranger, addr(), toNano('3.1'), L.body.topUp(toNano('3'), 1n));
        let r = await w.send(c.clientOwner, addr(), toNano('0.1'), L.body.withdraw(toNano('3') + 1n, 2n));
        expectTx(r, { to: addr(), exitCode: ERR.AMOUNT_TOO_LARGE });
        r = await w.send(stranger, addr(), toNano('0.1'), L.body.withdraw(toNano('1'), 2n));
        expectTx(r, { to: addr(), exitCode: ERR.ACCESS_DENIED });
        r = await w.send(c.clientOwner, addr(), toNano('0.01'), L.body.withdraw(toNano('1'), 2n));
        expectTx(r, { to: addr(), exitCode: ERR.LOW_VALUE });
        r = await w.send(c.clientOwner, addr(), toNano('0.1'), L.body.withdraw(toNano('1'), 3n));
        expectTx(r, { from: addr(), to: p.proxy.address, op: OP.CLIENT_REFUND, success: true });
        const paid = expectTx(r, { from: p.proxy.address, to: c.clientOwner.address, op: OP.EXCESSES });
        assert.ok(paid.value > toNano('1') && paid.value < toNano('1.1'), `paid ${paid.value}`);
        assert.equal((await cd()).balance, P.minClientStake + toNano('2'));
        // amount 0 = everything above the stake
        r = await w.send(c.clientOwner, addr(), toNano('0.1'), L.body.withdraw(0n, 4n));
        expectTx(r, { from: p.proxy.address, to: c.clientOwner.address, op: OP.EXCESSES });
        assert.equal((await cd()).balance, P.minClientStake);
        assert.equal((await pd()).clientFunds, P.minClientStake);
        r = await w.send(c.clientOwner, addr(), toNano('0.1'), L.body.withdraw(0n, 5n));
        expectTx(r, { to: addr(), exitCode: ERR.AMOUNT_TOO_LARGE });
    });

    test('charge voucher moves tokens x price to the proxy revenue', async () => {
        const r = await w.send(stranger, addr(), toNano('0.1'), H.charge(p, addr(), 1000, { queryId: 5n }));
        expectTx(r, { to: addr(), op: OP.CHARGE, success: true });
        expectTx(r, { from: addr(), to: p.proxy.address, op: OP.CLIENT_CHARGE, success: true });
        expectTx(r, { from: p.proxy.address, to: stranger.address, op: OP.EXCESSES });
        let d = await cd();
        assert.equal(d.tokensCharged, 1000n);
        assert.equal(d.balance, P.minClientStake - 1000n * P.pricePerToken);
        let x = await pd();
        assert.equal(x.revenue, 1000n * P.pricePerToken);
        assert.equal(x.clientFunds, P.minClientStake - 1000n * P.pricePerToken);
        // cumulative: the next voucher charges only the difference
        await w.send(stranger, addr(), toNano('0.1'), H.charge(p, addr(), 1500));
        d = await cd();
        assert.equal(d.tokensCharged, 1500n);
        assert.equal(d.balance, P.minClientStake - 1500n * P.pricePerToken);
        assert.equal((await pd()).revenue, 1500n * P.pricePerToken);
    });

    test('charge refuses replays, forgeries, other targets and other kinds', async () => {
        await w.send(stranger, addr(), toNano('0.1'), H.charge(p, addr(), 1000));
        const cases = [
            ['replay of the same voucher', H.charge(p, addr(), 1000), ERR.OLD_VOUCHER],
            ['an older voucher', H.charge(p, addr(), 999), ERR.OLD_VOUCHER],
            ['a forged signature', H.charge(p, addr(), 5000, { key: H.keyPair('mallory') }), ERR.BAD_SIGNATURE],
            ['a voucher for another contract', H.charge(p, p.proxy.address, 5000), ERR.WRONG_TARGET],
            ['a payout voucher', H.signed(p, OP.CHARGE, OP.PAYLOAD_WORKER_PAYOUT, addr(), 5000), ERR.WRONG_PAYLOAD_OP],
        ];
        for (const [name, msg, code] of cases) {
            const r = await w.send(stranger, addr(), toNano('0.1'), msg);
            expectTx(r, { to: addr(), exitCode: code });
            assert.equal((await cd()).tokensCharged, 1000n, name);
        }
        // a payload with a tampered token count does not match its signature
        const good = L.signVoucher({ op: OP.PAYLOAD_CHARGE, totalTokens: 2000n, target: addr() }, p.key.secretKey);
        const tampered = { signature: good.signature, payload: L.voucherPayload({ op: OP.PAYLOAD_CHARGE, totalTokens: 900000n, target: addr() }) };
        const r = await w.send(stranger, addr(), toNano('0.1'), L.body.signed(OP.CHARGE, tampered, 0n));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_SIGNATURE });
        const low = await w.send(stranger, addr(), toNano('0.01'), H.charge(p, addr(), 2000));
        expectTx(low, { to: addr(), exitCode: ERR.LOW_VALUE });
        assert.equal((await cd()).tokensCharged, 1000n);
    });

    test('a charge larger than the balance takes the whole balance, no more', async () => {
        const tokens = P.minClientStake / P.pricePerToken + 500n;
        const r = await w.send(stranger, addr(), toNano('0.1'), H.charge(p, addr(), tokens));
        expectTx(r, { from: addr(), to: p.proxy.address, op: OP.CLIENT_CHARGE, success: true });
        const d = await cd();
        assert.equal(d.balance, 0n);
        assert.equal(d.tokensCharged, tokens);
        assert.equal((await pd()).revenue, P.minClientStake);
        // with nothing left to charge, a new voucher is recorded without a message to the proxy
        const r2 = await w.send(stranger, addr(), toNano('0.1'), H.charge(p, addr(), tokens + 10n));
        expectNoTx(r2, { to: p.proxy.address });
        assert.equal((await cd()).tokensCharged, tokens + 10n);
    });

    test('request_refund, then force_refund after the close delay', async () => {
        await w.send(stranger, addr(), toNano('2.1'), L.body.topUp(toNano('2'), 1n));
        let r = await w.send(stranger, addr(), toNano('0.1'), L.body.requestRefund(1n));
        expectTx(r, { to: addr(), exitCode: ERR.ACCESS_DENIED });
        r = await w.send(c.clientOwner, addr(), toNano('0.1'), L.body.forceRefund(1n));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
        r = await w.send(c.clientOwner, addr(), toNano('0.1'), L.body.requestRefund(2n));
        expectTx(r, { to: addr(), success: true });
        let d = await cd();
        assert.equal(d.state, STATE.CLOSING);
        assert.equal(d.closeStartedAt, H.T0);
        r = await w.send(c.clientOwner, addr(), toNano('0.1'), L.body.requestRefund(2n));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
        // closing: no more deposits or withdrawals, but the proxy can still charge
        r = await w.send(stranger, addr(), toNano('2.1'), L.body.topUp(toNano('2'), 3n));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
        r = await w.send(c.clientOwner, addr(), toNano('2.1'), L.body.increaseStake(toNano('2'), 3n));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
        r = await w.send(c.clientOwner, addr(), toNano('0.1'), L.body.withdraw(0n, 3n));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
        r = await w.send(stranger, addr(), toNano('0.1'), H.charge(p, addr(), 100));
        expectTx(r, { from: addr(), to: p.proxy.address, op: OP.CLIENT_CHARGE, success: true });

        w.bc.now = H.T0 + P.clientCloseDelay - 1;
        r = await w.send(c.clientOwner, addr(), toNano('0.1'), L.body.forceRefund(4n));
        expectTx(r, { to: addr(), exitCode: ERR.TOO_EARLY });
        w.bc.now = H.T0 + P.clientCloseDelay;
        r = await w.send(stranger, addr(), toNano('0.1'), L.body.forceRefund(4n));
        expectTx(r, { to: addr(), exitCode: ERR.ACCESS_DENIED });
        r = await w.send(c.clientOwner, addr(), toNano('0.1'), L.body.forceRefund(5n));
        const owed = P.minClientStake + toNano('2') - 100n * P.pricePerToken;
        expectTx(r, { from: addr(), to: p.proxy.address, op: OP.CLIENT_REFUND, success: true });
        const paid = expectTx(r, { from: p.proxy.address, to: c.clientOwner.address });
        assert.ok(paid.value > owed && paid.value < owed + toNano('0.1'));
        d = await cd();
        assert.equal(d.state, STATE.CLOSED);
        assert.equal(d.balance, 0n);
        assert.equal((await pd()).clientFunds, 0n);
        // closed: everything is refused
        r = await w.send(stranger, addr(), toNano('0.1'), H.charge(p, addr(), 200));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
        r = await w.send(stranger, addr(), toNano('1.1'), L.body.topUp(toNano('1'), 6n));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
        r = await w.send(c.clientOwner, addr(), toNano('0.1'), L.body.forceRefund(7n));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
    });

    test('signed final refund charges the last tokens, refunds the rest and closes', async () => {
        await w.send(stranger, addr(), toNano('0.1'), H.charge(p, addr(), 100));
        let r = await w.send(stranger, addr(), toNano('0.1'), H.finalRefund(p, addr(), 99));
        expectTx(r, { to: addr(), exitCode: ERR.OLD_VOUCHER });
        r = await w.send(stranger, addr(), toNano('0.1'), H.finalRefund(p, addr(), 300, { key: H.keyPair('x') }));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_SIGNATURE });
        r = await w.send(stranger, addr(), toNano('0.1'), H.signed(p, OP.FINAL_REFUND, OP.PAYLOAD_CHARGE, addr(), 300));
        expectTx(r, { to: addr(), exitCode: ERR.WRONG_PAYLOAD_OP });
        r = await w.send(stranger, addr(), toNano('0.05'), H.finalRefund(p, addr(), 300));
        expectTx(r, { to: addr(), exitCode: ERR.LOW_VALUE });

        r = await w.send(stranger, addr(), toNano('0.2'), H.finalRefund(p, addr(), 300));
        expectTx(r, { from: addr(), to: p.proxy.address, op: OP.CLIENT_CHARGE, success: true });
        expectTx(r, { from: addr(), to: p.proxy.address, op: OP.CLIENT_REFUND, success: true });
        const owed = P.minClientStake - 300n * P.pricePerToken;
        const paid = expectTx(r, { from: p.proxy.address, to: c.clientOwner.address });
        assert.ok(paid.value >= owed, `refund ${paid.value} < ${owed}`);
        const d = await cd();
        assert.equal(d.state, STATE.CLOSED);
        assert.equal(d.tokensCharged, 300n);
        assert.equal(d.balance, 0n);
        const x = await pd();
        assert.equal(x.clientFunds, 0n);
        assert.equal(x.revenue, 300n * P.pricePerToken);
        r = await w.send(stranger, addr(), toNano('0.2'), H.finalRefund(p, addr(), 300));
        expectTx(r, { to: addr(), exitCode: ERR.BAD_STATE });
    });

    test('final refund with no new tokens sends only the refund', async () => {
        const r = await w.send(stranger, addr(), toNano('0.2'), H.finalRefund(p, addr(), 0));
        expectNoTx(r, { op: OP.CLIENT_CHARGE });
        expectTx(r, { from: addr(), to: p.proxy.address, op: OP.CLIENT_REFUND, success: true });
        assert.equal((await cd()).state, STATE.CLOSED);
    });

    test('empty body is accepted; unknown op is refused', async () => {
        let r = await w.send(stranger, addr(), toNano('0.05'), beginCell().endCell());
        expectTx(r, { to: addr(), success: true });
        expectNoTx(r, { from: addr() });
        r = await w.send(stranger, addr(), toNano('0.05'), beginCell().storeUint(0xdead, 32).storeUint(0, 64).endCell());
        expectTx(r, { to: addr(), exitCode: ERR.UNKNOWN_OP });
    });
});
